/**
 * The answerer's settings and their defaults: how many chunks are read, the abstention
 * threshold per retrieval mode, quote windows and extra quotes, and the weights of the evidence.
 */
import type { RetrievalMode } from '../config.js';

export interface AnswerSettings {
  /** Chunks whose sentences are scored. */
  readonly topChunks: number;
  /** Below this best-sentence score the answer abstains. Calibrated with `npm run eval`. */
  readonly minScore: number;
  /**
   * An abstention whose best sentence scores at least this names the nearest articles
   * (Answer.nearest). Off-topic questions score below it ("Wie viele Einwohner hat München?" 0.21).
   */
  readonly nearScore: number;
  /** Extra quotes from other articles must reach this share of the best score. */
  readonly extraQuoteRatio: number;
  /** A further quote from an article already quoted must reach this share of the best score. */
  readonly sameArticleRatio: number;
  /**
   * A neighbouring sentence (same paragraph) scoring at least this share of the quoted one's
   * score joins the quote: the evidence spreads over both, and the answer is often the one next
   * to the sentence that matches the question's words. At most `windowChars` characters.
   */
  readonly windowRatio: number;
  readonly windowChars: number;
  /** Most quotes in one answer. */
  readonly maxQuotes: number;
  /** Most further quotes kept for "Weitere Zitate" (Answer.more). */
  readonly moreQuotes: number;
  /**
   * Added to the ranking score of a sentence whose article has the date the question prefers
   * (dated in "im September 2023"; the newest for "zuletzt", scaled by its freshness): it decides
   * between sentences of about equal evidence, never the confidence.
   */
  readonly datePreference: number;
  /** Longest question accepted, in characters. */
  readonly maxQuestionChars: number;
  /**
   * Count parts of words: the same rough root (gefeiert ~ feiern, liefert ~ Lieferung) and German
   * compounds (Raketen ⊂ Kurzstreckenraketen, Satellitenstarts ⊃ Satelliten).
   */
  readonly subwordMatch: boolean;
  /**
   * Read the states a question and a sentence name (src/answer/states.ts): another name of the same
   * state counts as the word (Peking ~ China), and a sentence about other states than the one
   * asked about loses coverage (asked about the Ukraine, it speaks of Russia).
   */
  readonly stateCheck: boolean;
  /**
   * Abstain when the best sentence, after the state check's penalty, is still one about other
   * states than the question's ("Wie viele Panzer hat *China* verloren?" → Russia's losses): the
   * articles answer about another country, not about the one asked. (With or without this, an
   * extra quote is never such a sentence.) Needs stateCheck.
   */
  readonly abstainOnOtherStates: boolean;
  /**
   * Weights of a sentence's evidence: question terms it covers, cosine to the question, its chunk's
   * retrieval score.
   */
  readonly weights: Weights;
  /**
   * The weights for a sentence in another language than the question, with a multilingual model:
   * shared words are rare across languages (names at most), so the embedding carries the decision.
   */
  readonly crossLingualWeights: Weights;
  /**
   * Judge the confidence against chance: as if every question had this many more rare words that
   * nothing matches (chanceShrink; default 1, 0: the evidence itself). Short questions and large
   * archives need more evidence for the same confidence. Calibrated with the threshold.
   */
  readonly chancePrior: number;
  /**
   * The confidence is judged as if the archive had at least this many chunks (the rest without
   * the question's words). Over a handful of chunks every word is in most of them and its IDF
   * cannot tell a rare word from a common one: a one-article archive would turn away a question
   * its article answers word for word. Larger archives are judged as they are.
   */
  readonly chanceMinChunks: number;
  /**
   * Judge the best candidates part by part before one is quoted (verify.ts): the kind of answer
   * asked for in the quote, the question's years and places, its salient words in the quote or
   * its article's title and lead. Off, the first candidate is the answer (as before stop 17).
   */
  readonly verify: boolean;
  /** How many of the best-ranked candidates are judged before the answer abstains. */
  readonly verifyDepth: number;
  /** Share of the question's salient weight that may be missing from a quote, its title and lead. */
  readonly maxUnsupported: number;
  /** Attach the ranking of candidate sentences to each answer (`npm run ask -- --explain`). */
  readonly explain: boolean;
}

export interface Weights {
  readonly lexical: number;
  readonly dense: number;
  readonly chunk: number;
}

export const DEFAULT_ANSWER: AnswerSettings = {
  topChunks: 6,
  minScore: 0.38,
  nearScore: 0.24,
  extraQuoteRatio: 0.75,
  sameArticleRatio: 0.5,
  windowRatio: 0.5,
  windowChars: 500,
  maxQuotes: 3,
  moreQuotes: 3,
  datePreference: 0.05,
  maxQuestionChars: 1000,
  subwordMatch: true,
  stateCheck: true,
  abstainOnOtherStates: true,
  weights: { lexical: 0.75, dense: 0.1, chunk: 0.15 },
  crossLingualWeights: { lexical: 0.15, dense: 0.7, chunk: 0.15 },
  chancePrior: 1,
  chanceMinChunks: 30,
  verify: true,
  verifyDepth: 8,
  maxUnsupported: 0.2,
  explain: false,
};

/**
 * The built-in abstention threshold by retrieval mode (DEFAULT_ANSWER.minScore is the hybrid
 * one). Each is the highest that keeps false abstentions within 10 % on GermanQuAD with the
 * archive (docs/quality.md, stop 16): keyword search alone scores differently from the mix with
 * an embedding. `npm run calibrate` replaces it per model and mode.
 */
export const DEFAULT_MIN_SCORE: Readonly<Record<RetrievalMode, number>> = {
  hybrid: 0.38,
  dense: 0.38,
  lexical: 0.4,
};
