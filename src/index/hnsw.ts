/**
 * The only module that imports hnswlib-node. Cosine HNSW keyed by chunk id, plus the exact
 * brute-force index the benchmark compares it with.
 */
import { existsSync, statSync } from 'node:fs';
// Default import on purpose: the named import type-checks but crashes under node/tsx.
import hnswlib from 'hnswlib-node';
import { IndexError } from '../errors.js';

export interface VectorHit {
  readonly label: number;
  /** Cosine similarity (1 − cosine distance). */
  readonly similarity: number;
}

export interface VectorIndex {
  readonly dimensions: number;
  add(vector: readonly number[], label: number): void;
  /** The k nearest; with `allowed`, only among those labels. */
  search(vector: readonly number[], k: number, allowed?: ReadonlySet<number>): VectorHit[];
  count(): number;
  save(file: string): void;
  /** Query-time beam; no-op for the exact index. */
  setEf(ef: number): void;
}

export interface HnswSettings {
  /** Graph degree. 16 is hnswlib's sweet spot for 384 dims; raise for recall on huge corpora. */
  readonly m: number;
  /** Build-time beam. 200: near-perfect graph, inserts ~1,100/s here. */
  readonly efConstruction: number;
  /**
   * Query-time beam (not stored in the file, set after loading). 128: chosen by `npm run bench`
   * (docs/benchmarks.md).
   */
  readonly ef: number;
}

export const DEFAULT_HNSW: HnswSettings = { m: 16, efConstruction: 200, ef: 128 };

function checked(vector: readonly number[], dimensions: number): number[] {
  // A NaN inside hnswlib aborts the process where no try/catch can reach: check first.
  if (vector.length !== dimensions)
    throw new IndexError(
      'INDEX_CORRUPT',
      `vector of length ${vector.length} given to an index of dimension ${dimensions}`,
    );
  for (const v of vector)
    if (!Number.isFinite(v))
      throw new IndexError(
        'INDEX_CORRUPT',
        'vector with a non-finite value refused before it reached HNSW',
      );
  return Array.isArray(vector) ? (vector as number[]) : Array.from(vector);
}

function wrap(
  index: hnswlib.HierarchicalNSW | hnswlib.BruteforceSearch,
  dimensions: number,
  capacity: () => number,
  grow: (n: number) => void,
): VectorIndex {
  return {
    dimensions,
    add(vector, label) {
      if (index.getCurrentCount() >= capacity()) grow(Math.max(16, capacity() * 2));
      index.addPoint(checked(vector, dimensions), label);
    },
    search(vector, k, allowed) {
      const n = Math.min(
        k,
        allowed ? allowed.size : index.getCurrentCount(),
        index.getCurrentCount(),
      );
      if (n === 0) return [];
      const result = allowed
        ? index.searchKnn(checked(vector, dimensions), n, (label: number) => allowed.has(label))
        : index.searchKnn(checked(vector, dimensions), n);
      return result.neighbors.map((label, i) => ({
        label,
        similarity: 1 - (result.distances[i] ?? 1),
      }));
    },
    count: () => index.getCurrentCount(),
    setEf(ef) {
      if (index instanceof hnswlib.HierarchicalNSW) index.setEf(ef);
    },
    save(file) {
      index.writeIndexSync(file);
      // writeIndex into a missing folder "succeeds" without writing: verify.
      if (!existsSync(file) || statSync(file).size === 0)
        throw new IndexError('INDEX_CORRUPT', `HNSW index could not be written to ${file}`);
    },
  };
}

export function createHnswIndex(
  dimensions: number,
  maxElements: number,
  settings: HnswSettings = DEFAULT_HNSW,
): VectorIndex {
  const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
  index.initIndex({
    maxElements: Math.max(16, maxElements),
    m: settings.m,
    efConstruction: settings.efConstruction,
    randomSeed: 100,
  });
  index.setEf(settings.ef);
  return wrap(
    index,
    dimensions,
    () => index.getMaxElements(),
    (n) => index.resizeIndex(n),
  );
}

/** Load a saved HNSW file. The dimension comes from the manifest: hnswlib cannot check it. */
export function loadHnswIndex(file: string, dimensions: number, ef = DEFAULT_HNSW.ef): VectorIndex {
  if (!existsSync(file))
    throw new IndexError(
      'INDEX_CORRUPT',
      `HNSW file ${file} is missing; rebuild with npm run index`,
    );
  const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
  index.readIndexSync(file);
  index.setEf(ef); // ef is not saved in the file
  return wrap(
    index,
    dimensions,
    () => index.getMaxElements(),
    (n) => index.resizeIndex(n),
  );
}

/** Exact search over the same vectors: the benchmark's ground truth. */
export function createExactIndex(dimensions: number, maxElements: number): VectorIndex {
  const index = new hnswlib.BruteforceSearch('cosine', dimensions);
  index.initIndex(Math.max(16, maxElements));
  return wrap(
    index,
    dimensions,
    () => index.getMaxElements(),
    () => {
      throw new IndexError('INDEX_CORRUPT', 'exact index is full');
    },
  );
}
