/**
 * Evaluation of answers against questions with gold substrings (schema: ../shared/eval/README.md):
 * quote@1, quote@3, abstention, false abstentions and verbatim violations, by question kind.
 * Also the baseline the product must beat: plain BM25 over sentences, top sentence quoted.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { splitSentences } from '../index/chunk.js';
import type { Article } from '../ingest/ingest.js';
import { collapseWhitespace, contentStems, stem, tokenize } from '../text.js';

export interface EvalQuestion {
  id: string;
  /** fact, paraphrase, reader, crosslingual, unanswerable, …: the sets name their own kinds. */
  kind: string;
  q: string;
  gold: string[];
  src: string[];
}

/** What an answer looks like to the evaluation (the `ask --json` contract, reduced). */
export interface EvalAnswer {
  found: boolean;
  /**
   * score: the sentence's score (the first quote's is the answer's confidence); absent for the
   * baseline.
   */
  quotes: Array<{ text: string; score?: number; source: { file: string } }>;
  /** With an abstention that came near: the articles it names, best first. */
  nearest?: Array<{ file: string }>;
  /**
   * The best sentence is about other states than the question's (the default abstains on it at any
   * threshold).
   */
  otherStates?: boolean;
}

/**
 * The question sets of a checkout: the shared dev set (beside the repository, when present), the
 * repository's own questions, and its held-out sets in the order they were written
 * (heldout, heldout2, heldout3, …).
 */
export function questionSetFiles(root: string): { dev: string; own: string; heldout: string[] } {
  const dir = path.join(root, 'test/eval');
  const order = (f: string) => Number(/^heldout(\d*)-/.exec(f)?.[1] || 1);
  const heldout = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^heldout\d*-questions\.jsonl$/.test(f))
        .sort((a, b) => order(a) - order(b))
        .map((f) => path.join(dir, f))
    : [];
  return {
    dev: path.join(root, '../shared/eval/dev-questions.jsonl'),
    own: path.join(dir, 'own-questions.jsonl'),
    heldout,
  };
}

export function loadQuestions(file: string): EvalQuestion[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as EvalQuestion;
      } catch {
        throw new Error(`${file}:${i + 1}: not a JSON object`);
      }
    });
}

const stemOf = (file: string) => path.basename(file).replace(/\.[^.]+$/, '');

/**
 * Gold answers this long may span several sentences: a quote inside one answers too
 * (../shared/eval/README.md).
 */
export const LONG_GOLD = 40;

/**
 * Does this quote answer the question: from one of the right articles, it holds a gold phrase,
 * or it lies inside a gold answer of LONG_GOLD characters or more (compared after collapsing
 * whitespace; a quote's closing full stop may fall outside the gold phrase).
 */
export function quoteAnswers(q: EvalQuestion, quote: EvalAnswer['quotes'][number]): boolean {
  if (!q.src.includes(stemOf(quote.source.file))) return false;
  const text = collapseWhitespace(quote.text);
  return q.gold.some((g) => {
    const gold = collapseWhitespace(g);
    return (
      text.includes(gold) ||
      (gold.length >= LONG_GOLD && text.length > 0 && gold.includes(text.replace(/[.!?…]+$/u, '')))
    );
  });
}

/** A quote is verbatim when it is a slice of the article text its source names. */
export function isVerbatim(
  quote: EvalAnswer['quotes'][number],
  articlesByFile: ReadonlyMap<string, Pick<Article, 'text'>>,
): boolean {
  const article = articlesByFile.get(quote.source.file);
  return Boolean(article && quote.text.length > 0 && article.text.includes(quote.text));
}

export interface KindScore {
  questions: number;
  quoteAt1: number;
  quoteAt3: number;
  /** Answerable questions the system abstained on. */
  falseAbstentions: number;
  /** Of those, the ones whose abstention named an article holding the answer first. */
  falseAbstentionsNamingIt: number;
  /** Unanswerable questions the system abstained on. */
  abstained: number;
}

function emptyScore(): KindScore {
  return {
    questions: 0,
    quoteAt1: 0,
    quoteAt3: 0,
    falseAbstentions: 0,
    falseAbstentionsNamingIt: 0,
    abstained: 0,
  };
}

export interface EvalReport {
  byKind: Record<string, KindScore>;
  /** Answerable German questions (fact + paraphrase): what the quality targets are about. */
  answerable: KindScore;
  unanswerable: KindScore;
  verbatimViolations: number;
  /** Characters of each answer's first quote (a quote stays a quote: its median is a target). */
  firstQuoteChars: number[];
  failures: Array<{ id: string; q: string; got: string }>;
}

