/**
 * retrieve: question → top chunks. Dense (HNSW over chunk vectors, question embedded with the
 * model's query prefix) and lexical (FTS5 BM25 over stems), fused by reciprocal rank or by a
 * convex combination of normalized scores.
 */
import type { RetrievalMode } from '../config.js';
import type { StoredArticle, StoredChunk } from '../index/db.js';
import type { Embedder } from '../index/embed.js';
import type { LoadedIndex } from '../index/store.js';
import { type QuestionTerm, questionTerms, stem } from '../text.js';

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
  /** The question's content terms with their salience (`stems` is their stems). */
  readonly terms: QuestionTerm[];
  /** Chunks containing each stem (for IDF weights downstream). */
  readonly documentFrequencies: ReadonlyMap<string, number>;
  /**
   * A compound the index does not know, split into two parts it does ("panzerverlust" →
   * panz + verlust): keyed by the question stem. The parts are searched for too.
   */
  readonly parts: ReadonlyMap<string, readonly string[]>;
}

export interface Retriever {
  readonly mode: RetrievalMode;
  /** The top k chunks; with `articles` (rows), only chunks of those articles. */
  retrieve(question: string, k?: number, articles?: readonly number[]): Promise<Retrieval>;
}

export interface RetrieverOptions {
  index: LoadedIndex;
  embedder: Embedder | null;
  mode: RetrievalMode;
  /** Default 'convex' (chosen by `npm run eval`, see docs/quality.md). */
  fusion?: Fusion;
  /** Weight of the dense side in convex fusion. */
  denseWeight?: number;
  /** Candidates taken from each side before fusing. */
  candidates?: number;
  /**
   * Stems in more than this share of all chunks are left out of the full-text query: BM25 gives
   * them almost no weight, but scoring every chunk that contains them dominated query time on
   * large corpora (see docs/benchmarks.md). The sentence scorer still counts them.
   */
  commonTermShare?: number;
  /** Most chunks the full-text query may touch (sum of the chosen stems' frequencies). */
  lexicalBudget?: number;
  /** Split compounds the index does not know into known parts (Retrieval.parts). Default true. */
  splitCompounds?: boolean;
}

const RRF_K = 60;

/**
 * Weight of the dense side in convex fusion when nothing else is set. 0.5 until stop 15: with the
 * tiny offline model and an archive beside the corpus, the dense side then outvoted the lexical
 * one (GermanQuAD with the archive, never abstaining: 56 % quote@1 at 0.5, 62 % at 0.15, lexical
 * alone 62 %; docs/quality.md). A stronger model earns more: `npm run calibrate` measures it.
 */
export const DEFAULT_DENSE_WEIGHT = 0.15;

export function createRetriever(options: RetrieverOptions): Retriever {
  const { index, mode } = options;
  const embedder = mode === 'lexical' ? null : options.embedder;
  if (mode !== 'lexical' && (!embedder || !index.vectors)) {
    throw new Error(`RETRIEVAL_MODE=${mode} needs an embedding model and an index with vectors`);
  }
  const fusion = options.fusion ?? 'convex';
  const denseWeight = options.denseWeight ?? DEFAULT_DENSE_WEIGHT;
  const candidates = options.candidates ?? 30;
  const commonShare = options.commonTermShare ?? 0.1;
  const budget = options.lexicalBudget ?? 2000;
  const splitting = options.splitCompounds ?? true;
  const totalChunks = Math.max(1, index.store.chunkCount());
  return {
    mode,
    async retrieve(question, k = 8, articles) {
      const scope = articles ? index.store.chunksOf(articles) : null;
      const inScope = scope ? new Set(scope.chunks) : null;
      const { terms, documentFrequencies } = knownForms(questionTerms(question), index.store);
      const stems = terms.map((t) => t.stem);
      const split = splitting
        ? compoundParts(
            stems.filter((s) => (documentFrequencies.get(s) ?? 0) === 0),
            index.store,
          )
        : NO_PARTS;
      const parts = split.parts;
      const partStems = [...split.documentFrequencies.keys()].filter((p) => !stems.includes(p));
      const queryDf = partStems.length
        ? new Map([...documentFrequencies, ...split.documentFrequencies])
        : documentFrequencies;
      const query = selectQueryStems(
        [...stems, ...partStems],
        queryDf,
        totalChunks * commonShare,
        budget,
      );
      // Within a scope the query is over its chunks only, so every stem may join it (OR).
      let lexical =
        mode === 'dense'
          ? []
          : scope
            ? index.store.lexicalSearch([...stems, ...partStems], candidates, false, scope.chunks)
            : index.store.lexicalSearch(query.stems, candidates, query.all);
      // Nothing has all the rare stems together: fall back to the rarest one alone, over the budget
      // too (that is why they were ANDed), so scored over a bounded number of matches like the AND:
      // scoring all of its 5,000 chunks took 4-5 ms, a third of the slowest answers at 20,000
      // articles.
      if (mode !== 'dense' && !scope && lexical.length === 0 && query.all)
        lexical = index.store.lexicalSearch(query.stems.slice(0, 1), candidates, true);
      let queryVector: number[] | null = null;
      let dense: Array<{ label: number; similarity: number }> = [];
      if (embedder && index.vectors) {
        queryVector = await embedder.embedQuery(question);
        // A vector stands for every chunk with its text (see indexer): expand, a few copies each.
        const hits = index.vectors.search(
          queryVector,
          candidates,
          scope ? new Set(scope.labels) : undefined,
        );
        const copies = index.store.sameTexts(
          hits.map((h) => h.label),
          scope ? 50 : 3,
        );
        dense = hits.flatMap((hit, i) =>
          (copies[i] ?? [])
            .filter((label) => !inScope || inScope.has(label))
            .slice(0, 3)
            .map((label) => ({ label, similarity: hit.similarity })),
        );
      }
      const fused = fuse(
        dense.map((d) => ({ id: d.label, score: d.similarity })),
        lexical.map((l) => ({ id: l.chunk, score: l.score })),
        fusion,
        denseWeight,
      );
      const denseById = new Map(dense.map((d) => [d.label, d.similarity]));
      const lexById = new Map(lexical.map((l) => [l.chunk, l.score]));
      const chunks: RetrievedChunk[] = [];
      for (const { id, score } of fused.slice(0, k)) {
        const chunk = index.store.chunk(id);
        const article = chunk && index.store.article(chunk.article);
        if (!chunk || !article) continue;
        chunks.push({
          chunk,
          article,
          score,
          dense: denseById.get(id) ?? null,
          lexical: lexById.get(id) ?? null,
        });
      }
      return { chunks, queryVector, stems, terms, documentFrequencies, parts };
    },
  };
}

