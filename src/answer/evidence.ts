/**
 * The evidence a sentence gives for a question: which question terms it covers (exactly, by a
 * part of a word, a synonym, a neighbour sentence or its article's title), how much each weighs,
 * how far its embedding stands out, and the evidence judged against chance.
 */
import { type QuestionTerm, type Token, stem, wordRoot } from '../text.js';
import { type AnswerType, typeEvidence } from './answerTypes.js';
import { type Candidate, rootsOf, statesOf } from './candidates.js';
import type { AnswerSettings, Weights } from './settings.js';
import { stateOfStem, statesIn } from './states.js';
import type { Synonyms } from './synonyms.js';

/**
 * Weight of each question term: its IDF over chunks, scaled by salience. A stem no chunk
 * contains weighs more than any other when it is a noun or name (asking about it and not finding
 * it is the strongest sign the articles do not answer), less when it is a verb or adjective
 * (paraphrases use other verbs). A known verb weighs like a noun since stop 17 (0.6 before): it
 * says what is asked about the subject ("Wann *kommt* Destiny 2?" is not answered by when its
 * development began); measured on both families (docs/quality.md).
 */
export function termWeights(
  df: ReadonlyMap<string, number>,
  terms: readonly QuestionTerm[],
  n: number,
): Map<string, number> {
  return new Map(
    terms.map((t) => {
      const d = df.get(t.stem) ?? 0;
      const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
      const factor = t.salient ? (d === 0 ? 1.3 : 1) : d === 0 ? 0.5 : 1;
      // The words of one name ("Kim Jong Un") share: else a name outweighs what is asked about it.
      return [t.stem, (idf * factor) / Math.sqrt(t.nameWords ?? 1)];
    }),
  );
}

/**
 * Share of the word coverage lost by a sentence without the kind of answer the question asks for
 * (count, time: 0.3 until stop 14, then 0.5; docs/quality.md, "Answer types"), and what one that
 * holds it especially plainly gains.
 */
const MISSING_TYPE_PENALTY: Record<NonNullable<AnswerType>, number> = {
  count: 0.5,
  time: 0.5,
};

const PLAIN_TYPE_BONUS: Record<NonNullable<AnswerType>, number> = { count: 0.25, time: 0.1 };

/**
 * Share of a question term's weight earned when it only occurs in a neighbouring sentence. 0.4
 * until stop 15; with windows (a close neighbour joins the quote) 0.6 ranked better on GermanQuAD
 * with the archive (lexical quote@1 58.5 -> 61.2 %, false abstentions 9.8 -> 8.5 %) and on the
 * seed sets; 0.8 gave the same and longer quotes, 0.25 less (docs/quality.md).
 */
const CONTEXT_WEIGHT = 0.6;

/**
 * Share of a question term's weight earned by a part of a word (see AnswerSettings.subwordMatch).
 */
const SUBWORD_WEIGHT = 0.6;

/**
 * Same rough root; or one root the end of the other (a compound's head: Kurzstreckenraketen ~
 * Raketen, Waffenlieferung ~ liefert); or its start when that is most of it (Satellitenstarts ~
 * Satelliten). This replaced a separate compound rule (0.7 of a match) that no longer changed any
 * result once roots and synonyms were in (docs/quality.md, "Choices").
 */
function rootsMatch(q: string, s: string): boolean {
  if (q === s) return true;
  const [short, long] = q.length <= s.length ? [q, s] : [s, q];
  if (short.length < 4) return false;
  return (long.startsWith(short) && short.length / long.length >= 0.6) || long.endsWith(short);
}

/**
 * What a question term may also match, worked out once per question rather than per candidate
 * sentence.
 */
export interface TermForms {
  /** Its wordRoot. */
  readonly root: string;
  /** Its synonyms' stems. */
  readonly synonyms: ReadonlySet<string>;
  /** The synonyms long enough to count as the head of a compound. */
  readonly heads: readonly string[];
  /**
   * The roots of its known parts when it is a compound the index does not know (Retrieval.parts).
   */
  readonly parts: readonly string[];
  /** The state it names (Pjöngjang → KP), when the state check is on. */
  readonly state?: string;
}

export function termForms(
  terms: readonly QuestionTerm[],
  synonyms: Synonyms | null,
  parts: ReadonlyMap<string, readonly string[]>,
  states: boolean,
): Map<string, TermForms> {
  return new Map(
    terms.map((t) => {
      const alternatives = synonyms?.of(t.stem) ?? new Set<string>();
      const known = (parts.get(t.stem) ?? []).map(wordRoot);
      const state = states ? stateOfStem(t.stem) : undefined;
      return [
        t.stem,
        {
          root: wordRoot(t.stem),
          synonyms: alternatives,
          heads: [...alternatives].filter((a) => a.length >= 4),
          parts: known,
          ...(state ? { state } : {}),
        },
      ];
    }),
  );
}

