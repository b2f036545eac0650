/**
 * The indexing pipeline: corpus → ingest → chunk → embed → store + HNSW, written to a new index
 * folder and switched in atomically. Incremental: chunk vectors of unchanged text are reused from
 * the live index, and when no article changed nothing is rebuilt at all.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ChunkerSettings, DEFAULT_CHUNKER, chunkArticle } from './chunk.js';
import { type StoreWriter, createStoreDb, openStoreDb } from './db.js';
import type { Embedder } from './embed.js';
import { BelegError, errorMessage } from '../errors.js';
import { DEFAULT_HNSW, type HnswSettings, createHnswIndex } from './hnsw.js';
import {
  type Article,
  DEFAULT_MAX_ARTICLE_BYTES,
  type IngestWarning,
  readCorpus,
} from '../ingest/ingest.js';
import {
  FORMAT_VERSION,
  HNSW_FILE,
  MANIFEST_FILE,
  type Manifest,
  STORE_FILE,
  acquireBuildLock,
  checkCompatible,
  currentIndexFolder,
  publishBuild,
  readManifest,
  removeStaleBuilds,
  startBuildFolder,
} from './store.js';
import { stems, titleStems } from '../text.js';

export type BuildPhase = 'read' | 'embed' | 'store' | 'sentences' | 'hnsw';

export interface BuildProgress {
  readonly phase: BuildPhase;
  readonly done: number;
  readonly total: number;
}

export interface BuildOptions {
  corpusDir: string;
  dataDir: string;
  /** null: lexical-only index (RETRIEVAL_MODE=lexical), no model needed. */
  embedder: Embedder | null;
  /**
   * Without an embedder (the model could not be loaded): keep the live index's model and every
   * vector of unchanged text, and index new and changed text by its words only. The manifest
   * counts the articles left without vectors (`pendingVectors`); the next build with the model
   * embeds them. Without it, a build without an embedder is lexical-only.
   */
  keepVectors?: boolean;
  maxArticleBytes?: number;
  chunker?: ChunkerSettings;
  hnsw?: HnswSettings;
  /** Chunks per embedding call; progress is reported after each. */
  embedBatch?: number;
  onProgress?: (progress: BuildProgress) => void;
  onWarning?: (warning: IngestWarning) => void;
  /** Take the data folder's build lock (default). false: the caller already holds it. */
  lock?: boolean;
  /**
   * Asked at every progress report (after each embedding batch, every 500 articles stored, every
   * 1,000 HNSW inserts): true stops the build with BUILD_STOPPED, leaving the live index as it
   * was. The build worker's way to stop without being killed inside native code.
   */
  shouldStop?: () => boolean;
}

export interface BuildSummary {
  readonly articles: number;
  readonly chunks: number;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly unchanged: number;
  /** Chunk texts sent to the model (0 when everything was reused). */
  readonly embedded: number;
  /** Sentence texts sent to the model (the rest were reused from the live index). */
  readonly sentencesEmbedded: number;
  /** Articles the index has no vectors for yet (a build without the model, keepVectors). */
  readonly pendingVectors: number;
  /** false when nothing changed and the live index was kept as it is. */
  readonly rebuilt: boolean;
  readonly warnings: readonly IngestWarning[];
  readonly seconds: number;
  /** Seconds per stage, for the benchmark. */
  readonly timings: Readonly<Record<'ingest' | 'embed' | 'store' | 'sentences' | 'hnsw', number>>;
  readonly folder: string;
}

export function corpusHash(articles: readonly Pick<Article, 'id' | 'hash'>[]): string {
  const h = createHash('sha256');
  for (const a of [...articles].sort((x, y) => x.id.localeCompare(y.id)))
    h.update(`${a.id}\0${a.hash}\n`);
  return h.digest('hex');
}

function textHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export async function buildIndex(buildOptions: BuildOptions): Promise<BuildSummary> {
  const options: BuildOptions = { ...buildOptions, onProgress: checkpoint(buildOptions) };
  const t0 = performance.now();
  const chunker = options.chunker ?? DEFAULT_CHUNKER;
  const hnswSettings = options.hnsw ?? DEFAULT_HNSW;
  const { embedder, dataDir } = options;
  mkdirSync(dataDir, { recursive: true });
  const release = options.lock === false ? () => undefined : acquireBuildLock(dataDir);
  let buildFolder: string | null = null;
  try {
    removeStaleBuilds(dataDir);
    const warnings: IngestWarning[] = [];
    const tIngest = performance.now();
    const { articles, warnings: ingestWarnings } = await readCorpus(options.corpusDir, {
      maxBytes: options.maxArticleBytes ?? DEFAULT_MAX_ARTICLE_BYTES,
    });
    for (const w of ingestWarnings) {
      warnings.push(w);
      options.onWarning?.(w);
    }
    if (articles.length === 0) {
      throw new BelegError(
        'CORPUS_EMPTY',
        `Nothing could be indexed: no readable article in ${options.corpusDir} (supported: .txt, .md, .html).`,
      );
    }
    options.onProgress?.({ phase: 'read', done: articles.length, total: articles.length });

    // What the live index has, when it was built with the same model, format and chunker.
    const liveFolder = currentIndexFolder(dataDir);
    const liveManifest = liveFolder ? readManifestOrNull(liveFolder) : null;
    // The model whose vectors this build holds: the embedder's, or (offline) the live index's.
    const vectorModel = embedder
      ? { modelId: embedder.modelId, dimensions: embedder.dimensions }
      : options.keepVectors && liveManifest?.modelId
        ? { modelId: liveManifest.modelId, dimensions: liveManifest.dimensions }
        : null;
    const modelId = vectorModel?.modelId ?? null;
    let previousHashes = new Map<string, string>();
    let reusable = new Map<string, Float32Array>();
    let compatible = false;
    if (liveFolder && liveManifest) {
      try {
        checkCompatible(
          liveManifest,
          { modelId, ...(vectorModel ? { dimensions: vectorModel.dimensions } : {}) },
          dataDir,
        );
        compatible =
          liveManifest.modelId === modelId &&
          JSON.stringify(liveManifest.chunker) === JSON.stringify(chunker);
        const store = openStoreDb(path.join(liveFolder, STORE_FILE));
        try {
          previousHashes = new Map(store.articles().map((a) => [a.id, a.hash]));
          if (compatible && vectorModel) reusable = store.vectorsByTextHash();
        } finally {
          store.close();
        }
      } catch {
        compatible = false; // another model or a damaged index: build from scratch
      }
    }
    let added = 0;
    let changed = 0;
    let unchanged = 0;
    for (const a of articles) {
      const before = previousHashes.get(a.id);
      if (before === undefined) added++;
      else if (before !== a.hash) changed++;
      else unchanged++;
    }
    const current = new Set(articles.map((a) => a.id));
    const removed = [...previousHashes.keys()].filter((id) => !current.has(id)).length;
    const chunked = articles.map((article) => {
      const { sentences, chunks } = chunkArticle(article.text, chunker);
      // The text hash keys vector reuse, the store and HNSW de-duplication: computed once here.
      return {
        article,
        sentences,
        chunks: chunks.map((ch) => ({ ...ch, hash: textHash(ch.text) })),
      };
    });
    const chunkCount = chunked.reduce((n, c) => n + c.chunks.length, 0);
    const ingestSeconds = (performance.now() - tIngest) / 1000;

    // Nothing changed: the live index stays — unless the model is back for articles indexed
    // without it.
    const livePending = liveManifest?.pendingVectors ?? 0;
    if (
      compatible &&
      liveFolder &&
      added === 0 &&
      changed === 0 &&
      removed === 0 &&
      !(embedder && livePending > 0)
    ) {
      return {
        articles: articles.length,
        chunks: chunkCount,
        added,
        changed,
        removed,
        unchanged,
        embedded: 0,
        sentencesEmbedded: 0,
        pendingVectors: livePending,
        rebuilt: false,
        warnings,
        seconds: (performance.now() - t0) / 1000,
        timings: { ingest: ingestSeconds, embed: 0, store: 0, sentences: 0, hnsw: 0 },
        folder: liveFolder,
      };
    }

    // Embed what the live index does not already have.
    const tEmbed = performance.now();
    const vectors = new Map<string, Float32Array>();
    let embedded = 0;
    if (!embedder && vectorModel) {
      // Offline: the vectors the live index has, nothing new.
      for (const c of chunked)
        for (const { hash } of c.chunks) {
          const old = reusable.get(hash);
          if (old) vectors.set(hash, old);
        }
    }
    if (embedder) {
      const missing = new Map<string, string>();
      for (const c of chunked)
        for (const { hash, text } of c.chunks) {
          const old = reusable.get(hash);
          if (old) vectors.set(hash, old);
          else missing.set(hash, text);
        }
      const todo = [...missing.entries()];
      const batch = options.embedBatch ?? 256;
      options.onProgress?.({ phase: 'embed', done: 0, total: todo.length });
      for (let i = 0; i < todo.length; i += batch) {
        const part = todo.slice(i, i + batch);
        const out = await embedder.embedPassages(part.map(([, text]) => text));
        part.forEach(([h], j) => vectors.set(h, Float32Array.from(out[j] ?? [])));
        embedded += part.length;
        options.onProgress?.({ phase: 'embed', done: embedded, total: todo.length });
      }
    }
    const embedSeconds = (performance.now() - tEmbed) / 1000;

    buildFolder = await startBuildFolder(dataDir);
    const tStore = performance.now();
    const writer = createStoreDb(path.join(buildFolder, STORE_FILE));
    const labelled: Array<{ id: number; vector: Float32Array }> = [];
    const inserted = new Set<string>();
    // Distinct texts of the sentences the answerer may score (headings are never quoted).
    const sentenceTexts = new Map<string, string>();
    let sentencesEmbedded = 0;
    let sentenceSeconds = 0;
    try {
      let done = 0;
      for (const { article, sentences, chunks } of chunked) {
        const row = writer.addArticle(article);
        const sentenceIds = sentences.map((s) => {
          let hash: string | null = null;
          if (vectorModel && !s.heading) {
            const text = article.text.slice(s.start, s.end);
            hash = textHash(text);
            sentenceTexts.set(hash, text);
          }
          return writer.addSentence({
            article: row,
            start: s.start,
            end: s.end,
            paragraph: s.paragraph,
            heading: s.heading,
            textHash: hash,
          });
        });
        // The title's words join every chunk's full-text entry: a chunk is about its article's
        // subject
        // even where it does not name it (docs/quality.md, stop 16).
        const title = titleStems(article.meta.title);
        for (const ch of chunks) {
          const h = ch.hash;
          const vector = vectors.get(h) ?? null;
          const id = writer.addChunk({
            article: row,
            start: ch.start,
            end: ch.end,
            firstSentence: sentenceIds[ch.firstSentence] ?? 0,
            lastSentence: sentenceIds[ch.lastSentence] ?? 0,
            textHash: h,
            vector,
            stems: [...stems(ch.text), ...title].join(' '),
          });
          // One HNSW point per distinct text: copies of a paragraph (wire copy, templates) would
          // otherwise sit at distance 0 from each other, and hnswlib's neighbour pruning then cuts
          // them off from the rest of the graph (recall@10 fell to 0.3-0.6 at 100k chunks).
          // Retrieval expands a hit to every chunk with the same text.
          if (vector && !inserted.has(h)) {
            inserted.add(h);
            labelled.push({ id, vector });
          }
        }
        done++;
        if (done % 500 === 0)
          options.onProgress?.({ phase: 'store', done, total: articles.length });
      }
      if (vectorModel) {
        const tSentences = performance.now();
        sentencesEmbedded = await storeSentenceVectors(
          writer,
          embedder,
          sentenceTexts,
          compatible ? liveFolder : null,
          options,
        );
        sentenceSeconds = (performance.now() - tSentences) / 1000;
      }
      writer.commit();
    } finally {
      writer.close();
    }
    const storeSeconds = (performance.now() - tStore) / 1000 - sentenceSeconds;

    const tHnsw = performance.now();
    if (vectorModel) {
      const index = createHnswIndex(vectorModel.dimensions, labelled.length, hnswSettings);
      labelled.forEach(({ id, vector }, i) => {
        index.add(Array.from(vector), id);
        if (i % 1000 === 999)
          options.onProgress?.({ phase: 'hnsw', done: i + 1, total: labelled.length });
      });
      options.onProgress?.({ phase: 'hnsw', done: labelled.length, total: labelled.length });
      index.save(path.join(buildFolder, HNSW_FILE));
    }
    const hnswSeconds = (performance.now() - tHnsw) / 1000;

    // Articles with a chunk the build could not give a vector (offline): embedded next time.
    const pendingVectors = vectorModel
      ? chunked.filter((c) => c.chunks.some((ch) => !vectors.has(ch.hash))).length
      : 0;
    const seconds = (performance.now() - t0) / 1000;
    const manifest: Manifest = {
      formatVersion: FORMAT_VERSION,
      modelId,
      dimensions: vectorModel?.dimensions ?? 0,
      space: 'cosine',
      chunker,
      hnsw: vectorModel ? { m: hnswSettings.m, efConstruction: hnswSettings.efConstruction } : null,
      ...(pendingVectors ? { pendingVectors } : {}),
      corpusHash: corpusHash(articles),
      builtAt: new Date().toISOString(),
      articles: articles.length,
      chunks: chunkCount,
      buildSeconds: Math.round(seconds * 1000) / 1000,
    };
    // The manifest is written last: a folder without one is never published.
    writeFileSync(path.join(buildFolder, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    const folder = publishBuild(dataDir, buildFolder);
    buildFolder = null;
    return {
      articles: articles.length,
      chunks: chunkCount,
      added,
      changed,
      removed,
      unchanged,
      embedded,
      sentencesEmbedded,
      pendingVectors,
      rebuilt: true,
      warnings,
      seconds,
      timings: {
        ingest: ingestSeconds,
        embed: embedSeconds,
        store: storeSeconds,
        sentences: sentenceSeconds,
        hnsw: hnswSeconds,
      },
      folder,
    };
  } catch (error) {
    if (error instanceof BelegError) throw error;
    throw new BelegError(
      'INDEX_CORRUPT',
      `Index build failed, the previous index stays in service: ${errorMessage(error)}`,
      { cause: error },
    );
  } finally {
    if (buildFolder) rmSync(buildFolder, { recursive: true, force: true });
    release();
  }
}

/**
 * A vector for every distinct sentence text, so answering a question reads its candidates'
 * vectors instead of running the model on them (with multilingual-e5-small on 2 cores that was
 * ~0.4 s per question whose sentences had not been seen before; docs/benchmarks.md). Texts the
 * live index already has are copied from it, a batch at a time, so memory stays flat however
 * large the archive. Returns how many texts went to the model.
 */
async function storeSentenceVectors(
  writer: StoreWriter,
  /** null (offline): only the vectors the live index has are copied. */
  embedder: Embedder | null,
  texts: ReadonlyMap<string, string>,
  liveFolder: string | null,
  options: Pick<BuildOptions, 'embedBatch' | 'onProgress'>,
): Promise<number> {
  const hashes = [...texts.keys()];
  const batch = options.embedBatch ?? 256;
  const live = liveFolder ? openStoreDb(path.join(liveFolder, STORE_FILE)) : null;
  let embedded = 0;
  try {
    options.onProgress?.({ phase: 'sentences', done: 0, total: hashes.length });
    for (let i = 0; i < hashes.length; i += batch) {
      const part = hashes.slice(i, i + batch);
      const known = live?.sentenceVectorsByHash(part) ?? new Map<string, Float32Array>();
      for (const [hash, vector] of known) writer.addSentenceVector(hash, vector);
      const missing = part.filter((h) => !known.has(h));
      if (missing.length && embedder) {
        const out = await embedder.embedPassages(missing.map((h) => texts.get(h) ?? ''));
        missing.forEach((h, j) => writer.addSentenceVector(h, Float32Array.from(out[j] ?? [])));
        embedded += missing.length;
      }
      options.onProgress?.({
        phase: 'sentences',
        done: Math.min(i + batch, hashes.length),
        total: hashes.length,
      });
    }
  } finally {
    live?.close();
  }
  return embedded;
}

/** Progress reports that first ask whether to stop (BuildOptions.shouldStop). */
function checkpoint(
  options: Pick<BuildOptions, 'onProgress' | 'shouldStop'>,
): (progress: BuildProgress) => void {
  return (progress) => {
    if (options.shouldStop?.())
      throw new BelegError(
        'BUILD_STOPPED',
        `The index build was stopped during ${progress.phase}; the previous index stays in service.`,
      );
    options.onProgress?.(progress);
  };
}

function readManifestOrNull(folder: string): Manifest | null {
  try {
    return readManifest(folder);
  } catch {
    return null;
  }
}