/**
 * Snowball keeps the genitive s of names ("Chinas" → chinas, "China" → china). A question stem
 * no chunk contains, whose form with or without a final s is in the index, is read as that form:
 * otherwise it would count as a word the articles never use, the strongest sign of no answer.
 */
export function knownForms(
  terms: readonly QuestionTerm[],
  store: Pick<LoadedIndex['store'], 'documentFrequencies'>,
): { terms: QuestionTerm[]; documentFrequencies: Map<string, number> } {
  const df = new Map(store.documentFrequencies(terms.map((t) => t.stem)));
  const alternative = (stem: string) => (stem.endsWith('s') ? stem.slice(0, -1) : `${stem}s`);
  const unknown = terms
    .filter((t) => (df.get(t.stem) ?? 0) === 0 && t.stem.length >= 4 && !/^\p{N}/u.test(t.stem))
    .map((t) => t.stem);
  if (unknown.length === 0) return { terms: [...terms], documentFrequencies: df };
  const altDf = store.documentFrequencies(unknown.map(alternative));
  const readAs = new Map(
    unknown.filter((s) => (altDf.get(alternative(s)) ?? 0) > 0).map((s) => [s, alternative(s)]),
  );
  const resolved = new Map<string, QuestionTerm>();
  for (const t of terms) {
    const stem = readAs.get(t.stem) ?? t.stem;
    if (stem !== t.stem) df.set(stem, altDf.get(stem) ?? 0);
    if (!resolved.has(stem)) resolved.set(stem, stem === t.stem ? t : { ...t, stem });
  }
  return { terms: [...resolved.values()], documentFrequencies: df };
}

/**
 * Linking elements between a compound's parts: Munition-s-mangel, Rakete-n-start, Staat-es-chef.
 */
const LINKS = ['s', 'es', 'n', 'en', 'e'];
const MIN_PART = 4;
/** Longer "words" are not compounds but pasted junk; splitting one costs a lookup per letter. */
const MAX_COMPOUND = 60;

/**
 * Split compounds the index does not know into a known first part and a known head, trying the
 * longest head first: "munitionsmangel" → munition + mangel, "panzerverlust" → panz + verlust.
 * Stems are compared as Snowball makes them (the first part is stemmed again, with and without
 * a linking element). Stems that do not split into two known parts are left out.
 */
export interface CompoundParts {
  /** Question stem → its known first part and head. */
  readonly parts: Map<string, [string, string]>;
  /**
   * Chunks holding each of those parts (looked up while splitting; the full-text query needs them).
   */
  readonly documentFrequencies: Map<string, number>;
}

const NO_PARTS: CompoundParts = { parts: new Map(), documentFrequencies: new Map() };

