/**
 * Worker-thread entry: one index build off the main thread (HNSW inserts and embedding block the
 * event loop for seconds). Loads its own embedder, reports progress, posts the summary or error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createTransformersEmbedder } from './embed.js';
import { errorMessage } from '../errors.js';
import { buildIndex } from './indexer.js';
import type { WorkerData, WorkerMessage } from './buildManager.js';

const job = workerData as WorkerData;
const post = (message: WorkerMessage) => parentPort?.postMessage(message);

try {
  const embedder = job.modelId
    ? await createTransformersEmbedder({ modelId: job.modelId, cacheDir: job.cacheDir })
    : null;
  const summary = await buildIndex({
    corpusDir: job.corpusDir,
    dataDir: job.dataDir,
    embedder,
    keepVectors: job.keepVectors === true,
    maxArticleBytes: job.maxArticleBytes,
    lock: false,
    shouldStop: () => Atomics.load(job.stop, 0) === 1,
    onProgress: (progress) => post({ type: 'progress', progress }),
    onWarning: (warning) => post({ type: 'warning', warning }),
  });
  post({ type: 'done', summary });
} catch (error) {
  post({ type: 'failed', message: errorMessage(error) });
}
