/**
 * Figures in a text: a number and the thing it counts ("4.313 Panzer", "8.370 gepanzerte
 * Fahrzeuge", "1,5 Millionen Menschen", "10.000 tanks"), the counted noun by its stem so that
 * "Panzer" and "Panzern" compare. Used to see that two articles give different numbers for the
 * same thing, and by the claim check to compare a claim's numbers with the articles'.
 */
import { stem } from '../text.js';

export interface Figure {
  /** The number's value ("4.313" → 4313, "1,5 Millionen" → 1500000). */
  readonly value: number;
  /** As written, number to noun: "4.313 Panzer". */
  readonly text: string;
  /** Stem of the counted noun. */
  readonly noun: string;
  readonly start: number;
  readonly end: number;
}

const SCALE: Record<string, number> = {
  tausend: 1e3,
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

// A number, an optional scale word, then the counted noun: in German the next capitalized word,
// after up to two lower-case ones ("8.370 gepanzerte Fahrzeuge"); in English the next word.
const NUMBER = '(?<![\\p{L}\\p{N}.,])(\\d{1,3}(?:[.,\\u202f ]\\d{3})+|\\d+(?:[.,]\\d+)?)';
const SCALE_WORD =
  '(?:\\s+([Tt]ausend|[Tt]housand|[Mm]illionen|[Mm]illion|[Mm]io\\.?|[Mm]illiarden|[Mm]illiarde|[Mm]rd\\.?|[Bb]illionen|[Bb]illion))?';
const FIGURE_DE = new RegExp(
  `${NUMBER}${SCALE_WORD}\\s+((?:\\p{Ll}[\\p{L}-]*\\s+){0,2})(\\p{Lu}[\\p{L}-]{2,})`,
  'gu',
);
const FIGURE_EN = new RegExp(`${NUMBER}${SCALE_WORD}\\s+()(\\p{L}[\\p{L}-]{2,})`, 'gu');

const NOT_NOUNS = new Set([
  'and',
  'und',
  'oder',
  'or',
  'der',
  'die',
  'das',
  'the',
  'bis',
  'to',
  'von',
  'of',
  'in',
  'im',
  'am',
  'mal',
  'prozent',
  'percent',
  'jahre',
  'jahren',
  'years',
  'uhr',
]);

/**
 * Parse a number as German or English writes it: "4.313" and "4,313" are thousands, "1,5" and "1.5"
 * decimals.
 */
export function numberValue(raw: string): number {
  const compact = raw.replace(/[\u202f ]/g, '');
  if (/^\d{1,3}(?:[.,]\d{3})+$/.test(compact)) return Number(compact.replace(/[.,]/g, ''));
  return Number(compact.replace(',', '.'));
}

const ENGLISH = /\b(?:the|and|of|has|have|had|lost|were|was)\b/i;
const GERMAN = /\b(?:der|die|das|und|hat|haben|habe|ist|sind|wurde|nach)\b/i;

export function figuresIn(text: string): Figure[] {
  const english = ENGLISH.test(text) && !GERMAN.test(text);
  const out: Figure[] = [];
  for (const m of text.matchAll(english ? FIGURE_EN : FIGURE_DE)) {
    const noun = m[4] ?? '';
    if (NOT_NOUNS.has(noun.toLowerCase())) continue;
    const scale = SCALE[(m[2] ?? '').toLowerCase().replace(/\.$/, '')] ?? 1;
    const value = numberValue(m[1] ?? '') * scale;
    if (!Number.isFinite(value)) continue;
    out.push({
      value,
      text: m[0].trim(),
      noun: stem(noun.toLowerCase()),
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return out;
}
