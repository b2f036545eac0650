/**
 * What the answerer returns: quotes (verbatim slices of stored articles) with their numbered
 * sources, or an abstention, and what a reply needs to explain either.
 */
import type { StoredArticle } from '../index/db.js';
import type { Asked } from './asked.js';
import type { Verification } from './verify.js';

export interface Quote {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly score: number;
  readonly article: StoredArticle;
  /** 1-based number of the source this quote cites. */
  readonly sourceNumber: number;
}

export interface Answer {
  readonly question: string;
  readonly found: boolean;
  readonly quotes: Quote[];
  /** Cited articles in citation order: quotes[i].sourceNumber indexes this list (1-based). */
  readonly sources: StoredArticle[];
  /**
   * The next best quotes after the shown ones, for "Weitere Zitate": sentences that came near
   * (settings.nearScore) but were not shown, never overlapping a shown quote. Weaker evidence than
   * the answer's, shown only when a reader asks. Their sourceNumber indexes `moreSources`.
   */
  readonly more: Quote[];
  readonly moreSources: StoredArticle[];
  /**
   * When the answer abstains but the best sentence came near (settings.nearScore): the articles
   * of the best-scored sentences, best first, so a reader can look for themselves. Never quoted:
   * a sentence below the threshold is not presented as the answer.
   */
  readonly nearest: StoredArticle[];
  /** Best sentence score; compared with the abstention threshold. */
  readonly confidence: number;
  /** 'de' or 'en': the language replies to this question are written in. */
  readonly language: 'de' | 'en';
  /**
   * The best sentence is about other states than the question asks about (the state check's
   * penalty applied to it and it still ranks first): with settings.abstainOnOtherStates the
   * answer abstains whatever its score.
   */
  readonly otherStates: boolean;
  /** With settings.explain: the best-scored sentences and their evidence, for tuning. */
  readonly ranking?: RankedSentence[];
  /** With settings.explain: the question's terms, how many chunks hold each, and their weights. */
  readonly terms?: Array<{
    readonly stem: string;
    readonly salient: boolean;
    readonly df: number;
    readonly weight: number;
  }>;
  /** The dates the question asks about (src/answer/timeScope.ts), when it names any. */
  readonly time?: {
    readonly from: string | null;
    readonly to: string | null;
    readonly kind: 'restrict' | 'prefer' | null;
    readonly recent: boolean;
  };
  /**
   * An abstention because no article is dated in the question's window; the newest article date, if
   * any.
   */
  readonly noArticlesInWindow?: { readonly newest: string | null };
  /**
   * The quotes give different numbers for the same counted thing in articles of different dates
   * ("4.313 Panzer" on 13.09.2023, "4.350 Panzer" on 20.09.2023): those two are the first
   * quotes, newest first, each shown with its date ("Stand: …").
   */
  readonly figuresDiffer?: boolean;
  /**
   * "Was ist seit gestern passiert?": the quotes are the lead sentences of the newest articles of
   * the window.
   */
  readonly digest?: boolean;
}

export interface RankedSentence {
  readonly text: string;
  readonly file: string;
  readonly lexical: number;
  readonly dense: number | null;
  readonly chunk: number;
  /** The evidence (ranks), and the same judged against chance (compared with the threshold). */
  readonly score: number;
  readonly confidence: number;
  /** Question stems this sentence does not match in any way (neighbours included). */
  readonly unmatched: string[];
  /** With verification: the quote window and how it fared (verify.ts). */
  readonly window?: string;
  readonly check?: Verification;
}

/** How one question is to be read, where the caller knows better than its words. */
export interface AskOptions {
  /** The kind of answer asked for (the claim check knows it from the claim's figure). */
  readonly asked?: Asked | null;
  /**
   * 'prefer': relative time words ("letztes Jahr") only prefer articles of that time instead of
   * restricting to them (a forwarded claim's "last year" is the writer's, not today's).
   */
  readonly relativeTime?: 'restrict' | 'prefer';
  /** This question's abstention threshold and share of salient weight that may be missing. */
  readonly minScore?: number;
  readonly maxUnsupported?: number;
}

export interface Answerer {
  answer(question: string, options?: AskOptions): Promise<Answer>;
}
