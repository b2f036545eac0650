/**
 * Does a quote answer the question, part by part? A sentence can share many words with a question
 * and still be about another subject (Italy's fine for a question about Austria's), another year,
 * or lack the thing asked (a cost without an amount). The evidence is judged in parts:
 * - the kind of answer asked for (asked.ts) must be in the quote;
 * - a year the question names must be in the quote, its article's title or lead, or its date;
 * - the question's salient words (names, nouns, numbers) must be found in the quote, the title or
 *   the lead: what is missing there is what the quote is not about. A place the question names
 *   must be there; of the rest, a small share of the weight may be missing (a reader's word the
 *   article does not use).
 */
import { type QuestionTerm, wordRoot } from '../text.js';
import { type Asked, askedNoun, holdsAsked, namesAsked, numberWord, yearsIn } from './asked.js';
import { type TermForms, type Words, termMatch } from './evidence.js';
import { stateOfStem } from './states.js';

/** What the checks need to know about the question, worked out once. */
export interface QuestionFacts {
  readonly question: string;
  readonly asked: Asked | null;
  readonly years: ReadonlySet<string>;
  /** Salient terms with their weights (names, nouns, numbers), without those naming the asked thing. */
  readonly salient: ReadonlyArray<{ term: QuestionTerm; weight: number; unknown: boolean }>;
  /** The other content terms (verbs, adjectives), which readers paraphrase most. */
  readonly others: ReadonlyArray<{ term: QuestionTerm; weight: number; unknown: boolean }>;
  readonly forms: ReadonlyMap<string, TermForms>;
  readonly subwordMatch: boolean;
}

export function questionFacts(
  question: string,
  asked: Asked | null,
  terms: readonly QuestionTerm[],
  weights: ReadonlyMap<string, number>,
  documentFrequencies: ReadonlyMap<string, number>,
  forms: ReadonlyMap<string, TermForms>,
  subwordMatch: boolean,
): QuestionFacts {
  const noun = askedNoun(question);
  const weighed = (term: QuestionTerm) => ({
    term,
    weight: weights.get(term.stem) ?? 1,
    unknown: (documentFrequencies.get(term.stem) ?? 0) === 0,
  });
  const asking = (t: QuestionTerm) => namesAsked(asked, t.stem) || t.stem === noun;
  return {
    question,
    asked,
    years: yearsIn(question),
    salient: terms.filter((t) => t.salient && !asking(t)).map(weighed),
    others: terms.filter((t) => !t.salient && !asking(t)).map(weighed),
    forms,
    subwordMatch,
  };
}

/** A quote and what stands around it in its article. */
export interface QuoteContext {
  readonly text: string;
  readonly words: Words;
  /** The article's title and first sentences: what all its sentences are about. */
  readonly title: Words;
  readonly lead: Words;
  readonly titleText: string;
  readonly leadText: string;
  readonly date: string | undefined;
  /** The state check found the quote's sentence about other states than the question's. */
  readonly otherStates: boolean;
  /**
   * The quote is in another language than the question and a multilingual model judged it: its
   * words cannot be compared with the question's, so only the kind of answer and the years are.
   */
  readonly crossLingual: boolean;
  /**
   * The stems of the calendar date the question names, when the quote's article is dated then
   * ("am 13. September" and an article of 13.09.): its date is part of what it says.
   */
  readonly dated: ReadonlySet<string> | null;
  /** The whole article's text: a month the question names may stand anywhere in it. */
  readonly articleText: string;
}

/**
 * Words that only place a date the question names ("*Ende* 2015", "*Anfang* Juni"): the year or
 * month carries the time, checked on its own.
 */
const DATE_POSITION = new Set(['end', 'anfang', 'mitt', 'beginn', 'fruh', 'spat']);

