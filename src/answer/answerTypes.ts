/**
 * Answer types: what kind of answer a question asks for, read from its question words (German and
 * English), and whether a sentence holds that kind of thing. A "wie viele"/"wie groß" question
 * wants a number, a "wann" question a date or a time word. These are properties of the language,
 * not of one corpus, measured on the GermanQuAD dev set and the seed sets, each with the news
 * archive beside it (docs/quality.md, "Answer types"; "warum" wanting a causal word and "wo" a
 * place name after a preposition were measured too and cost more than they gained).
 */
import type { Token } from '../text.js';

export type AnswerType = 'count' | 'time' | null;

const COUNT =
  /(?<![\p{L}])(wie\s*viele?[nmrs]?|wieviele?[nmrs]?|wie\s+(?:groß|gross|lang|lange|hoch|alt|oft|weit|schwer|teuer|breit|tief|schnell|stark|viel|hohe?[nmrs]?|große?[nmrs]?)|how\s+(?:many|much|long|big|large|old|often|far|high|tall|heavy))(?![\p{L}])/iu;
const TIME =
  /^\s*(?:(?:seit|bis|ab|um|and|since|until)\s+)?(?:wann|when)(?![\p{L}])|(?<![\p{L}])(?:in|im|an|seit|bis|ab|um|aus|zu)\s+welche[mnrs]?\s+(?:jahr|jahren|jahrhundert|jahrzehnt|monat|tag|zeit|zeitraum|datum|epoche)(?![\p{L}])|(?<![\p{L}])welche[mnrs]?\s+(?:jahr|jahrhundert|datum)(?![\p{L}])|(?<![\p{L}])what\s+year(?![\p{L}])/iu;

/**
 * What kind of answer the question asks for, from its question words; null when it does not say.
 */
export function expectedAnswer(question: string): AnswerType {
  if (TIME.test(question)) return 'time';
  if (COUNT.test(question)) return 'count';
  return null;
}

export const NUMBER_WORD =
  /^(ein|eine|einen|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|\p{L}+zig|\p{L}*hundert|\p{L}*tausend|million\p{L}*|milliard\p{L}*|dutzend\p{L}*|\p{L}+mal|hälfte|drittel|viertel|einmal|zweimal|doppelt\p{L}*)$/u;
const MONTH_OR_DAY =
  /^(januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|\p{L}*(nachmittag|vormittag|morgen|abend)|january|february|march|june|july|october|december)$/u;
const TIME_WORD =
  /^(jahr|jahre|jahren|jahres|jahrhundert\p{L}*|jahrzehnt\p{L}*|monat|monate|monaten|woche|wochen|tag|tage|tagen|zeit|seit|damals|heute|gestern|jüngst|zuvor|bislang|bereits|inzwischen|vergangen\p{L}*|letzt\p{L}*|nächst\p{L}*|frühjahr|sommer|herbst|winter|anfang|ende|mitte|beginn|zunächst|später|früher|bald|danach|nachdem|bevor|während)$/u;

const isNumber = (t: Token) => /^\p{N}/u.test(t.text);
const isYear = (t: Token) => /^\d{3,4}$/u.test(t.text);

/**
 * How well a sentence holds the expected kind of answer: 1 when it holds it especially plainly
 * (a number right before a word the question asks about, a month or year), 0 when it holds it,
 * -1 when it holds nothing of the kind. `tokens` are the sentence's words as tokenize gives them
 * (lower case), `stems` their stems, `wanted` the stems of the question's salient words.
 */
export function typeEvidence(
  type: AnswerType,
  tokens: readonly Token[],
  stems: readonly string[],
  wanted: ReadonlySet<string>,
): -1 | 0 | 1 {
  switch (type) {
    case 'count':
      if (tokens.some((t, i) => isNumber(t) && [1, 2].some((k) => wanted.has(stems[i + k] ?? ''))))
        return 1;
      return tokens.some((t) => isNumber(t) || NUMBER_WORD.test(t.text)) ? 0 : -1;
    case 'time':
      if (tokens.some((t) => MONTH_OR_DAY.test(t.text) || isYear(t))) return 1;
      return tokens.some((t) => isNumber(t) || TIME_WORD.test(t.text)) ? 0 : -1;
    default:
      return 0;
  }
}
