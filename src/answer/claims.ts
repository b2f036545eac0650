/**
 * The claim check ("Stimmt das?"): a forwarded post split into check-worthy statements, each
 * answered like a question, and its numbers compared with the quotes' numbers for the same
 * counted thing. The verdict never goes beyond what the quotes show: a figure the articles give
 * differently ("differs"), the claim's figures, names and dates all in the quotes ("matches"), or
 * nothing to compare it with ("not_found"). Never "false", never "fake".
 */
import { type Answer, type AskOptions, type Quote, citedQuotes } from './answer.js';
import { type Asked, yearsIn } from './asked.js';
import type { StoredArticle } from '../index/db.js';
import { type Measure, type MeasureKind, comparable, measuresIn, sameValue } from './measures.js';
import type { Engine } from './engine.js';
import { InputError } from '../errors.js';
import { blank, timeScope } from './timeScope.js';
import { splitSentences } from '../index/chunk.js';
import { questionTerms, stem, tokenize } from '../text.js';

/** Most statements checked in one text (the bot's /check and `npm run check-claims`); more are counted. */
export const MAX_CLAIMS = 5;

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

/** What the claim check reads besides answers: each article's sentences, and synonyms. */
export interface ClaimContext {
  /** The sentences of an article (offsets into its text), to find where it gives a figure. */
  readonly sentencesOf: (article: StoredArticle) => ReadonlyArray<{ start: number; end: number }>;
  /** Whether two counted nouns' stems are synonyms (Jobs ~ Arbeitsplätze). */
  readonly related: (a: string, b: string) => boolean;
}

/**
 * The looser search for a claim's own figure: half of the claim's salient weight may be missing
 * from a quote and its article's title and lead, and the threshold is the near score's.
 */
const LOOSE: AskOptions = { maxUnsupported: 0.5, minScore: 0.25 };

/** The kind of answer a claim's figure asks the articles for. */
const ASKED: Record<MeasureKind, Asked> = {
  money: 'money',
  percent: 'percent',
  time: 'elapsed',
  length: 'duration',
  rank: 'rank',
  count: 'count',
};

/** What the claim check reads through an engine: its index's sentences and its synonyms. */
export function claimContext(engine: Pick<Engine, 'current' | 'synonyms'>): ClaimContext {
  const synonyms = engine.synonyms();
  return {
    sentencesOf: (article) =>
      engine.current().store.sentencesOf(article.row, 0, Number.MAX_SAFE_INTEGER),
    related: (a, b) => synonyms?.of(a).has(b) === true,
  };
}

/** Check a text's statements against the articles. */
export async function checkClaims(
  engine: Pick<Engine, 'answer' | 'current' | 'synonyms'>,
  text: string,
  settings: ClaimSettings,
): Promise<ClaimCheck> {
  const context = claimContext(engine);
  const worthy = statements(text).filter(isCheckWorthy);
  const fitting = worthy.filter((s) => s.length <= settings.maxStatementChars);
  const chosen = fitting.slice(0, settings.maxClaims);
  const claims: CheckedClaim[] = [];
  for (const statement of chosen) {
    let strict: Answer;
    let loose: Answer;
    const claimed = measuresIn(statement);
    try {
      // The claim's own numbers are what is compared, not words to look for: "10.000" in a claim
      // would count against every sentence that gives another number for the same thing. Its
      // figure says what kind of thing a quote must hold (an amount, a count, a rank); its time
      // words are the writer's, so they only prefer articles of that time.
      const hedges = [...statement.matchAll(HEDGES)].map(
        (m) => [m.index, m.index + m[0].length] as const,
      );
      const numbers = claimed.map((m) => [m.start, m.numberEnd] as const);
      const blanked = blank(statement, [...hedges, ...numbers]);
      const query = /[\p{L}]/u.test(blanked) ? blanked : statement;
      const first = claimed[0];
      const options: AskOptions = {
        relativeTime: 'prefer',
        ...(first ? { asked: ASKED[first.kind] } : {}),
      };
      // The answer as to a question, checked as strictly: what "differs" may rest on. And a
      // looser one (more of the claim's words may be missing, a lower threshold): its articles are
      // searched for the claim's own figure, which is evidence of its own.
      strict = await engine.answer(query, options);
      loose = claimed.length ? await engine.answer(query, { ...options, ...LOOSE }) : strict;
    } catch (error) {
      if (error instanceof InputError) continue;
      throw error;
    }
    claims.push(judge(statement, { ...strict, question: statement }, settings.now, context, loose));
  }
  return { text, claims, unchecked: worthy.length - claims.length };
}

