/**
 * Evaluation of reader questions and forwarded claims (../shared/eval/reader-dev/README.md): the
 * wrong-answer rate first (a first quote that does not answer, and any quote on a question the
 * archive cannot answer), then quote@1, abstention, and how well the confidence separates right
 * from wrong first quotes. Claims: the verdicts against gold, false `differs` and `matches`.
 */
import { readFileSync } from 'node:fs';
import type { ClaimCheck, Verdict } from './claims.js';
import { type EvalAnswer, type EvalQuestion, quoteAnswers } from './evaluate.js';

export interface ReaderReport {
  questions: number;
  /** Questions whose first quote does not answer; every answered unanswerable one counts. */
  wrong: number;
  /** Questions answered (not abstained). */
  answered: number;
  /** Questions whose first quote answers. */
  right: number;
  /** German answerable questions (kind `reader`). */
  german: { questions: number; quoteAt1: number; falseAbstentions: number };
  /** English questions about German articles (kind `crosslingual`). */
  english: { questions: number; quoteAt1: number; falseAbstentions: number };
  unanswerable: { questions: number; turnedAway: number };
  failures: Array<{ id: string; kind: string; q: string; got: string; confidence: number }>;
}

const answerable = (q: EvalQuestion) => q.kind !== 'unanswerable';

/** Does the first quote answer (only answerable questions can be answered right). */
export function firstQuoteRight(q: EvalQuestion, a: EvalAnswer | undefined): boolean {
  const first = a?.found ? a.quotes[0] : undefined;
  return answerable(q) && Boolean(first && quoteAnswers(q, first));
}

export function scoreReader(
  questions: readonly EvalQuestion[],
  answers: readonly EvalAnswer[],
): ReaderReport {
  const report: ReaderReport = {
    questions: questions.length,
    wrong: 0,
    answered: 0,
    right: 0,
    german: { questions: 0, quoteAt1: 0, falseAbstentions: 0 },
    english: { questions: 0, quoteAt1: 0, falseAbstentions: 0 },
    unanswerable: { questions: 0, turnedAway: 0 },
    failures: [],
  };
  questions.forEach((q, i) => {
    const a = answers[i];
    const found = Boolean(a?.found && a.quotes.length > 0);
    const right = firstQuoteRight(q, a);
    if (found) report.answered++;
    if (right) report.right++;
    if (found && !right) report.wrong++;
    if (q.kind === 'unanswerable') {
      report.unanswerable.questions++;
      if (!found) report.unanswerable.turnedAway++;
    } else {
      const group = q.kind === 'crosslingual' ? report.english : report.german;
      group.questions++;
      if (right) group.quoteAt1++;
      if (!found) group.falseAbstentions++;
    }
    if (found ? !right : answerable(q))
      report.failures.push({
        id: q.id,
        kind: q.kind,
        q: q.q,
        got: found ? (a?.quotes[0]?.text ?? '').slice(0, 110) : '(abstained)',
        confidence: a?.quotes[0]?.score ?? 0,
      });
  });
  return report;
}

/**
 * How well the confidence separates right first quotes from wrong ones, whatever the threshold:
 * the chance that a right answer scores above a wrong one (ties half), over answers made without
 * a threshold (an answer that abstains anyway counts with confidence 0). Wrong: an answerable
 * question's first quote that does not answer, and every unanswerable question. null without
 * both.
 */
export function rightWrongSeparation(
  questions: readonly EvalQuestion[],
  unthresholded: readonly EvalAnswer[],
): { auc: number; right: number; wrong: number } | null {
  const right: number[] = [];
  const wrong: number[] = [];
  questions.forEach((q, i) => {
    const a = unthresholded[i];
    const confidence = a?.found ? (a.quotes[0]?.score ?? 0) : 0;
    (firstQuoteRight(q, a) ? right : wrong).push(confidence);
  });
  if (right.length === 0 || wrong.length === 0) return null;
  let wins = 0;
  for (const r of right) for (const w of wrong) wins += r > w ? 1 : r === w ? 0.5 : 0;
  return { auc: wins / (right.length * wrong.length), right: right.length, wrong: wrong.length };
}

/**
 * What other thresholds would give, from answers made without one (an answer whose first quote
 * scores below t abstains): the wrong-answer rate, German quote@1, unanswerable turned away and
 * precision at each. The threshold is chosen from this by precision (docs/quality.md).
 */
export function readerSweep(
  questions: readonly EvalQuestion[],
  unthresholded: readonly EvalAnswer[],
  thresholds: readonly number[],
): Array<{ threshold: number; report: ReaderReport }> {
  return thresholds.map((threshold) => ({
    threshold,
    report: scoreReader(
      questions,
      unthresholded.map((a) =>
        a.found && (a.quotes[0]?.score ?? 0) >= threshold ? a : { found: false, quotes: [] },
      ),
    ),
  }));
}

/** A forwarded claim with its gold verdict (reader-dev/claims.jsonl). */
export interface ClaimCase {
  id: string;
  text: string;
  verdict: Verdict;
  src: string[];
  note?: string;
}

export function loadClaims(file: string): ClaimCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const c = JSON.parse(l) as Partial<ClaimCase>;
      if (
        typeof c.text !== 'string' ||
        !['matches', 'differs', 'not_found'].includes(c.verdict ?? '')
      )
        throw new Error(`${file}:${i + 1}: a claim needs "text" and a verdict`);
      return c as ClaimCase;
    });
}

/**
 * One verdict for a whole forwarded text, as a reader would read the reply: a statement found to
 * differ decides it, then one that matches; otherwise (nothing checked, nothing found) not_found.
 */
export function overallVerdict(check: ClaimCheck): Verdict {
  const verdicts = check.claims.map((c) => c.verdict);
  if (verdicts.includes('differs')) return 'differs';
  if (verdicts.includes('matches')) return 'matches';
  return 'not_found';
}

export interface ClaimReport {
  claims: number;
  right: number;
  /** Said `differs` where gold says otherwise: the reply that embarrasses a newsroom. */
  falseDiffers: number;
  falseMatches: number;
  /** gold → given → count. */
  confusion: Record<Verdict, Record<Verdict, number>>;
  failures: Array<{ id: string; text: string; gold: Verdict; got: Verdict }>;
}

export function scoreClaims(
  cases: readonly ClaimCase[],
  verdicts: readonly Verdict[],
): ClaimReport {
  const row = () => ({ matches: 0, differs: 0, not_found: 0 });
  const report: ClaimReport = {
    claims: cases.length,
    right: 0,
    falseDiffers: 0,
    falseMatches: 0,
    confusion: { matches: row(), differs: row(), not_found: row() },
    failures: [],
  };
  cases.forEach((c, i) => {
    const got = verdicts[i] ?? 'not_found';
    report.confusion[c.verdict][got]++;
    if (got === c.verdict) report.right++;
    else {
      if (got === 'differs') report.falseDiffers++;
      if (got === 'matches') report.falseMatches++;
      report.failures.push({ id: c.id, text: c.text, gold: c.verdict, got });
    }
  });
  return report;
}
