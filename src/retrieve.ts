/**
 * retrieve: question → top chunks. Dense (HNSW over chunk vectors, question embedded with the
 * model's query prefix) and lexical (FTS5 BM25 over stems), fused by reciprocal rank or by a
 * convex combination of normalized scores.
 */
import type { RetrievalMode } from './config.js';
import type { StoredArticle, StoredChunk } from './db.js';
import type { Embedder } from './embed.js';
import type { LoadedIndex } from './store.js';
import { contentStems } from './text.js';

export type Fusion = 'rrf' | 'convex';

export interface RetrievedChunk {
  readonly chunk: StoredChunk;
  readonly article: StoredArticle;
  /** Fused score, higher is better; comparable only within one question. */
  readonly score: number;
  /** Cosine similarity to the question (dense modes). */
  readonly dense: number | null;
  /** BM25 score (lexical modes). */
  readonly lexical: number | null;
}

export interface Retrieval {
  readonly chunks: RetrievedChunk[];
  /** The question's vector, for scoring sentences; null without a model. */
  readonly queryVector: number[] | null;
  readonly stems: string[];
}

export interface Retriever {
  readonly mode: RetrievalMode;
  retrieve(question: string, k?: number): Promise<Retrieval>;
}

export interface RetrieverOptions {
  index: LoadedIndex;
  embedder: Embedder | null;
  mode: RetrievalMode;
  /** Default 'convex' (chosen by `npm run eval`, see README). */
  fusion?: Fusion;
  /** Weight of the dense side in convex fusion. */
  denseWeight?: number;
  /** Candidates taken from each side before fusing. */
  candidates?: number;
}

const RRF_K = 60;

export function createRetriever(options: RetrieverOptions): Retriever {
  const { index, mode } = options;
  const embedder = mode === 'lexical' ? null : options.embedder;
  if (mode !== 'lexical' && (!embedder || !index.vectors)) {
    throw new Error(`RETRIEVAL_MODE=${mode} needs an embedding model and an index with vectors`);
  }
  const fusion = options.fusion ?? 'convex';
  const denseWeight = options.denseWeight ?? 0.5;
  const candidates = options.candidates ?? 30;
  return {
    mode,
    async retrieve(question, k = 8) {
      const stems = contentStems(question);
      const lexical = mode === 'dense' ? [] : index.store.lexicalSearch(stems, candidates);
      let queryVector: number[] | null = null;
      let dense: Array<{ label: number; similarity: number }> = [];
      if (embedder && index.vectors) {
        queryVector = await embedder.embedQuery(question);
        dense = index.vectors.search(queryVector, candidates);
      }
      const fused = fuse(dense.map((d) => ({ id: d.label, score: d.similarity })), lexical.map((l) => ({ id: l.chunk, score: l.score })), fusion, denseWeight);
      const denseById = new Map(dense.map((d) => [d.label, d.similarity]));
      const lexById = new Map(lexical.map((l) => [l.chunk, l.score]));
      const chunks: RetrievedChunk[] = [];
      for (const { id, score } of fused.slice(0, k)) {
        const chunk = index.store.chunk(id);
        const article = chunk && index.store.article(chunk.article);
        if (!chunk || !article) continue;
        chunks.push({ chunk, article, score, dense: denseById.get(id) ?? null, lexical: lexById.get(id) ?? null });
      }
      return { chunks, queryVector, stems };
    },
  };
}

export interface Scored {
  readonly id: number;
  readonly score: number;
}

/**
 * Fuse two ranked lists. RRF uses ranks only; convex normalizes each side by its best score
 * (cosine is already bounded, BM25 is not) and mixes them with `denseWeight`.
 */
export function fuse(dense: readonly Scored[], lexical: readonly Scored[], fusion: Fusion, denseWeight = 0.5): Scored[] {
  const total = new Map<number, number>();
  const add = (id: number, v: number) => total.set(id, (total.get(id) ?? 0) + v);
  if (dense.length === 0 || lexical.length === 0) {
    // One side only: its own order, scores normalized to the best.
    const side = dense.length ? dense : lexical;
    const best = Math.max(...side.map((s) => s.score), 1e-9);
    return [...side].sort((a, b) => b.score - a.score).map((s) => ({ id: s.id, score: s.score / best }));
  }
  if (fusion === 'rrf') {
    [...dense].sort((a, b) => b.score - a.score).forEach((s, i) => add(s.id, 1 / (RRF_K + i + 1)));
    [...lexical].sort((a, b) => b.score - a.score).forEach((s, i) => add(s.id, 1 / (RRF_K + i + 1)));
  } else {
    const bestLex = Math.max(...lexical.map((s) => s.score), 1e-9);
    const bestDense = Math.max(...dense.map((s) => s.score), 1e-9);
    for (const s of dense) add(s.id, denseWeight * Math.max(0, s.score) / bestDense);
    for (const s of lexical) add(s.id, (1 - denseWeight) * s.score / bestLex);
  }
  return [...total.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}