/** Months as the stemmer writes them (Jänner and Januar, März and Maerz). */
const MONTH_STEMS: ReadonlyMap<string, RegExp> = new Map(
  (
    [
      ['januar', /jänner|januar/iu],
      ['jann', /jänner|januar/iu],
      ['februar', /februar|feber/iu],
      ['marz', /märz/iu],
      ['april', /april/iu],
      ['mai', /(?<![\p{L}])mai(?![\p{L}])/iu],
      ['juni', /juni/iu],
      ['juli', /juli/iu],
      ['august', /august/iu],
      ['septemb', /september/iu],
      ['oktob', /oktober/iu],
      ['novemb', /november/iu],
      ['dezemb', /dezember/iu],
    ] as const
  ).map(([stem, re]) => [stem, re]),
);

export interface Verification {
  /** The kind of answer asked for is in the quote (true when the question does not say). */
  readonly holdsAsked: boolean;
  /** Years of the question found neither in the quote, its title or lead, nor its date. */
  readonly missingYears: readonly string[];
  /** Salient question terms found neither in the quote nor in its article's title or lead. */
  readonly unsupported: readonly string[];
  /** Their share of the salient terms' weight. */
  readonly unsupportedShare: number;
  /** Places the question names that are among them. */
  readonly missingPlaces: readonly string[];
  /** Of the salient terms, the share of weight found in the quote itself. */
  readonly inQuote: number;
  /** Of the other terms (verbs, adjectives), the share of weight found in the quote. */
  readonly othersInQuote: number;
  readonly otherStates: boolean;
}

/**
 * The quote passes every part of the check; `maxUnsupported` is the share of the salient weight
 * that may be missing from the quote and its article's title and lead (AnswerSettings).
 */
export function verified(v: Verification, maxUnsupported: number): boolean {
  return (
    v.holdsAsked &&
    !v.otherStates &&
    v.missingYears.length === 0 &&
    v.missingPlaces.length === 0 &&
    v.unsupportedShare <= maxUnsupported
  );
}

export function verify(facts: QuestionFacts, quote: QuoteContext): Verification {
  const holds = facts.asked === null || holdsAsked(facts.asked, quote.text, facts.question);
  const known = new Set([
    ...yearsIn(quote.text),
    ...yearsIn(quote.titleText),
    ...yearsIn(quote.leadText),
    ...(quote.date ? [quote.date.slice(0, 4)] : []),
  ]);
  const missingYears = [...facts.years].filter((y) => !known.has(y));
  const unsupported: string[] = [];
  const missingPlaces: string[] = [];
  let all = 0;
  let missing = 0;
  let inQuote = 0;
  const found = (term: QuestionTerm, unknown: boolean, words: Words) =>
    quote.dated?.has(term.stem) === true ||
    strongEnough(termMatch(term, facts.forms.get(term.stem), words, facts.subwordMatch), unknown) ||
    looseIn(term.stem, words) ||
    ((unknown || term.stem.length >= 6) && nearMiss(term.stem, words, unknown)) ||
    (unknown && abbreviationOf(term.stem, words)) ||
    numberWordIn(term.stem, words);
  for (const { term, weight, unknown } of quote.crossLingual ? [] : facts.salient) {
    // Too short to be a subject an article names the same way ("Russland & Co").
    if (unknown && term.stem.length <= 2) continue;
    if (DATE_POSITION.has(term.stem) && facts.years.size > 0) continue;
    // A month the question names: the article's (its text or its date), not only the quote's.
    const month = MONTH_STEMS.get(term.stem);
    if (month && (month.test(quote.articleText) || quote.date?.slice(5, 7) === monthOf(term.stem)))
      continue;
    all += weight;
    if (found(term, unknown, quote.words)) {
      inQuote += weight;
      continue;
    }
    if (facts.years.has(term.stem)) {
      if (!missingYears.includes(term.stem)) continue;
    } else if (found(term, unknown, quote.title) || found(term, unknown, quote.lead)) continue;
    unsupported.push(term.stem);
    missing += weight;
    if (stateOfStem(term.stem)) missingPlaces.push(term.stem);
  }
  let others = 0;
  let othersFound = 0;
  for (const { term, weight, unknown } of quote.crossLingual ? [] : facts.others) {
    others += weight;
    if (found(term, unknown, quote.words)) othersFound += weight;
  }
  return {
    holdsAsked: holds,
    missingYears,
    unsupported,
    unsupportedShare: all > 0 ? missing / all : 0,
    missingPlaces,
    inQuote: all > 0 ? inQuote / all : 1,
    othersInQuote: others > 0 ? othersFound / others : 1,
    otherStates: quote.otherStates,
  };
}

