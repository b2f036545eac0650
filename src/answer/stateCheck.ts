/**
 * The state check: a sentence about other states than the one a question asks about ("Wie viele
 * Panzer hat Nordkorea?" → Russia's losses) loses evidence, also when it names them only by
 * reference ("beide Länder", "das Land").
 */
import type { StoredSentence } from '../index/db.js';
import type { LoadedIndex } from '../index/store.js';
import { type Candidate, sentenceTokens, statesOf } from './candidates.js';
import { statesIn } from './states.js';

/** Share of the word coverage lost by a sentence about other states than the question's. */
export const STATE_PENALTY = 0.5;

/**
 * Sentences on either side (same paragraph) where a state the question names may stand instead:
 * "So meldete Generalstab der ukrainischen Streitkräfte …" two sentences before the list of
 * Russia's losses makes the list an answer to "Wie viele Drohnen hat die Ukraine zerstört?".
 * One sentence was measured to turn away one answerable question more; four changed nothing.
 */
const STATE_CONTEXT = 2;

/**
 * A sentence that names no state but speaks of two ("Gegen *beide Länder* hatte die UN scharfe
 * Sanktionen verhängt.") or of one ("die Armee *des Landes*"): it means states the sentences
 * around it name.
 */
const TWO_STATES_BY_REFERENCE = /\bbeiden?\s+(?:Länder|Ländern|Staaten|Seiten)\b/iu;

const ONE_STATE_BY_REFERENCE = /\b(?:das|des|dem)\s+(?:Land|Landes|Lande|Staat|Staates)\b/iu;

/**
 * How many states a sentence that names none speaks of by reference (2, 1); 0 when it names one or
 * does not.
 */
export function statesByReference(c: Candidate): number {
  if (statesOf(c).size > 0) return 0;
  const text = c.article.text.slice(c.sentence.start, c.sentence.end);
  return TWO_STATES_BY_REFERENCE.test(text) ? 2 : ONE_STATE_BY_REFERENCE.test(text) ? 1 : 0;
}

/**
 * The sentence names states, and a state the question asks about is neither among them nor in
 * the sentences around it: it answers about another country ("Wie viele Panzer hat Nordkorea?" →
 * "… habe Russland 4.313 Panzer … verloren"). A sentence that names no state may still speak of
 * states by reference: "beide Länder" are the states the sentences around it name when they name
 * at least two ("Sowohl Russland als auch Nordkorea … Gegen beide Länder …"; with one named, the
 * other may be meant by a person, "Kim sicherte Russland … zu. Beide Länder …"), "das Land" when
 * they name at least one. A sentence that does neither is left alone. `around` reads the store,
 * so it is called only for a sentence that lacks a state the question asks about.
 */
export function aboutOtherStates(
  asked: ReadonlySet<string>,
  c: Candidate,
  around: () => Set<string>,
): boolean {
  const named = statesOf(c);
  if (named.size === 0) {
    const referred = statesByReference(c);
    if (referred === 0) return false;
    const near = around();
    return near.size >= referred && [...asked].some((s) => !near.has(s));
  }
  const missing = [...asked].filter((s) => !named.has(s));
  if (missing.length === 0) return false;
  const near = around();
  return missing.some((s) => !near.has(s));
}

/**
 * The states named in the sentences up to STATE_CONTEXT before or after a candidate, in its
 * paragraph. Reads the sentences around an article's candidates once per question (one query per
 * run of nearby candidates, so a long article is not read whole), and works out each sentence's
 * states once; a neighbour that is itself a candidate (`byId`) already knows its states.
 */
export function statesAround(
  index: LoadedIndex,
  candidates: readonly Candidate[],
  byId: ReadonlyMap<number, Candidate>,
): (c: Candidate) => Set<string> {
  const stretches = new Map<number, StoredSentence[]>();
  const named = new Map<number, Set<string>>();
  return (c) => {
    let stretch = stretches.get(c.article.row);
    if (!stretch) {
      const ids = candidates
        .filter((x) => x.article.row === c.article.row)
        .map((x) => x.sentence.id)
        .sort((a, b) => a - b);
      stretch = [];
      for (let i = 0; i < ids.length;) {
        let j = i;
        while (j + 1 < ids.length && (ids[j + 1] ?? 0) - (ids[j] ?? 0) <= 2 * STATE_CONTEXT + 1)
          j++;
        stretch.push(
          ...index.store.sentencesOf(
            c.article.row,
            (ids[i] ?? 0) - STATE_CONTEXT,
            (ids[j] ?? 0) + STATE_CONTEXT,
          ),
        );
        i = j + 1;
      }
      stretches.set(c.article.row, stretch);
    }
    const found = new Set<string>();
    for (const x of stretch) {
      if (
        x.id === c.sentence.id ||
        Math.abs(x.id - c.sentence.id) > STATE_CONTEXT ||
        x.paragraph !== c.sentence.paragraph
      )
        continue;
      const candidate = byId.get(x.id);
      let states = candidate ? statesOf(candidate) : named.get(x.id);
      if (!states) named.set(x.id, (states = statesIn(sentenceTokens(c.article.text, x))));
      for (const state of states) found.add(state);
    }
    return found;
  };
}
