/**
 * store: index folders on disk. Each build writes a new folder (`index-…`) with manifest.json,
 * store.sqlite and vectors.hnsw; a one-line `CURRENT` file names the live one and is replaced by
 * an atomic rename, so a crash mid-build leaves the previous index in service.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  promises as fs,
  readFileSync,
  rmSync,
  writeFileSync,
  renameSync,
  openSync,
  closeSync,
  readdirSync,
} from 'node:fs';
import path from 'node:path';
import type { ChunkerSettings } from './chunk.js';
import { type StoreReader, openStoreDb } from './db.js';
import { IndexError, errorMessage } from '../errors.js';
import { type HnswSettings, type VectorIndex, loadHnswIndex } from './hnsw.js';

/** Bump when the folder layout or schema changes: older indexes then refuse to load. */
export const FORMAT_VERSION = 2;

export interface Manifest {
  readonly formatVersion: number;
  /** null: built without a model (RETRIEVAL_MODE=lexical); no vectors. */
  readonly modelId: string | null;
  readonly dimensions: number;
  readonly space: 'cosine';
  readonly chunker: ChunkerSettings;
  readonly hnsw: Omit<HnswSettings, 'ef'> | null;
  readonly corpusHash: string;
  readonly builtAt: string;
  readonly articles: number;
  readonly chunks: number;
  readonly buildSeconds: number;
  /**
   * Articles indexed without vectors because the model could not be loaded (offline); found by
   * their words meanwhile, embedded by the next build with the model. Absent: none.
   */
  readonly pendingVectors?: number;
}

export const STORE_FILE = 'store.sqlite';
export const HNSW_FILE = 'vectors.hnsw';
export const MANIFEST_FILE = 'manifest.json';
const CURRENT_FILE = 'CURRENT';

export interface LoadedIndex {
  readonly folder: string;
  readonly manifest: Manifest;
  readonly store: StoreReader;
  /** null when the index has no vectors or the caller runs lexical-only. */
  readonly vectors: VectorIndex | null;
  close(): void;
}

/** The folder of the live index, or null when none was built yet. */
export function currentIndexFolder(dataDir: string): string | null {
  const pointer = path.join(dataDir, CURRENT_FILE);
  if (!existsSync(pointer)) return null;
  const name = readFileSync(pointer, 'utf8').trim();
  if (!/^index-[\w-]+$/.test(name))
    throw new IndexError(
      'INDEX_CORRUPT',
      `${pointer} does not name an index folder; delete it and run npm run index`,
    );
  return path.join(dataDir, name);
}

export function readManifest(folder: string): Manifest {
  const file = path.join(folder, MANIFEST_FILE);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (error) {
    throw new IndexError(
      'INDEX_CORRUPT',
      `Cannot read ${file} (${errorMessage(error)}); rebuild with npm run index`,
      { cause: error },
    );
  }
}

export interface OpenOptions {
  /** The model the caller will embed questions with; null for lexical-only use. */
  modelId: string | null;
  dimensions?: number;
  /** HNSW query beam. */
  ef?: number;
}

/** Open the live index, refusing (with how to fix it) one built by another model or format. */
export function openIndex(dataDir: string, options: OpenOptions): LoadedIndex {
  const folder = currentIndexFolder(dataDir);
  if (!folder)
    throw new IndexError('INDEX_MISSING', `No index in ${dataDir}. Build one with: npm run index`);
  const manifest = readManifest(folder);
  checkCompatible(manifest, options, dataDir);
  const store = openStoreDb(path.join(folder, STORE_FILE));
  let vectors: VectorIndex | null = null;
  try {
    if (options.modelId !== null && manifest.modelId !== null)
      vectors = loadHnswIndex(path.join(folder, HNSW_FILE), manifest.dimensions, options.ef);
  } catch (error) {
    store.close();
    throw error;
  }
  return { folder, manifest, store, vectors, close: () => store.close() };
}