export function scoreAnswers(
  questions: readonly EvalQuestion[],
  answers: readonly EvalAnswer[],
  articlesByFile: ReadonlyMap<string, Pick<Article, 'text'>>,
): EvalReport {
  const byKind: Record<string, KindScore> = {};
  const answerable = emptyScore();
  const unanswerable = emptyScore();
  let verbatimViolations = 0;
  const failures: EvalReport['failures'] = [];
  const firstQuoteChars: number[] = [];
  questions.forEach((q, i) => {
    const a = answers[i] ?? { found: false, quotes: [] };
    if (a.quotes[0]) firstQuoteChars.push(a.quotes[0].text.length);
    const k = (byKind[q.kind] ??= emptyScore());
    const groups = [
      k,
      q.kind === 'unanswerable' ? unanswerable : q.kind === 'crosslingual' ? null : answerable,
    ].filter((g): g is KindScore => g !== null);
    for (const quote of a.quotes) if (!isVerbatim(quote, articlesByFile)) verbatimViolations++;
    for (const g of groups) {
      g.questions++;
      if (q.kind === 'unanswerable') {
        if (!a.found) g.abstained++;
      } else {
        if (!a.found) g.falseAbstentions++;
        const named = a.nearest?.[0];
        if (!a.found && named && q.src.includes(stemOf(named.file))) g.falseAbstentionsNamingIt++;
        if (a.quotes[0] && quoteAnswers(q, a.quotes[0])) g.quoteAt1++;
        if (a.quotes.slice(0, 3).some((quote) => quoteAnswers(q, quote))) g.quoteAt3++;
      }
    }
    const ok =
      q.kind === 'unanswerable' ? !a.found : Boolean(a.quotes[0] && quoteAnswers(q, a.quotes[0]));
    if (!ok)
      failures.push({
        id: q.id,
        q: q.q,
        got: a.found ? (a.quotes[0]?.text ?? '').slice(0, 100) : '(abstained)',
      });
  });
  return { byKind, answerable, unanswerable, verbatimViolations, firstQuoteChars, failures };
}

/** Several sets' reports as one: the counts added up, so rates are over all their questions. */
export function poolReports(reports: readonly EvalReport[]): EvalReport {
  const add = (into: KindScore, from: KindScore): KindScore => {
    for (const key of Object.keys(into) as Array<keyof KindScore>) into[key] += from[key];
    return into;
  };
  const pooled: EvalReport = {
    byKind: {},
    answerable: emptyScore(),
    unanswerable: emptyScore(),
    verbatimViolations: 0,
    firstQuoteChars: [],
    failures: [],
  };
  for (const r of reports) {
    for (const [kind, score] of Object.entries(r.byKind))
      add((pooled.byKind[kind] ??= emptyScore()), score);
    add(pooled.answerable, r.answerable);
    add(pooled.unanswerable, r.unanswerable);
    pooled.verbatimViolations += r.verbatimViolations;
    pooled.firstQuoteChars.push(...r.firstQuoteChars);
    pooled.failures.push(...r.failures);
  }
  return pooled;
}

/**
 * What other abstention thresholds would give, from answers made with none (minScore 0): quotes
 * scoring below t are dropped, and an answer whose first quote scores below t is an abstention,
 * as in a real run at t (a test checks they agree at the default). Abstentions here name no
 * nearest articles.
 */
export function thresholdSweep(
  sets: ReadonlyArray<{ questions: readonly EvalQuestion[]; answers: readonly EvalAnswer[] }>,
  thresholds: readonly number[],
  articlesByFile: ReadonlyMap<string, Pick<Article, 'text'>>,
): Array<{ threshold: number; report: EvalReport }> {
  return thresholds.map((threshold) => ({
    threshold,
    report: poolReports(
      sets.map(({ questions, answers }) =>
        scoreAnswers(
          questions,
          answers.map((a) => atThreshold(a, threshold)),
          articlesByFile,
        ),
      ),
    ),
  }));
}

/**
 * An answer made without a threshold as it would be with one: quotes below it dropped, none left
 * = abstained; one whose best sentence is about other states abstains, as the default does
 * (AnswerSettings.abstainOnOtherStates).
 */
function atThreshold(a: EvalAnswer, threshold: number): EvalAnswer {
  const quotes = a.quotes.filter((q) => (q.score ?? 0) >= threshold);
  return quotes.length && a.found && !a.otherStates
    ? { found: true, quotes }
    : { found: false, quotes: [] };
}

