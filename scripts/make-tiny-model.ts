/**
 * npm run make-tiny-model -- --out DIR [--corpus DIR] [--dim 384] [--layers N [--heads 12]
 * [--intermediate 1536]]
 * Writes a tiny offline embedding model built from the corpus vocabulary (see
 * src/index/tinyModel.ts).
 * With --layers it also has transformer layers with random weights: the compute of a real
 * encoder of that shape, for measuring speed offline (not for answer quality).
 */
import path from 'node:path';
import { loadEnv } from './env.js';
import { readCorpus } from '../src/ingest/ingest.js';
import { writeTinyModel } from '../src/index/tinyModel.js';
import { parseCli, usageExit, wholeNumber } from './cli.js';

const USAGE =
  'Usage: npm run make-tiny-model -- --out DIR [--corpus DIR] [--dim 384] [--layers N [--heads 12] [--intermediate 1536]]';
const { values } = parseCli(USAGE, {
  options: {
    out: { type: 'string' },
    corpus: { type: 'string' },
    dim: { type: 'string' },
    layers: { type: 'string' },
    heads: { type: 'string' },
    intermediate: { type: 'string' },
  },
});
const config = loadEnv();
const count = (name: string, raw: string | undefined): number | undefined =>
  raw === undefined ? undefined : wholeNumber(USAGE, name, raw, 0);
if (!values.out) usageExit(USAGE, '--out DIR is required');
const layers = count('layers', values.layers);
const heads = count('heads', values.heads);
const intermediate = count('intermediate', values.intermediate);
const corpus = values.corpus ? path.resolve(values.corpus) : config.CORPUS_DIR;
const { articles } = await readCorpus(corpus, { maxBytes: config.MAX_ARTICLE_BYTES });
const out = path.resolve(values.out);
const result = await writeTinyModel(out, {
  texts: articles.map((a) => `${a.meta.title}\n${a.text}`),
  dimensions: count('dim', values.dim) ?? 384,
  ...(layers !== undefined ? { layers } : {}),
  ...(heads !== undefined ? { heads } : {}),
  ...(intermediate !== undefined ? { intermediate } : {}),
});
process.stdout.write(
  `Tiny model written to ${out} (${result.vocabulary} tokens, ${result.dimensions} dimensions` +
    `${layers ? `, ${layers} random transformer layers: for speed measurements only` : ''}, from ${articles.length} articles in ${corpus}).\n` +
    `Use it with: EMBEDDING_MODEL=${out} npm run index\n`,
);
