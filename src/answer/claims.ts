/**
 * The claim check ("Stimmt das?"): a forwarded post split into check-worthy statements, each
 * answered like a question, and its numbers compared with the quotes' numbers for the same
 * counted thing. The verdict never goes beyond what the quotes show: a figure the articles give
 * differently ("differs"), the claim's figures, names and dates all in the quotes ("matches"), or
 * nothing to compare it with ("not_found"). Never "false", never "fake".
 */
import type { Answer } from './answer.js';
import type { Engine } from './engine.js';
import { InputError } from '../errors.js';
import { figuresIn } from './figures.js';
import { blank, timeScope } from './timeScope.js';
import { splitSentences } from '../index/chunk.js';
import { questionTerms, stem, tokenize } from '../text.js';

export type Verdict = 'matches' | 'differs' | 'not_found';

export interface NumberComparison {
  /** The claim's figure as written ("10.000 Panzer"). */
  readonly claim: string;
  /** The article's figure for the same thing ("4.313 Panzer"). */
  readonly article: string;
  /** The date of the article that gives it. */
  readonly date: string | null;
}

export interface CheckedClaim {
  readonly text: string;
  readonly verdict: Verdict;
  /** The answer to the statement; its quotes are shown unless the verdict is not_found. */
  readonly answer: Answer;
  readonly numbers: NumberComparison[];
}

export interface ClaimCheck {
  readonly text: string;
  readonly claims: CheckedClaim[];
  /** Statements found but not checked (over `maxClaims`, or longer than a question may be). */
  readonly unchecked: number;
}

export interface ClaimSettings {
  /** Most statements checked per text. */
  readonly maxClaims: number;
  /** Longest statement checked, in characters (the question limit). */
  readonly maxStatementChars: number;
  /** "Today" for the statements' time words. */
  readonly now: Date;
}

// Greetings, reactions and opinions: nothing in them the articles could bear out.
const NOT_A_CLAIM =
  /^(?:hallo|hi|hey|moin|servus|guten\s+(?:morgen|tag|abend)|danke|lol|wow|krass|unglaublich|omg|ich\s+(?:finde|glaube|denke|meine|hoffe|frage\s+mich)|meiner\s+meinung|wahnsinn|schaut?\s+euch|seht\s+(?:mal|euch)|teilt|bitte\s+teilen|hello|thanks|i\s+(?:think|believe|guess|hope))\b/iu;
const MONTH_WORD =
  /\b(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|january|february|march|june|july|october|december)\b/iu;

/**
 * The sentences of a text, as the index splits articles (ordinals, dates and abbreviations do not
 * end one), line by line; a lead-in before a colon ("Schaut euch das an: Russland hat …") is
 * left out.
 */
export function statements(text: string): string[] {
  const lines = text.replace(/\n/g, '\n\n');
  return splitSentences(lines)
    .map((s) => lines.slice(s.start, s.end).replace(/\s+/g, ' ').trim())
    .map((s) => (NOT_A_CLAIM.test(s) && /:\s+\S/.test(s) ? s.slice(s.indexOf(':') + 1).trim() : s))
    .filter(Boolean);
}

// Particles that hedge or stress a claim ("schon", "angeblich", "mehr als"): no words to look for
// in the articles, and rare enough there to weigh as if they were.
const HEDGES =
  /(?<![\p{L}])(?:schon|bereits|inzwischen|mittlerweile|angeblich|wirklich|tatsächlich|sogar|nur|mehr\s+als|über|fast|knapp|rund|etwa|circa|ca\.|insgesamt|already|allegedly|really|actually|even|only|more\s+than|over|almost|nearly|about|around)(?![\p{L}])/giu;

/**
 * Check-worthy: a statement with a number, a date, or a name (a capitalized word after the first
 * that is not a plain German noun is impossible to tell apart, so any capitalized word after the
 * first counts), of four words or more; not a question, a greeting, a reaction or an opinion.
 */
export function isCheckWorthy(statement: string): boolean {
  const words = tokenize(statement);
  if (words.length < 4 || /\?\s*$/.test(statement) || NOT_A_CLAIM.test(statement)) return false;
  if (/\p{N}/u.test(statement) || MONTH_WORD.test(statement)) return true;
  return words.slice(1).some((t) => /^\p{Lu}/u.test(statement.slice(t.start, t.end)));
}

