import { describe, expect, it } from 'vitest';
import {
  createTransformersEmbedder,
  modelSettings,
  validateVector,
} from '../../src/index/embed.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeTinyModel } from '../../src/index/tinyModel.js';
import { makeTinyModel, tempDir } from '../helpers.js';

describe('createTransformersEmbedder with the tiny model', () => {
  it('loads the folder through transformers.js and returns normalized 384-d vectors', async () => {
    const dir = await makeTinyModel();
    const embedder = await createTransformersEmbedder({ modelId: dir });
    expect(embedder.modelId).toBe(dir);
    expect(embedder.dimensions).toBe(384);
    const [a, b, c] = await embedder.embedPassages([
      'Russland hat 315 Flugzeuge verloren.',
      'Russland verlor Flugzeuge.',
      'Das Kosmodrom Wostotschny liegt in der Amur-Region.',
    ]);
    const q = await embedder.embedQuery('Wie viele Flugzeuge hat Russland verloren?');
    const dot = (x: number[] = [], y: number[] = []) =>
      x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
    expect(Math.abs(dot(a, a) - 1)).toBeLessThan(1e-4);
    expect(dot(q, a)).toBeGreaterThan(dot(q, c) + 0.3);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  });

  it('keeps the input order when batching sorts by length', async () => {
    const embedder = await createTransformersEmbedder({
      modelId: await makeTinyModel(),
      batchSize: 2,
    });
    const texts = [
      'Nordkorea und Russland suchen Schulterschluss heute',
      'Kim',
      'Putin trifft Kim',
      'Ukraine',
    ];
    const together = await embedder.embedPassages(texts);
    for (const [i, t] of texts.entries())
      expect(together[i]).toEqual((await embedder.embedPassages([t]))[0]);
  });
});

describe('tiny model with transformer layers (speed measurements)', () => {
  it('runs attention and feed-forward layers, padding masked out, the same vector in any batch', async () => {
    const dir = tempDir();
    await writeTinyModel(dir, {
      texts: ['Russland und Nordkorea suchen Schulterschluss.'],
      dimensions: 32,
      layers: 2,
      heads: 4,
      intermediate: 64,
    });
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))).toMatchObject({
      num_hidden_layers: 2,
      num_attention_heads: 4,
      hidden_size: 32,
    });
    const embedder = await createTransformersEmbedder({ modelId: dir, dtype: 'fp32' });
    expect(embedder.dimensions).toBe(32);
    const texts = ['Russland', 'Nordkorea sucht den Schulterschluss mit Russland', 'und'];
    const batch = await embedder.embedPassages(texts);
    // Padding the short texts to the long one's length changes nothing: the mask reaches attention.
    for (const [i, t] of texts.entries())
      expect(batch[i]).toEqual((await embedder.embedPassages([t]))[0]);
    expect(batch[0]).not.toEqual(batch[2]);
    // The int8 file (loaded by default) quantizes each batch's activations with one scale, as
    // dynamically quantized hub models do: a vector moves a little with its batch, no more.
    const q8 = await createTransformersEmbedder({ modelId: dir });
    const [together] = await q8.embedPassages([texts[0] ?? '', texts[1] ?? '']);
    const [alone] = await q8.embedPassages([texts[0] ?? '']);
    const cos = (together ?? []).reduce((sum, v, i) => sum + v * (alone?.[i] ?? 0), 0);
    expect(cos).toBeGreaterThan(0.98);
    // The layers ran: the same vocabulary without them gives other vectors.
    const plainDir = tempDir();
    await writeTinyModel(plainDir, {
      texts: ['Russland und Nordkorea suchen Schulterschluss.'],
      dimensions: 32,
    });
    const plain = await createTransformersEmbedder({ modelId: plainDir });
    const [bag] = await plain.embedPassages([texts[1] ?? '']);
    const dot = (bag ?? []).reduce((sum, v, i) => sum + v * (batch[1]?.[i] ?? 0), 0);
    expect(dot).toBeLessThan(0.9);
  });

  it('refuses a width the heads do not divide', async () => {
    await expect(
      writeTinyModel(tempDir(), { texts: ['x'], dimensions: 30, layers: 1, heads: 4 }),
    ).rejects.toThrow(/multiple of heads/);
  });
});

describe('modelSettings', () => {
  it("uses E5 prefixes for E5 models and the folder's embedding.json for local ones", async () => {
    expect(modelSettings('Xenova/multilingual-e5-small')).toEqual({
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
      multilingual: true,
    });
    expect(modelSettings('Xenova/e5-small-v2')).toEqual({
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
      multilingual: false,
    });
    expect(modelSettings('Xenova/all-MiniLM-L6-v2')).toEqual({
      queryPrefix: '',
      passagePrefix: '',
      multilingual: false,
    });
    expect(modelSettings('Xenova/LaBSE').multilingual).toBe(true);
    expect(modelSettings(await makeTinyModel())).toEqual({
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
      multilingual: false,
    });
  });
});

describe('load failures', () => {
  it('names a missing model folder and says how to proceed', async () => {
    const missing = `${tempDir()}/no-model-here`;
    await expect(createTransformersEmbedder({ modelId: missing })).rejects.toThrow(
      `Could not load embedding model "${missing}": the folder does not exist or has no config.json.`,
    );
  });

  it('names a hub model that cannot be had and offers a local folder or lexical mode', async () => {
    const error = await createTransformersEmbedder({
      modelId: 'belegbot-tests/no-such-model-xyz',
      cacheDir: tempDir(),
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Could not load embedding model "belegbot-tests\/no-such-model-xyz": /,
    );
    expect(message).toContain(
      'set EMBEDDING_MODEL to a local model folder, or set RETRIEVAL_MODE=lexical',
    );
  });
});

describe('validateVector', () => {
  it('refuses wrong lengths and non-finite values before they reach HNSW', () => {
    expect(() => validateVector([1, 2], 3, 'm')).toThrow(
      'Embedding model "m" returned a vector of length 2, expected 3.',
    );
    expect(() => validateVector([1, Number.NaN, 0], 3, 'm')).toThrow(
      'Embedding model "m" returned a non-finite value (NaN); the model files may be damaged.',
    );
    expect(() => validateVector([0.1, 0.2, 0.3], 3, 'm')).not.toThrow();
  });
});

describe('meanPoolNormalize', () => {
  it("gives the same vectors as the transformers.js pipeline's own mean pooling", async () => {
    const dir = await makeTinyModel();
    const { pipeline, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    const extractor = await pipeline('feature-extraction', dir, { dtype: 'q8' });
    const texts = [
      'passage: Kurz.',
      'passage: Ein längerer Satz über Russland, Nordkorea und 254.920 Soldaten im Krieg.',
    ];
    const reference = await extractor(texts, { pooling: 'mean', normalize: true });
    const embedder = await createTransformersEmbedder({ modelId: dir });
    const ours = await embedder.embedPassages([
      'Kurz.',
      'Ein längerer Satz über Russland, Nordkorea und 254.920 Soldaten im Krieg.',
    ]);
    const ref = reference.tolist() as number[][];
    for (const [i, v] of ours.entries())
      for (const [k, x] of v.entries()) expect(x).toBeCloseTo(ref[i]?.[k] ?? Number.NaN, 5);
  });
});
