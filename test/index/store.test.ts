import { spawn } from 'node:child_process';
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Embedder, createTransformersEmbedder } from '../../src/index/embed.js';
import { buildIndex } from '../../src/index/indexer.js';
import { readCorpus } from '../../src/ingest/ingest.js';
import { currentIndexFolder, openIndex, readManifest } from '../../src/index/store.js';
import { writeSyntheticCorpus } from '../../scripts/synthetic.js';
import {
  CORPUS,
  ROOT,
  copyCorpus,
  makeTinyModel,
  tempDir,
  tinyEmbedder,
  npmScriptArgs,
} from '../helpers.js';

describe('buildIndex', () => {
  it('writes SQLite, HNSW and a manifest, and opens with the same model', async () => {
    const embedder = await tinyEmbedder();
    const data = tempDir();
    const summary = await buildIndex({ corpusDir: CORPUS, dataDir: data, embedder });
    expect(summary).toMatchObject({
      articles: 2,
      added: 2,
      changed: 0,
      removed: 0,
      unchanged: 0,
      rebuilt: true,
    });
    expect(summary.embedded).toBe(summary.chunks);
    expect(summary.sentencesEmbedded).toBeGreaterThan(summary.chunks); // every distinct sentence text, once
    const folder = currentIndexFolder(data) ?? '';
    expect(readdirSync(folder).sort()).toEqual(['manifest.json', 'store.sqlite', 'vectors.hnsw']);
    const manifest = readManifest(folder);
    expect(manifest).toMatchObject({
      formatVersion: 2,
      modelId: embedder.modelId,
      dimensions: 384,
      space: 'cosine',
      articles: 2,
      chunks: summary.chunks,
    });
    expect(manifest.chunker).toEqual({
      targetChars: 500,
      overlapSentences: 1,
      maxSentenceChars: 700,
    });
    expect(manifest.corpusHash).toMatch(/^[0-9a-f]{64}$/);
    const index = openIndex(data, { modelId: embedder.modelId, dimensions: 384 });
    expect(index.vectors?.count()).toBe(summary.chunks);
    expect(index.store.articles().map((a) => a.id)).toEqual([
      '000_86a42e72cadfc67f',
      '001_dc967e06efca010d',
    ]);
    // The nearest chunk to a chunk's own text is that chunk.
    const hits =
      index.vectors?.search(
        await embedder.embedQuery('315 Flugzeuge, 314 Hubschrauber, 4.242 Drohnen'),
        1,
      ) ?? [];
    const chunk = index.store.chunk(hits[0]?.label ?? -1);
    const article = index.store.article(chunk?.article ?? -1);
    expect(article?.text.slice(chunk?.start, chunk?.end)).toContain('315 Flugzeuge');
    // Lexical search finds stems.
    expect(index.store.lexicalSearch(['flugzeug'], 3).length).toBeGreaterThan(0);
    index.close();
  });

  it('is incremental: unchanged runs embed nothing, changes embed only new text', async () => {
    const embedder = await tinyEmbedder([
      'Ein neuer Artikel über Satelliten und Raumfahrt in Nordkorea.',
    ]);
    const corpus = copyCorpus();
    const data = tempDir();
    const first = await buildIndex({ corpusDir: corpus, dataDir: data, embedder });
    const again = await buildIndex({ corpusDir: corpus, dataDir: data, embedder });
    expect(again).toMatchObject({
      added: 0,
      changed: 0,
      removed: 0,
      unchanged: 2,
      embedded: 0,
      rebuilt: false,
    });
    expect(currentIndexFolder(data)).toBe(first.folder);

    writeFileSync(
      path.join(corpus, 'neu.txt'),
      'Ein neuer Artikel über Satelliten und Raumfahrt in Nordkorea.',
    );
    appendFileSync(
      path.join(corpus, '000_86a42e72cadfc67f.txt'),
      '\nEin angehängter Satz über Raumfahrt.',
    );
    const third = await buildIndex({ corpusDir: corpus, dataDir: data, embedder });
    expect(third).toMatchObject({ added: 1, changed: 1, removed: 0, unchanged: 1, rebuilt: true });
    expect(third.embedded).toBeGreaterThan(0);
    expect(third.embedded).toBeLessThanOrEqual(3); // the new article's chunk and the changed last chunk(s), not everything
    expect(third.sentencesEmbedded).toBe(2); // the new article's sentence and the appended one; the rest copied

    rmSync(path.join(corpus, '001_dc967e06efca010d.txt'));
    const fourth = await buildIndex({ corpusDir: corpus, dataDir: data, embedder });
    expect(fourth).toMatchObject({
      added: 0,
      changed: 0,
      removed: 1,
      unchanged: 2,
      embedded: 0,
      sentencesEmbedded: 0,
    });
    const index = openIndex(data, { modelId: embedder.modelId });
    expect(index.store.articles().map((a) => a.id)).toEqual(['000_86a42e72cadfc67f', 'neu']);
    index.close();
  });

  it('builds a lexical-only index without a model', async () => {
    const data = tempDir();
    const summary = await buildIndex({ corpusDir: CORPUS, dataDir: data, embedder: null });
    expect(summary.embedded).toBe(0);
    const folder = currentIndexFolder(data) ?? '';
    expect(existsSync(path.join(folder, 'vectors.hnsw'))).toBe(false);
    expect(readManifest(folder)).toMatchObject({ modelId: null, dimensions: 0, hnsw: null });
    const index = openIndex(data, { modelId: null });
    expect(index.vectors).toBeNull();
    index.close();
  });

  it('fails with a clear error when nothing can be indexed, and keeps the old index', async () => {
    const data = tempDir();
    await buildIndex({ corpusDir: CORPUS, dataDir: data, embedder: null });
    const before = currentIndexFolder(data);
    const empty = tempDir();
    writeFileSync(path.join(empty, 'leer.txt'), '');
    await expect(buildIndex({ corpusDir: empty, dataDir: data, embedder: null })).rejects.toThrow(
      `Nothing could be indexed: no readable article in ${empty} (supported: .txt, .md, .html).`,
    );
    expect(currentIndexFolder(data)).toBe(before);
  });
});

