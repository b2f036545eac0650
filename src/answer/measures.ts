/**
 * Measures in a text, for comparing a claim's figures with the articles': a number (digits, or a
 * number word: "fünf Milliarden") and what it measures: a currency, per cent, a span of time (a run
 * like "3 Tage, 14 Stunden, 44 Minuten" is one span), a length, a rank ("Platz 149"), or the noun it
 * counts ("88.175 Erstanträge"). Two measures compare when they measure the same thing: the same
 * currency, both per cent, both time, or the same counted noun (also a compound's head, or a
 * synonym: Jobs ~ Arbeitsplätze).
 */
import { numberValue } from './figures.js';
import { stem } from '../text.js';

export type MeasureKind = 'money' | 'percent' | 'time' | 'length' | 'rank' | 'count';

export interface Measure {
  readonly value: number;
  readonly kind: MeasureKind;
  /** The currency, the length unit, or the counted noun's stem; '' for per cent, time and rank. */
  readonly unit: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Said loosely: "über", "fast", "rund", or a round number ("88.000", "fünf Milliarden"). */
  readonly approximate: boolean;
  /** Where the number (with its scale word) ends and its unit begins. */
  readonly numberEnd: number;
}

const WORDS: Record<string, number> = {
  ein: 1,
  eine: 1,
  einen: 1,
  zwei: 2,
  drei: 3,
  vier: 4,
  fünf: 5,
  sechs: 6,
  sieben: 7,
  acht: 8,
  neun: 9,
  zehn: 10,
  elf: 11,
  zwölf: 12,
  zwanzig: 20,
  dreißig: 30,
  vierzig: 40,
  fünfzig: 50,
  hundert: 100,
  tausend: 1000,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  twenty: 20,
  hundred: 100,
};
const SCALES: Record<string, number> = {
  tausend: 1e3,
  tsd: 1e3,
  thousand: 1e3,
  million: 1e6,
  millionen: 1e6,
  mio: 1e6,
  milliarde: 1e9,
  milliarden: 1e9,
  mrd: 1e9,
  billion: 1e9,
  billionen: 1e12,
};
const CURRENCIES: Record<string, string> = {
  euro: 'euro',
  eur: 'euro',
  '€': 'euro',
  dollar: 'dollar',
  'us-dollar': 'dollar',
  $: 'dollar',
  pfund: 'pfund',
  franken: 'franken',
  chf: 'franken',
  rubel: 'rubel',
  yen: 'yen',
  yuan: 'yuan',
};
const TIME_UNITS: Record<string, number> = {
  sekunde: 1 / 60,
  sekunden: 1 / 60,
  minute: 1,
  minuten: 1,
  stunde: 60,
  stunden: 60,
  std: 60,
  tag: 1440,
  tage: 1440,
  tagen: 1440,
  woche: 10080,
  wochen: 10080,
  monat: 43800,
  monate: 43800,
  monaten: 43800,
  jahr: 525600,
  jahre: 525600,
  jahren: 525600,
};
const LENGTH_UNITS: Record<string, number> = {
  kilometer: 1000,
  kilometern: 1000,
  km: 1000,
  meter: 1,
  metern: 1,
  m: 1,
  zentimeter: 0.01,
  cm: 0.01,
};
const HEDGE =
  /(?:über|mehr\s+als|fast|knapp|rund|etwa|circa|ca\.|beinahe|nahezu|gut|mindestens|höchstens|bis\s+zu|an\s+die|über\s+die|more\s+than|over|almost|nearly|about|around|roughly)\s*$/iu;

const NUMBER_RE = new RegExp(
  `(?<![\\p{L}\\p{N}.,])(\\d{1,3}(?:[.,\\u202f]\\d{3})+(?:,\\d+)?|\\d+(?:[.,]\\d+)?|${Object.keys(WORDS).join('|')})(?:\\s+(${Object.keys(SCALES).join('|')})\\.?)?(?![\\p{L}\\p{N}])`,
  'giu',
);

