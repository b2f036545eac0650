/**
 * Quote windows: a sentence widened to what a reader needs (the sentence a pointer refers back
 * to, a quotation's other half, a neighbour that scores close to it).
 */
import type { LoadedIndex } from '../index/store.js';
import type { Candidate } from './candidates.js';
import type { AnswerSettings } from './settings.js';
import { statesByReference } from './stateCheck.js';

const ANAPHORIC_START =
  /^["„“»]?(?:Das|Dies|Diese|Dieser|Dieses|Er|Sie|Es|Dort|Dabei|Dazu|Damit|Deshalb|Deswegen|Daher|Darum|Denn|Doch|Aber|Und|Allerdings|Außerdem|Zudem|Gleichzeitig|Beide|Ihr|Ihre|Sein|Seine|Demnach|Dennoch|Trotzdem|This|That|It|He|She|They|But|And)\b/u;

const QUOTE_CHARS = /["„“”»«]/g;

/**
 * Widen a sentence to what a reader needs: the previous sentence when it starts with a pointer
 * back ("Beide Länder …", "Das …"), speaks of states only by reference ("Gegen beide Länder
 * hatte die UN …": which two?) or closes a quotation opened before; the next one when it opens a
 * quotation that continues. Only neighbours in the same paragraph, only whole sentences.
 */
export function quoteRange(
  index: LoadedIndex,
  c: Candidate,
  byId: ReadonlyMap<number, Candidate>,
  window: Pick<AnswerSettings, 'windowRatio' | 'windowChars'>,
): [number, number] {
  const s = c.sentence;
  const text = c.article.text;
  const own = text.slice(s.start, s.end);
  const around = index.store
    .sentencesOf(c.article.row, s.id - 1, s.id + 1)
    .filter((x) => x.paragraph === s.paragraph && !x.heading);
  const prev = around.find((x) => x.id === s.id - 1);
  const next = around.find((x) => x.id === s.id + 1);
  let start = s.start;
  let end = s.end;
  const oddQuotes = (own.match(QUOTE_CHARS) ?? []).length % 2 === 1;
  const opensQuote = oddQuotes && /^["„“»]/.test(own);
  if (
    prev &&
    ((oddQuotes && !opensQuote) ||
      ANAPHORIC_START.test(own) ||
      statesByReference(c) > 0 ||
      own.length < 50) &&
    s.end - prev.start <= 600
  )
    start = prev.start;
  if (next && opensQuote && next.end - start <= 700) end = next.end;
  // The window: neighbours that score close to the sentence, the better one first.
  const scored = [prev, next]
    .map((x) => (x ? byId.get(x.id) : undefined))
    .filter((x): x is Candidate => x !== undefined && x.ownScore >= window.windowRatio * c.ownScore)
    .sort((a, b) => b.score - a.score);
  for (const x of scored) {
    const [from, to] = [Math.min(start, x.sentence.start), Math.max(end, x.sentence.end)];
    if (to - from <= window.windowChars) [start, end] = [from, to];
  }
  return [start, end];
}

/** Longest quote a window widened to hold the answer may become, in characters. */
const ANSWER_WINDOW_CHARS = 700;

/**
 * A window that lacks the kind of answer asked for, widened by the next sentence of its paragraph
 * when that one holds it and names nobody new: the sentence that matches a question's words often
 * only names the subject, and the amount or the date follows ("Für eine komplette Erdumrundung
 * braucht sie … etwas mehr als 90 Minuten."). A next sentence that brings a name of its own
 * ("Das war eines mehr, als Philippoussis …") is about someone else. The range unchanged otherwise.
 */
export function widenToAnswer(
  index: LoadedIndex,
  c: Candidate,
  range: [number, number],
  holds: (text: string) => boolean,
  isNewName: (word: string) => boolean,
): [number, number] {
  const text = c.article.text;
  if (holds(text.slice(range[0], range[1]))) return range;
  const s = c.sentence;
  const next = index.store
    .sentencesOf(c.article.row, s.id + 1, s.id + 3)
    .find((x) => x.paragraph === s.paragraph && !x.heading && x.start >= range[1]);
  if (!next || next.end - range[0] > ANSWER_WINDOW_CHARS) return range;
  const added = text.slice(next.start, next.end);
  if (!holds(added)) return range;
  const names = [...added.matchAll(/(?<=\s)\p{Lu}[\p{L}-]+/gu)].map((m) => m[0]);
  return names.some(isNewName) ? range : [range[0], next.end];
}