export function lexicalCoverage(
  terms: readonly QuestionTerm[],
  weights: Map<string, number>,
  forms: ReadonlyMap<string, TermForms>,
  c: Candidate,
  match: Pick<AnswerSettings, 'subwordMatch'>,
  expects: AnswerType,
  context: readonly string[],
  alsoPresent: ReadonlySet<string> | null,
  title: ReadonlySet<string>,
): { coverage: number; own: number } {
  if (terms.length === 0) return { coverage: 0, own: 0 };
  const { tokens, stems: sStems } = c;
  const words = candidateWords(c, alsoPresent);
  // Stems of the neighbouring sentences count a little: a question often names the subject
  // ("Putin") that the answering sentence only refers to ("der Kreml-Despot"); so do the words
  // of the article's title, which names what all its sentences are about. `own` leaves the
  // title out.
  const around = new Set(context);
  let got = 0;
  let fromTitle = 0;
  let all = 0;
  for (const t of terms) {
    const w = weights.get(t.stem) ?? 1;
    all += w;
    const found = termMatch(t, forms.get(t.stem), words, match.subwordMatch);
    if (found) got += MATCH_WEIGHT[found.kind] * found.share * w;
    else if (around.has(t.stem)) got += CONTEXT_WEIGHT * w;
    else if (title.has(t.stem)) fromTitle += CONTEXT_WEIGHT * w;
    else c.unmatched.push(t.stem);
  }
  const typed = (coverage: number) => {
    if (!expects) return coverage;
    const wanted = new Set(terms.filter((t) => t.salient).map((t) => t.stem));
    const evidence = typeEvidence(expects, tokens, sStems, wanted);
    if (evidence === 1) return Math.min(1, coverage + PLAIN_TYPE_BONUS[expects]);
    if (evidence === -1) return coverage * (1 - MISSING_TYPE_PENALTY[expects]);
    return coverage;
  };
  return all > 0
    ? { coverage: typed((got + fromTitle) / all), own: typed(got / all) }
    : { coverage: 0, own: 0 };
}

/**
 * The share of its evidence a question keeps when judged against chance (AnswerSettings.
 * chancePrior): coverage is judged as if every question had one more rare word that nothing
 * matches, weighing chancePrior times what a word no chunk holds would (its IDF, log(1 + 2N + 1)
 * over N chunks, so it grows with the archive as the words' own weights do). A question of two
 * words, both found, is weaker evidence than one of five: chance covers short questions more
 * easily, and more so in a large archive. Measured over both families, own corpus and with the
 * archive, as the abstention reached at ≤ 10 % false abstentions (lexical, never abstaining,
 * thresholds swept): GermanQuAD + archive 69 → 72 %, seed sets + archive 22 → 30 %, GermanQuAD
 * alone 81 → 83 %, seed sets alone 39 → 42 % (0.5: about half of that; 2 and 3: less again).
 * Only the confidence is judged so (what the threshold compares, what quotes report); the
 * candidates are ranked by the evidence itself, which the prior would reweigh against the chunk
 * score (−1 to −1.5 points quote@1 when it ranked too). DEFAULT_ANSWER.minScore was calibrated
 * again with it (docs/quality.md).
 */
export function chanceShrink(
  terms: readonly QuestionTerm[],
  weights: ReadonlyMap<string, number>,
  chunks: number,
  chancePrior: number,
): number {
  const evidence = terms.reduce((sum, t) => sum + (weights.get(t.stem) ?? 1), 0);
  const prior = chancePrior * Math.log(1 + (chunks + 0.5) / 0.5);
  return evidence > 0 ? evidence / (evidence + prior) : 0;
}

/** Share of a question term's weight earned by a synonym of it. */
const SYNONYM_WEIGHT = 0.5;

/** Share of a term's weight each way of finding it earns (a state by another name counts whole). */
const MATCH_WEIGHT = {
  exact: 1,
  part: SUBWORD_WEIGHT,
  synonym: SYNONYM_WEIGHT,
  head: SYNONYM_WEIGHT,
  state: 1,
} as const;

/**
 * The words of a sentence or a window as the matching reads them: their stems, and (worked out on
 * first use) their rough roots and the states they name.
 */
export interface Words {
  readonly stems: readonly string[];
  /** The stems, and any other stems counted as present (a date's words for a dated article). */
  readonly present: ReadonlySet<string>;
  roots(): readonly string[];
  states(): ReadonlySet<string>;
}