/** The measures of a text, in order. */
export function measuresIn(text: string): Measure[] {
  const out: Measure[] = [];
  let taken = 0; // the end of the last measure: a number inside it is part of it
  for (const m of text.matchAll(NUMBER_RE)) {
    if (m.index < taken) continue;
    const raw = m[1] ?? '';
    const base = /^\d/u.test(raw) ? numberValue(raw) : (WORDS[raw.toLowerCase()] ?? Number.NaN);
    const scale = SCALES[(m[2] ?? '').toLowerCase()] ?? 1;
    const value = base * scale;
    if (!Number.isFinite(value)) continue;
    const start = m.index;
    const numberEnd = m.index + m[0].length;
    const rest = text.slice(numberEnd, numberEnd + 60);
    const before = text.slice(Math.max(0, start - 16), start);
    const round = scale > 1 || /0{2,}$/u.test(raw.replace(/[.,\u202f]/gu, '')) || !/^\d/u.test(raw);
    const add = (kind: MeasureKind, unit: string, amount: number, end: number, from = start) => {
      const approximate = kind !== 'rank' && (HEDGE.test(before) || round);
      out.push({
        value: amount,
        kind,
        unit,
        text: text.slice(from, end),
        start,
        end,
        approximate,
        numberEnd,
      });
      taken = end;
    };
    // A rank: "Platz 149", "Rang 2" before the number, or "3. Platz" after it.
    const rankBefore = /(?:platz|rang|position)\s*$/iu.exec(before);
    if (rankBefore || /^\.\s*(?:platz|rang)/iu.test(rest)) {
      add('rank', '', value, numberEnd, start - (rankBefore?.[0].length ?? 0));
      continue;
    }
    // "zum 100.000. Mal": a count of times
    const times = /^\.\s*Mal(?![\p{L}])/u.exec(rest);
    if (times) {
      add('count', 'mal', value, numberEnd + times[0].length);
      continue;
    }
    // an ordinal, a date's day, or a year
    if (/^\.\s*\p{L}/u.test(rest) || (scale === 1 && /^(?:1[5-9]|20)\d\d$/u.test(raw))) continue;
    const unitMatch = /^\s*(%|€|\$|[\p{L}-]+)/u.exec(rest);
    const unitWord = (unitMatch?.[1] ?? '').toLowerCase();
    const unitEnd = numberEnd + unitLength(unitMatch);
    const currency = CURRENCIES[unitWord];
    if (currency) add('money', currency, value, unitEnd);
    else if (unitWord === '%' || /^prozent/u.test(unitWord) || unitWord === 'percent')
      add('percent', '', value, unitEnd);
    else if (TIME_UNITS[unitWord] !== undefined) {
      // "3 Tage, 14 Stunden und 44 Minuten": one span.
      let total = value * (TIME_UNITS[unitWord] ?? 0);
      let end = unitEnd;
      for (;;) {
        const more = /^(?:,\s*|\s+und\s+|\s+)(\d+)\s+(\p{L}+)/u.exec(text.slice(end));
        const unit = more ? TIME_UNITS[(more[2] ?? '').toLowerCase()] : undefined;
        if (!more || unit === undefined) break;
        total += Number(more[1]) * unit;
        end += more[0].length;
      }
      add('time', '', total, end);
    } else if (LENGTH_UNITS[unitWord] !== undefined)
      add('length', '', value * (LENGTH_UNITS[unitWord] ?? 1), unitEnd);
    else {
      // "119 von 350 Mandaten": the first number counts the noun too (the second is read next).
      const partOf =
        /^\s+von\s+\d[\d.,]*\s+((?:\p{Ll}[\p{L}-]*\s+){0,2})(\p{Lu}[\p{L}-]{2,})/u.exec(rest);
      if (partOf?.[2]) {
        add('count', stem(partOf[2].toLowerCase()), value, numberEnd + partOf[0].length);
        taken = numberEnd;
        continue;
      }
      // A counted noun: the next capitalized word after up to two lower-case ones.
      const noun = /^\s+((?:\p{Ll}[\p{L}-]*\s+){0,2})(\p{Lu}[\p{L}-]{2,})/u.exec(rest);
      if (noun?.[2]) add('count', stem(noun[2].toLowerCase()), value, numberEnd + noun[0].length);
    }
  }
  return out;
}

/**
 * Whether two measures measure the same thing; `related` says whether two counted nouns are
 * synonyms.
 */
export function comparable(
  a: Measure,
  b: Measure,
  related: (x: string, y: string) => boolean,
): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'count' && a.kind !== 'money') return true;
  if (a.unit === b.unit) return true;
  if (a.kind === 'money') return false;
  const [short, long] = a.unit.length <= b.unit.length ? [a.unit, b.unit] : [b.unit, a.unit];
  // A compound's head: Asyl-Erstanträge ~ Erstanträge, Gewalttaten ~ Taten.
  if (short.length >= 4 && long.endsWith(short)) return true;
  return related(a.unit, b.unit);
}

/** The same value, within what a loosely said or round figure allows (10 %). */
export function sameValue(claim: Measure, article: Measure): boolean {
  const scale = Math.max(Math.abs(claim.value), Math.abs(article.value), 1e-9);
  const diff = Math.abs(claim.value - article.value) / scale;
  return diff < 0.005 || (claim.approximate && diff <= 0.1);
}

/** Abbreviated units whose full stop belongs to them. */
const ABBREVIATIONS = new Set(['std', 'mio', 'mrd', 'tsd', 'chf', 'eur']);

function unitLength(unit: RegExpExecArray | null): number {
  if (!unit) return 0;
  const word = (unit[1] ?? '').toLowerCase();
  const dot = ABBREVIATIONS.has(word) && unit.input.charAt(unit[0].length) === '.' ? 1 : 0;
  return unit[0].length + dot;
}
