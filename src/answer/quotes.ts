/**
 * Picked sentences as quotes with numbered sources; the articles an abstention names; a
 * candidate as --explain shows it.
 */
import type { StoredArticle } from '../index/db.js';
import type { Candidate } from './candidates.js';
import { round } from './evidence.js';
import type { AnswerSettings } from './settings.js';
import type { Quote, RankedSentence } from './types.js';
import type { Verification } from './verify.js';

/**
 * The articles an abstention names (Answer.nearest): those of the best sentences that came near
 * (nearScore) and close to the best (extraQuoteRatio), distinct, best first, up to maxQuotes.
 * Only articles are named, so no quote windows are worked out, and a second sentence of an
 * article already named takes no place.
 */
export function nearestArticles(
  candidates: readonly Candidate[],
  settings: AnswerSettings,
): StoredArticle[] {
  const top = candidates[0]?.score ?? 0;
  const out: StoredArticle[] = [];
  for (const c of candidates) {
    if (out.length >= settings.maxQuotes || c.score < top * settings.extraQuoteRatio) break;
    if (c.confidence < settings.nearScore || (out.length > 0 && c.otherStates)) continue;
    if (!out.some((a) => a.row === c.article.row)) out.push(c.article);
  }
  return out;
}

/** Picked sentences as quotes, each citing its article's number in the returned sources. */
export function numbered(picked: ReadonlyArray<{ c: Candidate; range: [number, number] }>): {
  quotes: Quote[];
  sources: StoredArticle[];
} {
  return citedQuotes(
    picked.map(({ c, range: [start, end] }) => ({
      article: c.article,
      start,
      end,
      score: round(c.confidence),
    })),
  );
}

/**
 * Slices of articles as quotes, each citing its article's number in the returned sources (first
 * cited, first numbered): how every answer numbers its sources, also one built from stored
 * quotes ("Weitere Zitate").
 */
export function citedQuotes(
  slices: ReadonlyArray<{ article: StoredArticle; start: number; end: number; score: number }>,
): { quotes: Quote[]; sources: StoredArticle[] } {
  const sources: StoredArticle[] = [];
  const quotes = slices.map(({ article, start, end, score }) => {
    let n = sources.findIndex((s) => s.row === article.row);
    if (n < 0) n = sources.push(article) - 1;
    return {
      text: article.text.slice(start, end),
      start,
      end,
      score,
      article,
      sourceNumber: n + 1,
    };
  });
  return { quotes, sources };
}

export function ranked(
  c: Candidate,
  checked?: { window: string; check: Verification },
): RankedSentence {
  const dense = c.dense === null ? null : round(c.dense);
  const text = c.article.text.slice(c.sentence.start, c.sentence.end);
  return {
    text,
    file: c.article.file,
    lexical: round(c.lexical),
    dense,
    chunk: round(c.chunkScore),
    score: round(c.score),
    confidence: round(c.confidence),
    unmatched: c.unmatched,
    ...(checked ?? {}),
  };
}