/**
 * The verdict for one statement from its answer. With figures: "matches" when an article the
 * answer quotes gives the claim's figure (anywhere in it) for the same thing; "differs" when a
 * quote gives another figure for the same thing and its article nowhere gives the claim's;
 * otherwise "not_found". A quote is on the claim's subject because the answerer checked it (the
 * claim's words, years and places, and the kind of figure).
 */
export function judge(
  statement: string,
  answer: Answer,
  now: Date,
  context: ClaimContext,
  loose: Answer = answer,
): CheckedClaim {
  const claimed = measuresIn(statement);
  if (!answer.found && !(claimed.length > 0 && loose.found))
    return { text: statement, verdict: 'not_found', answer, numbers: [] };
  const quotes = answer.quotes;
  if (claimed.length > 0) {
    const sources = [
      ...answer.sources,
      ...loose.sources.filter((a) => !answer.sources.some((b) => b.row === a.row)),
    ];
    const subject = claimSubject(statement, claimed);
    const supporting: Quote[] = [];
    const numbers: NumberComparison[] = [];
    for (const f of claimed) {
      const support = supportFor(f, sources, subject, context);
      if (support.length > 0) {
        supporting.push(
          ...support.filter(
            (q) => !supporting.some((s) => s.start === q.start && s.article.row === q.article.row),
          ),
        );
        continue;
      }
      for (const q of quotes) {
        const other = measuresIn(q.text).find(
          (g) => comparable(f, g, context.related) && !sameValue(f, g),
        );
        if (!other) continue;
        numbers.push({ claim: f.text, article: other.text, date: q.article.meta.date ?? null });
        break;
      }
    }
    if (numbers.length > 0) return { text: statement, verdict: 'differs', answer, numbers };
    if (supporting.length > 0) {
      // The sentences that give the claim's figures first: they are what bears it out.
      const cited = citedQuotes(
        [...supporting, ...quotes.filter((q) => !supporting.some((s) => overlaps(s, q)))].slice(
          0,
          Math.max(quotes.length, supporting.length),
        ),
      );
      return {
        text: statement,
        verdict: 'matches',
        answer: { ...answer, quotes: cited.quotes, sources: cited.sources },
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

/** What a claim is about besides its figures: its salient words' stems, and its years. */
interface ClaimSubject {
  readonly stems: readonly string[];
  readonly years: ReadonlySet<string>;
}

function claimSubject(statement: string, claimed: readonly Measure[]): ClaimSubject {
  const inFigures = new Set(claimed.flatMap((m) => tokenize(m.text).map((t) => stem(t.text))));
  const years = yearsIn(statement);
  return {
    stems: questionTerms(statement)
      .filter((t) => t.salient && !inFigures.has(t.stem) && !years.has(t.stem))
      .map((t) => t.stem),
    years,
  };
}

/**
 * The sentences of these articles that give the claim's figure for the same thing, as quotes:
 * the sentence with the one before it (or the article's title and date) must also name the
 * claim's years and at least half of its salient words (a figure of another subject in the same
 * article is no support: Apple's campus cost for a claim about Google's).
 */
function supportFor(
  f: Measure,
  articles: readonly StoredArticle[],
  subject: ClaimSubject,
  context: ClaimContext,
): Quote[] {
  const out: Quote[] = [];
  for (const article of articles) {
    const sentences = context.sentencesOf(article);
    for (const [i, s] of sentences.entries()) {
      const text = article.text.slice(s.start, s.end);
      if (!measuresIn(text).some((g) => comparable(f, g, context.related) && sameValue(f, g)))
        continue;
      // The sentence and the one before (which "Das neue Gebäude" may point back to); not the
      // one after, which may already be about another subject.
      const around = [sentences[i - 1], s]
        .flatMap((x) => (x ? [article.text.slice(x.start, x.end)] : []))
        .join(' ');
      if (!aboutSubject(subject, `${article.meta.title} ${around}`, article.meta.date)) continue;
      out.push({ text, start: s.start, end: s.end, score: 1, article, sourceNumber: 0 });
      break;
    }
  }
  return out;
}

/** The claim's years are all there, and at least half of its salient words (or their compounds). */
function aboutSubject(subject: ClaimSubject, text: string, date: string | undefined): boolean {
  const years = yearsIn(text);
  if (date) years.add(date.slice(0, 4));
  if ([...subject.years].some((y) => !years.has(y))) return false;
  if (subject.stems.length === 0) return true;
  const stems = tokenize(text).map((t) => stem(t.text));
  const found = subject.stems.filter((q) =>
    stems.some((w) => w === q || (q.length >= 4 && (w.startsWith(q) || w.endsWith(q)))),
  );
  return found.length * 2 >= subject.stems.length;
}

function overlaps(a: Quote, b: Quote): boolean {
  return a.article.row === b.article.row && a.start < b.end && b.start < a.end;
}