describe('duplicate text', () => {
  it('stores one HNSW point per distinct chunk text and retrieval finds every copy', async () => {
    const embedder = await tinyEmbedder();
    const corpus = copyCorpus();
    const text = readFileSync(path.join(corpus, '000_86a42e72cadfc67f.txt'), 'utf8');
    // The same article body under another title: every chunk is a copy.
    writeFileSync(
      path.join(corpus, 'kopie.md'),
      `---\ntitle: Nachdruck\n---\n${text.replace(/^Von: mk\n/, '')}\nEin eigener Schlusssatz des Nachdrucks.`,
    );
    const data = tempDir();
    const summary = await buildIndex({ corpusDir: corpus, dataDir: data, embedder });
    const index = openIndex(data, { modelId: embedder.modelId });
    const copies = index.store.articles().filter((a) => a.id !== '001_dc967e06efca010d');
    expect(copies).toHaveLength(2);
    expect(index.vectors?.count()).toBeLessThan(summary.chunks);
    const { createRetriever } = await import('../../src/answer/retrieve.js');
    const retriever = createRetriever({ index, embedder, mode: 'dense' });
    const hits = await retriever.retrieve('315 Flugzeuge, 314 Hubschrauber, 4.242 Drohnen', 4);
    expect(new Set(hits.chunks.slice(0, 2).map((c) => c.article.id))).toEqual(
      new Set(copies.map((a) => a.id)),
    );
    // The copies of several chunks in one query, in the order asked, lowest ids first, at most
    // `limit`.
    const point = hits.chunks[0]?.chunk.id ?? -1;
    const [withCopy, again, missing] = index.store.sameTexts([point, point, 999_999], 3);
    expect(withCopy).toHaveLength(2);
    expect(withCopy).toContain(point);
    expect(again).toEqual(withCopy);
    expect(missing).toEqual([]);
    expect(index.store.sameTexts([point], 1)).toEqual([[Math.min(...(withCopy ?? []))]]);
    expect(index.store.sameTexts([], 3)).toEqual([]);
    index.close();
  });
});