export function checkCompatible(manifest: Manifest, options: OpenOptions, dataDir: string): void {
  const fix = `Re-index with: npm run index -- --data ${dataDir}`;
  if (manifest.formatVersion !== FORMAT_VERSION) {
    throw new IndexError(
      'INDEX_MISMATCH',
      `The index in ${dataDir} has format version ${manifest.formatVersion}, this belegbot reads version ${FORMAT_VERSION}. ${fix}`,
    );
  }
  if (options.modelId === null) return; // lexical search needs no vectors
  if (manifest.modelId === null) {
    throw new IndexError(
      'INDEX_MISMATCH',
      `The index in ${dataDir} was built without an embedding model (RETRIEVAL_MODE=lexical), but model "${options.modelId}" is configured. ${fix}, or set RETRIEVAL_MODE=lexical.`,
    );
  }
  if (manifest.modelId !== options.modelId) {
    throw new IndexError(
      'INDEX_MISMATCH',
      `The index in ${dataDir} was built with model "${manifest.modelId}" (${manifest.dimensions} dimensions), but EMBEDDING_MODEL is "${options.modelId}". ${fix}, or set EMBEDDING_MODEL back to "${manifest.modelId}".`,
    );
  }
  if (options.dimensions !== undefined && options.dimensions !== manifest.dimensions) {
    throw new IndexError(
      'INDEX_MISMATCH',
      `The index in ${dataDir} has ${manifest.dimensions}-dimensional vectors, but model "${options.modelId}" produces ${options.dimensions}. ${fix}`,
    );
  }
}

/** A private folder for a new build; it only becomes visible through publishBuild. */
export async function startBuildFolder(dataDir: string): Promise<string> {
  await fs.mkdir(dataDir, { recursive: true });
  const folder = path.join(dataDir, `.build-${stamp()}`);
  await fs.mkdir(folder);
  return folder;
}

function stamp(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..+/, '')}-${randomBytes(3).toString('hex')}`;
}

/** Rename the build into place and switch CURRENT to it atomically; keep one previous index. */
export function publishBuild(dataDir: string, buildFolder: string): string {
  const name = `index-${path.basename(buildFolder).replace(/^\.build-/, '')}`;
  const previous = currentIndexFolder(dataDir);
  renameSync(buildFolder, path.join(dataDir, name));
  const tmp = path.join(dataDir, `${CURRENT_FILE}.tmp`);
  writeFileSync(tmp, `${name}\n`);
  renameSync(tmp, path.join(dataDir, CURRENT_FILE));
  // Readers that still hold the previous index keep working (open files survive unlinking on
  // POSIX), but keep it anyway for one generation; anything older goes.
  for (const entry of readdirSync(dataDir)) {
    if (!entry.startsWith('index-') || entry === name || path.join(dataDir, entry) === previous)
      continue;
    rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  }
  return path.join(dataDir, name);
}

/** Remove leftovers of builds that crashed. Only called while holding the build lock. */
export function removeStaleBuilds(dataDir: string): number {
  if (!existsSync(dataDir)) return 0;
  let removed = 0;
  for (const entry of readdirSync(dataDir)) {
    if (entry.startsWith('.build-')) {
      rmSync(path.join(dataDir, entry), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/** One build at a time per data folder, across processes (the CLI and the bot). */
export function acquireBuildLock(dataDir: string): () => void {
  const file = path.join(dataDir, '.build.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new IndexError(
          'INDEX_BUSY',
          `Another index build (process ${pid}) is running on ${dataDir}; wait for it to finish.`,
        );
      }
      if (pid === process.pid)
        throw new IndexError('INDEX_BUSY', `An index build is already running on ${dataDir}.`);
      rmSync(file, { force: true }); // left by a crashed build
    }
  }
  throw new IndexError('INDEX_BUSY', `Could not take the build lock ${file}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
