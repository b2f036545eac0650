/**
 * Newest figure first: when two dated articles give different numbers for the same counted thing,
 * both are quoted, newest first.
 */
import type { QuestionTerm } from '../text.js';
import type { Candidate } from './candidates.js';
import { figuresIn } from './figures.js';
import type { AnswerSettings } from './settings.js';

export type Picked = { c: Candidate; range: [number, number] };

/**
 * When a picked quote gives a figure for a thing the question names ("Wie viele Panzer …" →
 * "4.313 Panzer") and another dated article of another date gives a different number for it in
 * a sentence that answers the question too (clears the threshold, not about other states, misses
 * the same of the question's names and nouns), both are shown, the pair newest first, then the
 * other quotes. Null when there is no such pair.
 */
export function changedFigures(
  picked: readonly Picked[],
  candidates: readonly Candidate[],
  terms: readonly QuestionTerm[],
  settings: AnswerSettings,
  range: (c: Candidate) => [number, number],
): Picked[] | null {
  const asked = new Set(terms.map((t) => t.stem));
  const salient = new Set(terms.filter((t) => t.salient).map((t) => t.stem));
  const figuresOf = (text: string) => figuresIn(text).filter((f) => asked.has(f.noun));
  // The question's names and nouns a sentence misses: two sentences are about the same subject
  // when they miss the same ones ("Bundeswehr … 300 Panzer" is not about Russia's tanks).
  const missed = (c: Candidate) => c.unmatched.filter((s) => salient.has(s)).sort();
  const missing = (c: Candidate) => missed(c).join(' ');
  const shown = picked
    .filter((p) => figuresOf(shownText(p)).length > 0)
    .sort((a, b) => missed(a.c).length - missed(b.c).length);
  const first = shown[0];
  if (!first) return null;
  const nouns = new Map(figuresOf(shownText(first)).map((f) => [f.noun, f.value]));
  const differs = (text: string) =>
    figuresOf(text).some((f) => nouns.has(f.noun) && nouns.get(f.noun) !== f.value);
  const related = (x: Candidate) =>
    x.article.row !== first.c.article.row &&
    x.article.meta.date !== undefined &&
    x.article.meta.date !== first.c.article.meta.date &&
    !x.otherStates &&
    missing(x) === missing(first.c);
  let other = picked.find((p) => related(p.c) && differs(shownText(p)));
  if (!other) {
    for (const x of candidates) {
      if (x.confidence < settings.minScore) break;
      if (!related(x) || !differs(x.article.text.slice(x.sentence.start, x.sentence.end))) continue;
      other = { c: x, range: range(x) };
      break;
    }
  }
  if (!other || !first.c.article.meta.date) return null;
  const pair = [first, other].sort((a, b) =>
    (b.c.article.meta.date ?? '').localeCompare(a.c.article.meta.date ?? ''),
  );
  const rest = picked
    .filter((p) => p !== first && p !== other)
    .slice(0, Math.max(0, settings.maxQuotes - 2));
  return [...pair, ...rest];
}

/** The text a picked quote shows. */
function shownText(p: Picked): string {
  return p.c.article.text.slice(p.range[0], p.range[1]);
}
