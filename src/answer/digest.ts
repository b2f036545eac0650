/**
 * "Was ist seit gestern passiert?": a question about what happened, answered with the lead
 * sentences of the newest articles; and how fresh each article is for "zuletzt".
 */
import type { StoredArticle } from '../index/db.js';
import type { LoadedIndex } from '../index/store.js';
import { questionTerms } from '../text.js';
import { citedQuotes } from './quotes.js';
import type { Answer } from './types.js';

/**
 * Words of a question asking what happened, not about anything in particular ("Was ist passiert?",
 * "What is new?").
 */
const EVENT_WORDS = new Set([
  'passi',
  'passiert',
  'gescheh',
  'geschah',
  'geschieht',
  'los',
  'neu',
  'neues',
  'neuigkeit',
  'nachricht',
  'meldung',
  'berichtet',
  'happen',
  'happened',
  'new',
  'news',
  'going',
]);

/**
 * The question has no words of its own beyond "what happened" (after its time expressions are left
 * out).
 */
export function isDigest(words: string): boolean {
  const terms = questionTerms(words);
  return terms.every((t) => EVENT_WORDS.has(t.stem) || EVENT_WORDS.has(t.stem.replace(/e?s$/, '')));
}

/** The lead sentence of each of these articles (newest first), as the quotes of an answer. */
export function digestAnswer(
  index: LoadedIndex,
  question: string,
  language: 'de' | 'en',
  rows: readonly number[],
  time: Answer['time'],
): Answer {
  const { quotes, sources } = citedQuotes(
    rows.flatMap((row) => {
      const article = index.store.article(row);
      const lead = article && index.store.leadSentences(row, 1)[0];
      return article && lead ? [{ article, start: lead.start, end: lead.end, score: 1 }] : [];
    }),
  );
  return {
    question,
    found: quotes.length > 0,
    quotes,
    sources,
    more: [],
    moreSources: [],
    nearest: [],
    confidence: quotes.length ? 1 : 0,
    language,
    otherStates: false,
    digest: true,
    ...(time ? { time } : {}),
  };
}

/**
 * Each article's freshness among these: 1 for the newest date, halved every 30 days older; undated
 * 0.
 */
export function freshnessOf(articles: readonly StoredArticle[]): Map<number, number> {
  const days = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  const dates = articles.filter((a) => a.meta.date).map((a) => days(a.meta.date ?? ''));
  const newest = Math.max(...dates);
  return new Map(
    articles.map((a) => [a.row, a.meta.date ? 0.5 ** ((newest - days(a.meta.date)) / 30) : 0]),
  );
}