/**
 * A word no article uses is the strongest sign the articles do not answer: a synonym's stem
 * ending another word (Bürger → "burg" in Meersburg, for Einwohner) does not outweigh it.
 */
function strongEnough(match: ReturnType<typeof termMatch>, unknown: boolean): boolean {
  return match !== null && !(unknown && match.kind === 'head');
}

/**
 * Looser than the ranking's matching, for support only: a compound of the text that begins with
 * the word or its root ("Sklaven" in "Sklavenhandels", "Werbung" ~ "Werbemaßnahmen"), and a short
 * word with or without a plural s ("CD", "CDs").
 */
function looseIn(stem: string, words: Words): boolean {
  const root = wordRoot(stem);
  return words.stems.some(
    (w) =>
      (stem.length >= 5 && w.length > stem.length && w.startsWith(stem)) ||
      // the word's root beginning a longer compound: Werbung ~ Werbemaßnahmen
      (root.length >= 4 && w.length >= root.length + 5 && w.startsWith(root)) ||
      (stem.length <= 4 && (w === `${stem}s` || `${w}s` === stem)),
  );
}

/** An abbreviation the index does not know: its letters in order in a longer word ("Jhd." ~ Jahrhundert). */
function abbreviationOf(stem: string, words: Words): boolean {
  if (stem.length < 2 || stem.length > 4 || /\P{L}/u.test(stem)) return false;
  return words.stems.some((w) => {
    if (w[0] !== stem[0] || w.length < stem.length + 3) return false;
    let i = 1;
    for (const ch of w.slice(1)) if (ch === stem[i]) i++;
    return i >= stem.length;
  });
}

/**
 * A reader's typo ("Bufett", "Hauptquatier"), or the article's ("Easly" for Easley): one edit away
 * (two for long words the index does not know) from a word of the text, with the same first
 * letter, counts as found.
 */
function nearMiss(stem: string, words: Words, unknown: boolean): boolean {
  if (stem.length < 5 || /\P{L}/u.test(stem)) return false;
  const limit = unknown && stem.length >= 9 ? 2 : 1;
  return words.stems.some(
    (w) =>
      w[0] === stem[0] && Math.abs(w.length - stem.length) <= limit && editDistance(stem, w, limit),
  );
}

/** "10" in the question, "zehnjähriger" in the text. */
function numberWordIn(stem: string, words: Words): boolean {
  const word = numberWord(stem);
  return word !== null && words.stems.some((w) => w === word || w.startsWith(`${word}j`));
}

/** Whether two words are at most `limit` edits apart (insert, delete, substitute, swap). */
function editDistance(a: string, b: string, limit: number): boolean {
  const prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return false;
    prev2.splice(0, prev2.length, ...prev);
    prev = row;
  }
  return (prev[b.length] ?? limit + 1) <= limit;
}

/** The month number ("12") a month stem names. */
function monthOf(stem: string): string {
  const order = [
    'januar',
    'februar',
    'marz',
    'april',
    'mai',
    'juni',
    'juli',
    'august',
    'septemb',
    'oktob',
    'novemb',
    'dezemb',
  ];
  const i = order.indexOf(stem === 'jann' ? 'januar' : stem);
  return String(i + 1).padStart(2, '0');
}