/** One question's outcome, for looking at misses one by one (`npm run eval -- --details FILE`). */
export interface QuestionDetail {
  set: string;
  id: string;
  kind: string;
  q: string;
  /** The default configuration answered (did not abstain). */
  found: boolean;
  /** Its first quote holds a gold phrase from the right article. */
  right: boolean;
  /** The best sentence's score without a threshold (what the threshold is compared with). */
  confidence: number;
  /**
   * Without a threshold, the first quote would be right: a miss with this set is the threshold's
   * doing.
   */
  rankedRight: boolean;
  /** The best sentence without a threshold, and its file. */
  best: string;
  file: string | null;
}

/**
 * Per-question outcomes of one set: the default's answers beside the same configuration's without a
 * threshold.
 */
export function questionDetails(
  set: string,
  questions: readonly EvalQuestion[],
  answers: readonly EvalAnswer[],
  unthresholded: readonly EvalAnswer[],
): QuestionDetail[] {
  return questions.map((q, i) => {
    const first = answers[i]?.quotes[0];
    const best = unthresholded[i]?.quotes[0];
    const answerable = q.kind !== 'unanswerable';
    return {
      set,
      id: q.id,
      kind: q.kind,
      q: q.q,
      found: answers[i]?.found ?? false,
      right: answerable && Boolean(first && quoteAnswers(q, first)),
      confidence: best?.score ?? 0,
      rankedRight: answerable && Boolean(best && quoteAnswers(q, best)),
      best: best?.text ?? '',
      file: best?.source.file ?? null,
    };
  });
}

/**
 * How well the confidence tells a right answer from an unanswerable question, whatever the
 * threshold: the chance that a right answer (an answerable German question whose best sentence
 * without a threshold holds a gold phrase) scores above an unanswerable question (ties count
 * half), i.e. the area under the ROC curve. 0.5: no threshold can separate them; 1: some
 * threshold separates them perfectly. null without both kinds.
 */
export function separation(
  details: readonly QuestionDetail[],
): { auc: number; right: number; unanswerable: number } | null {
  const right = details
    .filter((d) => d.kind !== 'unanswerable' && d.kind !== 'crosslingual' && d.rankedRight)
    .map((d) => d.confidence);
  const unanswerable = details.filter((d) => d.kind === 'unanswerable').map((d) => d.confidence);
  if (right.length === 0 || unanswerable.length === 0) return null;
  let wins = 0;
  for (const r of right) for (const u of unanswerable) wins += r > u ? 1 : r === u ? 0.5 : 0;
  return {
    auc: wins / (right.length * unanswerable.length),
    right: right.length,
    unanswerable: unanswerable.length,
  };
}

/**
 * 95 % Wilson score interval of a rate k/n: how far a rate measured on n questions may be from
 * the rate on questions like them. On 22 answerable questions, 55 % means anything from 35 to
 * 73 %; that is why single 30-question sets disagree by ±15 points.
 */
export function wilsonInterval(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * The baseline: BM25 (k1 = 1.2, b = 0.75) over the stemmed sentences of all articles; the top
 * sentences are the quotes; it abstains only when no sentence shares a word with the question.
 */
export function bm25SentenceBaseline(
  articles: readonly Article[],
): (question: string) => EvalAnswer {
  const docs: Array<{ file: string; text: string; terms: Map<string, number>; length: number }> =
    [];
  for (const a of articles) {
    for (const s of splitSentences(a.text)) {
      const text = a.text.slice(s.start, s.end);
      const terms = new Map<string, number>();
      const toks = tokenize(text).map((t) => stem(t.text));
      for (const t of toks) terms.set(t, (terms.get(t) ?? 0) + 1);
      docs.push({ file: a.file, text, terms, length: toks.length });
    }
  }
  const avg = docs.reduce((n, d) => n + d.length, 0) / Math.max(1, docs.length);
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.terms.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  return (question) => {
    const q = contentStems(question);
    const scored: Array<{ doc: (typeof docs)[number]; score: number }> = [];
    for (const d of docs) {
      let s = 0;
      for (const t of q) {
        const tf = d.terms.get(t) ?? 0;
        if (!tf) continue;
        const n = df.get(t) ?? 0;
        const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
        s += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.length) / avg));
      }
      if (s > 0) scored.push({ doc: d, score: s });
    }
    // The three best sentences, as quote@3 needs (the first is the answer).
    const top = scored.sort((a, b) => b.score - a.score).slice(0, 3);
    return top.length
      ? {
          found: true,
          quotes: top.map(({ doc }) => ({ text: doc.text, source: { file: doc.file } })),
        }
      : { found: false, quotes: [] };
  };
}

/** The median of some numbers (the mean of the middle two for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