describe('openIndex refuses a mismatch', () => {
  it('another model, another dimension, no vectors, no index', async () => {
    const embedder = await tinyEmbedder();
    const data = tempDir();
    await buildIndex({ corpusDir: CORPUS, dataDir: data, embedder });
    expect(() => openIndex(data, { modelId: 'Xenova/multilingual-e5-small' })).toThrow(
      `The index in ${data} was built with model "${embedder.modelId}" (384 dimensions), but EMBEDDING_MODEL is "Xenova/multilingual-e5-small". Re-index with: npm run index -- --data ${data}, or set EMBEDDING_MODEL back to "${embedder.modelId}".`,
    );
    expect(() => openIndex(data, { modelId: embedder.modelId, dimensions: 768 })).toThrow(
      `The index in ${data} has 384-dimensional vectors, but model "${embedder.modelId}" produces 768. Re-index with: npm run index -- --data ${data}`,
    );
    const lexical = tempDir();
    await buildIndex({ corpusDir: CORPUS, dataDir: lexical, embedder: null });
    expect(() => openIndex(lexical, { modelId: embedder.modelId })).toThrow(
      /was built without an embedding model \(RETRIEVAL_MODE=lexical\)/,
    );
    const none = tempDir();
    expect(() => openIndex(none, { modelId: null })).toThrow(
      `No index in ${none}. Build one with: npm run index`,
    );
  });

  it('a build with another model (and dimension) starts from scratch instead of reusing vectors', async () => {
    const small = await createTransformersEmbedder({ modelId: await makeTinyModel([], 64) });
    const data = tempDir();
    await buildIndex({ corpusDir: CORPUS, dataDir: data, embedder: small });
    const big = await tinyEmbedder();
    await expect(
      buildIndex({ corpusDir: CORPUS, dataDir: data, embedder: big }),
    ).resolves.toMatchObject({ rebuilt: true, embedded: expect.any(Number) });
    expect(readManifest(currentIndexFolder(data) ?? '').dimensions).toBe(384);
  });
});

/** A copy of the corpus indexed with a small tiny model: what a build in these tests replaces. */
async function liveIndex(): Promise<{
  model: string;
  corpus: string;
  data: string;
  embedder: Embedder;
  live: string | null;
}> {
  const model = await makeTinyModel([], 64);
  const corpus = copyCorpus();
  const data = tempDir();
  const embedder = await createTransformersEmbedder({ modelId: model });
  await buildIndex({ corpusDir: corpus, dataDir: data, embedder });
  return { model, corpus, data, embedder, live: currentIndexFolder(data) };
}

describe('atomic switch', () => {
  it('a build killed midway leaves the previous index loadable, and the next build cleans up', async () => {
    const { model, corpus, data, embedder, live } = await liveIndex();
    const liveHash = readManifest(live ?? '').corpusHash;

    const { articles } = await readCorpus(CORPUS);
    writeSyntheticCorpus(corpus, articles, 400);
    const child = spawn(
      process.execPath,
      [...npmScriptArgs('index'), '--corpus', corpus, '--data', data],
      {
        cwd: ROOT,
        env: { ...process.env, EMBEDDING_MODEL: model, RETRIEVAL_MODE: 'hybrid' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill it once the new folder exists: mid-write of SQLite or HNSW.
    const deadline = Date.now() + 50_000;
    while (!readdirSync(data).some((e) => e.startsWith('.build-')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(
      readdirSync(data).some((e) => e.startsWith('.build-')),
      stderr,
    ).toBe(true);
    child.kill('SIGKILL');
    await exited;

    expect(currentIndexFolder(data)).toBe(live);
    const index = openIndex(data, { modelId: model });
    expect(index.manifest.corpusHash).toBe(liveHash);
    expect(index.store.articles()).toHaveLength(2);
    index.close();
    expect(existsSync(path.join(data, '.build.lock'))).toBe(true); // left by the killed process

    const summary = await buildIndex({ corpusDir: corpus, dataDir: data, embedder });
    expect(summary.articles).toBe(402);
    expect(readdirSync(data).filter((e) => e.startsWith('.build'))).toEqual([]);
    expect(readFileSync(path.join(data, 'CURRENT'), 'utf8').trim()).toBe(
      path.basename(summary.folder),
    );
  });

  it('shouldStop stops a build at its next progress report: BUILD_STOPPED, the previous index stays, the lock is released', async () => {
    const { corpus, data, embedder, live } = await liveIndex();
    writeSyntheticCorpus(corpus, (await readCorpus(CORPUS)).articles, 50);
    const phases: string[] = [];
    await expect(
      buildIndex({
        corpusDir: corpus,
        dataDir: data,
        embedder,
        onProgress: (p) => phases.push(p.phase),
        shouldStop: () => phases.includes('embed'),
      }),
    ).rejects.toMatchObject({
      code: 'BUILD_STOPPED',
      message: expect.stringMatching(/stopped during embed; the previous index stays in service/),
    });
    expect(currentIndexFolder(data)).toBe(live);
    expect(existsSync(path.join(data, '.build.lock'))).toBe(false);
    expect((await buildIndex({ corpusDir: corpus, dataDir: data, embedder })).articles).toBe(52);
  });
});