export function compoundParts(
  unknown: readonly string[],
  store: Pick<LoadedIndex['store'], 'documentFrequencies'>,
): CompoundParts {
  const options = new Map<string, Array<{ lefts: string[]; right: string }>>();
  const ask = new Set<string>();
  for (const s of unknown) {
    if (s.length < 2 * MIN_PART || s.length > MAX_COMPOUND || /\P{L}/u.test(s)) continue;
    const splits: Array<{ lefts: string[]; right: string }> = [];
    for (let i = MIN_PART; i <= s.length - MIN_PART; i++) {
      const head = s.slice(0, i);
      const lefts = [
        ...new Set([
          head,
          stem(head),
          ...LINKS.filter((l) => head.endsWith(l) && head.length - l.length >= MIN_PART).map((l) =>
            stem(head.slice(0, -l.length)),
          ),
        ]),
      ];
      const right = s.slice(i);
      splits.push({ lefts, right });
      for (const x of [...lefts, right]) ask.add(x);
    }
    options.set(s, splits);
  }
  if (options.size === 0) return NO_PARTS;
  const df = store.documentFrequencies([...ask]);
  const known = (x: string) => (df.get(x) ?? 0) > 0;
  const out: CompoundParts = { parts: new Map(), documentFrequencies: new Map() };
  for (const [s, splits] of options) {
    for (const { lefts, right } of splits) {
      const left = lefts.find(known);
      if (left !== undefined && known(right)) {
        out.parts.set(s, [left, right]);
        for (const part of [left, right]) out.documentFrequencies.set(part, df.get(part) ?? 0);
        break;
      }
    }
  }
  return out;
}

/** An AND member may be in at most this many times maxDf chunks (30 % with the default 10 %). */
const AND_MAX_DF_FACTOR = 3;

/**
 * Which stems go into the full-text query, and how. BM25 scores every chunk that contains any
 * query stem, so stems are added rarest first while the chunks they touch stay within `budget`;
 * stems in more than `maxDf` chunks add almost nothing to BM25 and are left out. When even the
 * rarest stem is over the budget, the two or three rarest are required together (AND): their
 * intersection is small and the chunks that have them all are the ones worth reading. `all` also
 * tells the store to score only a bounded number of matches, which matters most when the question
 * has just one known stem and that one is everywhere (a name in a large archive): scoring all
 * 37,000 chunks with "Kim" took 18 ms at 100k chunks. Stems in nearly every chunk are left out
 * of the AND (unless nothing else is left): "russland" in 85,000 of 103,000 chunks cost 5 ms
 * there and removed almost nothing.
 */
export function selectQueryStems(
  stems: readonly string[],
  df: ReadonlyMap<string, number>,
  maxDf: number,
  budget = Number.POSITIVE_INFINITY,
): { stems: string[]; all: boolean } {
  const present = stems
    .filter((s) => (df.get(s) ?? 0) > 0)
    .sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0));
  const rarest = present[0];
  if (rarest === undefined) return { stems: [], all: false };
  if ((df.get(rarest) ?? 0) > Math.min(maxDf, budget)) {
    // A stem in most chunks narrows an AND hardly at all, and FTS5 walks its whole posting list.
    const narrowing = present.filter((s) => (df.get(s) ?? 0) <= AND_MAX_DF_FACTOR * maxDf);
    return { stems: (narrowing.length ? narrowing : present).slice(0, 3), all: true };
  }
  const chosen: string[] = [];
  let touched = 0;
  for (const s of present) {
    const n = df.get(s) ?? 0;
    if (n > maxDf || (chosen.length > 0 && touched + n > budget)) break;
    chosen.push(s);
    touched += n;
  }
  return { stems: chosen, all: false };
}

export interface Scored {
  readonly id: number;
  readonly score: number;
}

/**
 * Fuse two ranked lists. RRF uses ranks only; convex normalizes each side by its best score
 * (cosine is already bounded, BM25 is not) and mixes them with `denseWeight`.
 */
export function fuse(
  dense: readonly Scored[],
  lexical: readonly Scored[],
  fusion: Fusion,
  denseWeight = 0.5,
): Scored[] {
  const total = new Map<number, number>();
  const add = (id: number, v: number) => total.set(id, (total.get(id) ?? 0) + v);
  if (dense.length === 0 || lexical.length === 0) {
    // One side only: its own order, scores normalized to the best.
    const side = dense.length ? dense : lexical;
    const best = Math.max(...side.map((s) => s.score), 1e-9);
    return [...side]
      .sort((a, b) => b.score - a.score)
      .map((s) => ({ id: s.id, score: s.score / best }));
  }
  if (fusion === 'rrf') {
    [...dense].sort((a, b) => b.score - a.score).forEach((s, i) => add(s.id, 1 / (RRF_K + i + 1)));
    [...lexical]
      .sort((a, b) => b.score - a.score)
      .forEach((s, i) => add(s.id, 1 / (RRF_K + i + 1)));
  } else {
    const bestLex = Math.max(...lexical.map((s) => s.score), 1e-9);
    const bestDense = Math.max(...dense.map((s) => s.score), 1e-9);
    for (const s of dense) add(s.id, (denseWeight * Math.max(0, s.score)) / bestDense);
    for (const s of lexical) add(s.id, ((1 - denseWeight) * s.score) / bestLex);
  }
  return [...total.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}