/** Check a text's statements against the articles. */
export async function checkClaims(
  engine: Pick<Engine, 'answer'>,
  text: string,
  settings: ClaimSettings,
): Promise<ClaimCheck> {
  const worthy = statements(text).filter(isCheckWorthy);
  const fitting = worthy.filter((s) => s.length <= settings.maxStatementChars);
  const chosen = fitting.slice(0, settings.maxClaims);
  const claims: CheckedClaim[] = [];
  for (const statement of chosen) {
    let answer: Answer;
    try {
      // The claim's own numbers are what is compared, not words to look for: "10.000" in a claim
      // would count against every sentence that gives another number for the same thing.
      const figures = figuresIn(statement);
      const hedges = [...statement.matchAll(HEDGES)].map(
        (m) => [m.index, m.index + m[0].length] as const,
      );
      const numbers = figures.map(
        (f) =>
          [f.start, f.start + f.text.length - (f.text.split(/\s+/).pop()?.length ?? 0)] as const,
      );
      const query = blank(statement, [...hedges, ...numbers]);
      answer = await engine.answer(/[\p{L}]/u.test(query) ? query : statement);
    } catch (error) {
      if (error instanceof InputError) continue;
      throw error;
    }
    claims.push(judge(statement, { ...answer, question: statement }, settings.now));
  }
  return { text, claims, unchecked: worthy.length - claims.length };
}

/** The verdict for one statement from its answer. */
export function judge(statement: string, answer: Answer, now: Date): CheckedClaim {
  if (!answer.found) return { text: statement, verdict: 'not_found', answer, numbers: [] };
  const quotes = answer.quotes;
  const claimed = figuresIn(statement);
  if (claimed.length > 0) {
    const numbers: NumberComparison[] = [];
    let same = 0;
    for (const f of claimed) {
      // Some quote giving the same number for the same thing bears the claim out; otherwise the
      // first quote that counts it (the best, or the newest when the articles' figures differ)
      // says what the articles give.
      const counting = quotes.flatMap((q) =>
        figuresIn(q.text)
          .filter((g) => g.noun === f.noun)
          .map((g) => ({ g, q })),
      );
      if (counting.length === 0) continue;
      if (counting.some(({ g }) => g.value === f.value)) same++;
      else {
        const first = counting[0];
        if (first)
          numbers.push({
            claim: f.text,
            article: first.g.text,
            date: first.q.article.meta.date ?? null,
          });
      }
    }
    if (numbers.length > 0) return { text: statement, verdict: 'differs', answer, numbers };
    if (same > 0) {
      // The quotes that give the claim's numbers first: they are what bears it out.
      const gives = (text: string) =>
        figuresIn(text).some((g) => claimed.some((f) => f.noun === g.noun && f.value === g.value));
      const ordered = [
        ...quotes.filter((q) => gives(q.text)),
        ...quotes.filter((q) => !gives(q.text)),
      ];
      return {
        text: statement,
        verdict: 'matches',
        answer: { ...answer, quotes: ordered },
        numbers: [],
      };
    }
    return { text: statement, verdict: 'not_found', answer, numbers: [] };
  }
  // No figures: every name, number and date of the statement must be in the quotes (a date also
  // by the quoted article's own date).
  const scope = timeScope(statement, now);
  const inWindow = (date: string | undefined) =>
    Boolean(scope?.from && scope.to && date && date >= scope.from && date <= scope.to);
  const dateStems = new Set(
    (scope?.dates ?? []).flatMap(([a, b]) =>
      tokenize(statement.slice(a, b)).map((t) => stem(t.text)),
    ),
  );
  const salient = questionTerms(statement).filter((t) => t.salient);
  const covered = (s: string) =>
    quotes.some(
      (q) =>
        tokenize(q.text).some((t) => stem(t.text) === s) ||
        (dateStems.has(s) && inWindow(q.article.meta.date)),
    );
  const verdict: Verdict =
    salient.length > 0 && salient.every((t) => covered(t.stem)) ? 'matches' : 'not_found';
  return { text: statement, verdict, answer, numbers: [] };
}
