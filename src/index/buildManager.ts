/**
 * Index builds while the bot serves: one at a time, in a worker thread, holding the data folder's
 * build lock from the main thread (so a crashed worker cannot leave it behind). On success the
 * engine swaps to the new index between two questions; on failure the old index keeps serving.
 */
import { Worker } from 'node:worker_threads';
import { IndexError, errorMessage } from '../errors.js';
import type { BuildProgress, BuildSummary } from './indexer.js';
import type { IngestWarning } from '../ingest/ingest.js';
import { acquireBuildLock } from './store.js';

export interface BuildJob {
  corpusDir: string;
  dataDir: string;
  /** null: lexical-only build (unless keepVectors). */
  modelId: string | null;
  /** The model could not be loaded: keep the index's vectors, add new text by its words only. */
  keepVectors?: boolean;
  cacheDir?: string | undefined;
  maxArticleBytes: number;
}

/** What the build worker gets: the job, and a flag the main thread sets to ask it to stop. */
export interface WorkerData extends BuildJob {
  readonly stop: Int32Array;
}

/** How long a stopped build may take to reach its next checkpoint before its worker is killed. */
const STOP_GRACE_MS = 20_000;

export type WorkerMessage =
  | { type: 'progress'; progress: BuildProgress }
  | { type: 'warning'; warning: IngestWarning }
  | { type: 'done'; summary: BuildSummary }
  | { type: 'failed'; message: string };

export interface BuildResult {
  readonly ok: boolean;
  readonly summary?: BuildSummary;
  readonly error?: string;
  readonly warnings: IngestWarning[];
  readonly seconds: number;
  readonly finishedAt: Date;
  readonly reason: string;
}

export interface RunningBuild {
  readonly reason: string;
  readonly startedAt: Date;
  /** Latest progress reported by the worker. */
  progress: BuildProgress | null;
  readonly done: Promise<BuildResult>;
  /**
   * Stop the build: the worker is asked to stop at its next progress report (within one
   * embedding batch or 1,000 HNSW inserts) and is killed only if it has not stopped after
   * STOP_GRACE_MS. Killing a worker inside native code (onnxruntime, hnswlib) can abort the whole
   * process, so it is the last resort. The build fails, the old index stays.
   */
  terminate(): Promise<void>;
}

export interface BuildManager {
  /** Start a build, or throw INDEX_BUSY (with the running one) if one is under way. */
  start(reason: string, onProgress?: (p: BuildProgress) => void): RunningBuild;
  current(): RunningBuild | null;
  last(): BuildResult | null;
}

const WORKER_URL = new URL(
  `./buildWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/**
 * The worker's entry. Run from TypeScript sources (tsx, vitest), Node 20 workers do not inherit
 * the main thread's loader hooks, so a tiny ES module registers tsx in the worker first, after
 * src/preload.mjs has loaded transformers.js untouched by tsx (~0.8 s less per build).
 */
function workerEntry(): URL {
  if (!WORKER_URL.pathname.endsWith('.ts')) return WORKER_URL;
  const preload = JSON.stringify(new URL('../preload.mjs', import.meta.url).href);
  const code = `await import(${preload});\nconst { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});\nregister();\nawait import(${JSON.stringify(WORKER_URL.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** What a finished build swaps the new index into (the answer stage's Engine). */
export interface IndexConsumer {
  reload(): void;
}

export function createBuildManager(options: {
  job: BuildJob;
  engine: IndexConsumer;
}): BuildManager {
  let running: RunningBuild | null = null;
  let lastResult: BuildResult | null = null;
  return {
    current: () => running,
    last: () => lastResult,
    start(reason, onProgress) {
      if (running) throw new IndexError('INDEX_BUSY', 'An index build is already running.');
      const release = acquireBuildLock(options.job.dataDir);
      const startedAt = new Date();
      const warnings: IngestWarning[] = [];
      const stop = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker(workerEntry(), {
        workerData: { ...options.job, stop } satisfies WorkerData,
      });
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      let settled = false;
      const done = new Promise<BuildResult>((resolve) => {
        const finish = (
          result: Omit<BuildResult, 'seconds' | 'finishedAt' | 'reason' | 'warnings'>,
        ) => {
          if (settled) return;
          settled = true;
          release();
          let outcome = result;
          if (result.ok) {
            try {
              options.engine.reload();
            } catch (error) {
              outcome = {
                ok: false,
                error: `the new index could not be opened: ${errorMessage(error)}`,
              };
            }
          }
          lastResult = {
            ...outcome,
            warnings,
            seconds: (Date.now() - startedAt.getTime()) / 1000,
            finishedAt: new Date(),
            reason,
          };
          running = null;
          // The worker ends by itself once it has posted; killed only if it hangs.
          const kill = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
          kill.unref();
          void exited.then(() => clearTimeout(kill));
          resolve(lastResult);
        };
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'progress') {
            if (handle) handle.progress = message.progress;
            onProgress?.(message.progress);
          } else if (message.type === 'warning') warnings.push(message.warning);
          else if (message.type === 'done') finish({ ok: true, summary: message.summary });
          else finish({ ok: false, error: message.message });
        });
        worker.on('error', (error) =>
          finish({ ok: false, error: `the build crashed: ${errorMessage(error)}` }),
        );
        worker.on('exit', (code) =>
          finish({ ok: false, error: `the build stopped unexpectedly (worker exit code ${code})` }),
        );
      });
      const handle: RunningBuild = {
        reason,
        startedAt,
        progress: null,
        done,
        async terminate() {
          Atomics.store(stop, 0, 1);
          const kill = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
          await exited;
          clearTimeout(kill);
        },
      };
      running = handle;
      return handle;
    },
  };
}
