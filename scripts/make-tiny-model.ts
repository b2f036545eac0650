/**
 * npm run make-tiny-model -- --out DIR [--corpus DIR] [--dim 384]
 * Writes a tiny offline embedding model built from the corpus vocabulary (see src/tinyModel.ts).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnv } from './env.js';
import { readCorpus } from '../src/ingest.js';
import { writeTinyModel } from '../src/tinyModel.js';

const { values } = parseArgs({ options: { out: { type: 'string' }, corpus: { type: 'string' }, dim: { type: 'string' } } });
const config = loadEnv();
if (!values.out) {
  process.stderr.write('Usage: npm run make-tiny-model -- --out DIR [--corpus DIR] [--dim 384]\n');
  process.exit(2);
}
const corpus = values.corpus ? path.resolve(values.corpus) : config.CORPUS_DIR;
const { articles } = await readCorpus(corpus, { maxBytes: config.MAX_ARTICLE_BYTES });
const out = path.resolve(values.out);
const result = await writeTinyModel(out, { texts: articles.map((a) => `${a.meta.title}\n${a.text}`), dimensions: values.dim ? Number(values.dim) : 384 });
process.stdout.write(`Tiny model written to ${out} (${result.vocabulary} tokens, ${result.dimensions} dimensions, from ${articles.length} articles in ${corpus}).\n` +
  `Use it with: EMBEDDING_MODEL=${out} npm run index\n`);
