/**
 * npm run index -- [--corpus DIR] [--data DIR]
 * Builds (or incrementally refreshes) the index. A progress bar on a terminal, a progress line
 * every few seconds otherwise, and a summary at the end. Exit 0 unless nothing could be indexed.
 */
import cliProgress from 'cli-progress';
import { BelegError, errorMessage } from '../src/errors.js';
import { type BuildProgress, buildIndex } from '../src/index/indexer.js';
import { fallbackMode, loadEnv } from './env.js';
import { downloadProgress, parseCli, resolveDirs } from './cli.js';

const USAGE = 'Usage: npm run index -- [--corpus DIR] [--data DIR]';
const { values } = parseCli(USAGE, {
  options: { corpus: { type: 'string' }, data: { type: 'string' } },
});
const config = loadEnv();
const { corpusDir, dataDir } = resolveDirs(config, values);
const log = (line: string) => process.stderr.write(`${line}\n`);

// Like npm start: with RETRIEVAL_MODE unset, a model that does not load means the new and changed
// articles are indexed by their words and the index's vectors are kept (embedded next time).
const { embedder, missingModel } = await fallbackMode(
  config,
  config.EMBEDDING_MODEL,
  log,
  downloadProgress(),
);
try {
  log(
    `Indexing ${corpusDir} into ${dataDir} (${embedder ? `model ${embedder.modelId}, ${embedder.dimensions} dimensions` : missingModel ? 'without the model: new text by its words only, the vectors there are kept' : 'lexical only, no model'})`,
  );
  const summary = await buildIndex({
    corpusDir,
    dataDir,
    embedder,
    keepVectors: missingModel !== null,
    maxArticleBytes: config.MAX_ARTICLE_BYTES,
    onWarning: (w) => log(`warning: ${w.file}: ${w.message}`),
    onProgress: progressReporter(),
  });
  const s = summary;
  const rate = s.seconds > 0 ? Math.round(s.chunks / s.seconds) : s.chunks;
  log(
    `${s.rebuilt ? 'Index built' : 'Index up to date, nothing rebuilt'}: ${s.articles} articles, ${s.chunks} chunks in ${s.seconds.toFixed(2)} s (${rate} chunks/s); ` +
      `${s.added} added, ${s.changed} changed, ${s.removed} removed, ${s.unchanged} unchanged; ${s.embedded} chunks and ${s.sentencesEmbedded} sentences embedded` +
      (s.warnings.length
        ? `; ${s.warnings.length} file(s) skipped or truncated (see warnings above)`
        : '') +
      (s.pendingVectors
        ? `; ${s.pendingVectors} article(s) without vectors until a run that loads the model`
        : '') +
      '.',
  );
} catch (error) {
  log(error instanceof BelegError ? `error: ${error.message}` : `error: ${errorMessage(error)}`);
  process.exit(1);
}

function progressReporter(): (p: BuildProgress) => void {
  const labels: Record<BuildProgress['phase'], string> = {
    read: 'reading',
    embed: 'embedding',
    store: 'storing',
    sentences: 'sentences',
    hnsw: 'vector index',
  };
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | null = null;
    let phase = '';
    return (p) => {
      if (p.phase !== phase) {
        bar?.stop();
        phase = p.phase;
        bar = new cliProgress.SingleBar(
          {
            format: `${labels[p.phase].padEnd(12)} [{bar}] {value}/{total} {eta_formatted}`,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, p.done);
      } else bar?.update(p.done);
      if (p.done >= p.total && p.phase === 'hnsw') bar?.stop();
    };
  }
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last >= 3000 || p.done === p.total) {
      last = now;
      log(`${labels[p.phase]}: ${p.done}/${p.total}`);
    }
  };
}