/** A candidate sentence's words (its roots and states are kept on the candidate). */
export function candidateWords(c: Candidate, alsoPresent: ReadonlySet<string> | null): Words {
  return {
    stems: c.stems,
    present: new Set(alsoPresent ? [...c.stems, ...alsoPresent] : c.stems),
    roots: () => rootsOf(c),
    states: () => statesOf(c),
  };
}

/** The words of a piece of text (a quote window, a title, a lead). */
export function textWords(tokens: readonly Token[]): Words {
  const stems = tokens.map((t) => stem(t.text));
  let roots: string[] | undefined;
  let states: Set<string> | undefined;
  return {
    stems,
    present: new Set(stems),
    roots: () => (roots ??= stems.map(wordRoot)),
    states: () => (states ??= statesIn(tokens)),
  };
}

/**
 * How a question term is found in some words: 'exact', 'part' (the same rough root, or a
 * compound's known parts, `share` of them), 'synonym', 'state' (the same state by another name),
 * or null.
 */
export function termMatch(
  t: QuestionTerm,
  f: TermForms | undefined,
  words: Words,
  subwordMatch: boolean,
): { kind: 'exact' | 'part' | 'synonym' | 'head' | 'state'; share: number } | null {
  if (words.present.has(t.stem)) return { kind: 'exact', share: 1 };
  if (!f) return null;
  if (subwordMatch && rootedIn(f.root, words)) return { kind: 'part', share: 1 };
  const parts = subwordMatch ? partsIn(f.parts, words) : 0;
  if (parts > 0) return { kind: 'part', share: parts };
  const synonym = synonymIn(f, words);
  if (synonym) return { kind: synonym, share: 1 };
  if (f.state && words.states().has(f.state)) return { kind: 'state', share: 1 };
  return null;
}

/**
 * A synonym of the question's stem in the sentence, exactly or as the head of a compound
 * (Auslandsziel ~ Reiseziel → Ziel).
 */
function synonymIn(term: TermForms, words: Words): 'synonym' | 'head' | null {
  if (term.synonyms.size === 0) return null;
  for (const a of term.synonyms) if (words.present.has(a)) return 'synonym';
  return words.stems.some((s) => s.length > 5 && term.heads.some((a) => s.endsWith(a)))
    ? 'head'
    : null;
}

/**
 * Share of a compound's known parts the sentence has (Panzerverluste → Panzer + Verlust): both
 * count like any other part of a word, one half of that. A head alone is already a root match.
 */
function partsIn(parts: readonly string[], words: Words): number {
  if (parts.length === 0) return 0;
  const roots = words.roots();
  // A short part ("haf" of Hafen) ends too many words (Botschaft) to count as a compound's head.
  return (
    parts.filter((p) =>
      roots.some((r) => r === p || (p.length >= 4 && r.length > p.length && r.endsWith(p))),
    ).length / parts.length
  );
}

function rootedIn(questionRoot: string, words: Words): boolean {
  return words.roots().some((r) => rootsMatch(questionRoot, r));
}

/** How strongly standing out from the other candidates counts (see relativeDense). */
const STANDOUT_SCALE = 1.5;

/**
 * Cosines relative to this question's candidates: (cos - mean) / (1 - mean), scaled, within
 * [0, 1]. Models differ in where unrelated texts sit (the tiny model near 0.2, E5 near 0.8), so
 * a raw cosine means nothing across models; how far a sentence stands out from the other
 * candidates means the same for any model. Measured: with raw cosines, a tiny model made
 * E5-like (every vector shifted towards one direction) abstained on 14 % of unanswerable
 * questions instead of 74 %; with this, 77 % for both (docs/quality.md, "Choices").
 */
export function relativeDense(candidates: Candidate[]): void {
  if (candidates.length === 0) return;
  const mean = candidates.reduce((sum, c) => sum + (c.dense ?? 0), 0) / candidates.length;
  const room = Math.max(1e-6, 1 - mean);
  for (const c of candidates)
    c.dense = Math.min(1, Math.max(0, (((c.dense ?? 0) - mean) / room) * STANDOUT_SCALE));
}

/**
 * Weighted evidence (the word coverage times `lexicalFactor`); without a dense score its weight
 * goes to the lexical coverage.
 */
export function combine(c: Candidate, w: Weights, lexicalFactor = 1): number {
  const lexical = c.lexical * lexicalFactor;
  if (c.dense === null) return (w.lexical + w.dense) * lexical + w.chunk * c.chunkScore;
  return w.lexical * lexical + w.dense * c.dense + w.chunk * c.chunkScore;
}

export function cosine(a: readonly number[], b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
