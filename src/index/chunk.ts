/**
 * chunk: article text → sentences and overlapping chunks, each with `start`/`end` offsets into
 * the text computed while splitting (never searched for afterwards). German-aware: abbreviations,
 * initials, ordinals and dates ("13.9.") and numbers ("254.920") do not end a sentence.
 */

export interface Sentence {
  readonly start: number;
  readonly end: number;
  /** Index of the paragraph the sentence belongs to. */
  readonly paragraph: number;
  /** A heading line (short, no closing punctuation): never quoted on its own. */
  readonly heading: boolean;
}

export interface Chunk {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Index of the first and last sentence (inclusive) in the article's sentence list. */
  readonly firstSentence: number;
  readonly lastSentence: number;
}

export interface ChunkerSettings {
  /**
   * A chunk is closed once it reaches this many characters. 500 ≈ 120 tokens: room for E5's 512.
   */
  readonly targetChars: number;
  /** Sentences repeated at the start of the next chunk (same paragraph only). */
  readonly overlapSentences: number;
  /** Longer "sentences" (lists, tables) are cut at a space so a quote stays readable. */
  readonly maxSentenceChars: number;
}

export const DEFAULT_CHUNKER: ChunkerSettings = {
  targetChars: 500,
  overlapSentences: 1,
  maxSentenceChars: 700,
};

// Lower-cased words that end with a period without ending the sentence.
const ABBREVIATIONS = new Set([
  'prof',
  'dr',
  'bzw',
  'nr',
  'vgl',
  'usw',
  'etc',
  'ca',
  'sog',
  'inkl',
  'exkl',
  'evtl',
  'ggf',
  'ggfs',
  'mio',
  'mrd',
  'tsd',
  'st',
  'str',
  'abs',
  'art',
  'bd',
  'hr',
  'hrn',
  'fr',
  'jh',
  'jhd',
  'jahrh',
  'kap',
  'max',
  'min',
  'mind',
  'nachm',
  'vorm',
  'okt',
  'nov',
  'dez',
  'jan',
  'feb',
  'mär',
  'apr',
  'aug',
  'sept',
  'sep',
  'ver',
  'verf',
  'zit',
  'allg',
  'bes',
  'betr',
  'bspw',
  'dgl',
  'div',
  'ebd',
  'einschl',
  'engl',
  'franz',
  'gegr',
  'geb',
  'gest',
  'hg',
  'hrsg',
  'insb',
  'lt',
  'led',
  'mr',
  'mrs',
  'ms',
  'no',
  'vs',
  'sen',
  'jr',
  'gen',
  'lt',
  'col',
  'gov',
  'pres',
  'rep',
  'sr',
  'univ',
  'zt',
  'tel',
  'u',
  'o',
  'a',
  'd',
  'z',
  'chr',
  'v',
  'n',
  'bspw',
  'usf',
  'urspr',
  'zzgl',
  'abb',
  'anm',
  'bzgl',
  'entspr',
  'ehem',
  'gem',
  'dt',
  'inc',
  'ltd',
  'co',
  'corp',
  'ggü',
]);

const SENTENCE_STARTERS =
  /^(?:Der|Die|Das|Den|Dem|Des|Ein|Eine|Es|Er|Sie|Wir|Ich|In|Im|Am|Auf|Aus|Bei|Mit|Nach|Seit|Doch|Aber|Und|So|Damals|Dann|Danach|Dabei|Zudem|Auch|The|A|In|It|He|She|They|We)$/;

/** Split an article into sentences, paragraph by paragraph. */
export function splitSentences(
  text: string,
  settings: ChunkerSettings = DEFAULT_CHUNKER,
): Sentence[] {
  const sentences: Sentence[] = [];
  paragraphs(text).forEach(([pStart, pEnd], paragraph) => {
    const para = text.slice(pStart, pEnd);
    const isHeading =
      !para.includes('\n') &&
      para.length <= 120 &&
      !/[.!:;"“”»«)]$/.test(para) &&
      para.split(/\s+/).length <= 14;
    let s = 0;
    const push = (a: number, b: number) => {
      const [ta, tb] = trimRange(para, a, b);
      if (tb <= ta) return;
      for (const [ca, cb] of capLength(para, ta, tb, settings.maxSentenceChars)) {
        sentences.push({ start: pStart + ca, end: pStart + cb, paragraph, heading: isHeading });
      }
    };
    for (const m of para.matchAll(/[.!?…]+["“”»«'’)\]]*(?=\s+|$)/g)) {
      const end = m.index + m[0].length;
      if (!isBoundary(para, m.index, end)) continue;
      push(s, end);
      s = end;
    }
    push(s, para.length);
  });
  return sentences;
}

function isBoundary(para: string, punctAt: number, end: number): boolean {
  const after = para.slice(end).trimStart();
  if (after === '') return true;
  const next = after[0] ?? '';
  // A sentence starts with a capital, a digit, or an opening quote/bracket.
  if (!/[\p{Lu}\p{N}"“„»«'‘([–-]/u.test(next)) return false;
  if (para[punctAt] !== '.' || para.slice(punctAt, end).startsWith('..')) return true;
  const before = /([\p{L}\p{N}]+)$/u.exec(para.slice(0, punctAt))?.[1] ?? '';
  if (before === '') return true;
  const lower = before.toLowerCase();
  if (/^\p{L}$/u.test(before)) return false; // initials and z. B., u. a., d. h.
  if (ABBREVIATIONS.has(lower)) return false;
  // "70. Jahrestag", "13. September", "13.9.": ordinals and dates. A four-digit year can end a
  // sentence, but only when the next word is a typical sentence opener.
  if (/^\p{N}+$/u.test(before)) {
    if (before.length >= 4) return SENTENCE_STARTERS.test(/^[\p{L}]+/u.exec(after)?.[0] ?? '');
    return false;
  }
  if (/^\p{N}/u.test(next) && /^\p{N}/u.test(before)) return false;
  return true;
}

/** Paragraph ranges: blank-line separated when the text has blank lines, else one per line. */
export function paragraphs(text: string): Array<[number, number]> {
  const separator = /\n[ \t]*\n/.test(text) ? /\n[ \t]*\n\s*/g : /\n+/g;
  const out: Array<[number, number]> = [];
  let start = 0;
  for (const m of text.matchAll(separator)) {
    if (m.index > start) out.push(trimRange(text, start, m.index));
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push(trimRange(text, start, text.length));
  return out.filter(([a, b]) => b > a);
}

function trimRange(text: string, start: number, end: number): [number, number] {
  let a = start;
  let b = end;
  while (a < b && /\s/.test(text[a] ?? '')) a++;
  while (b > a && /\s/.test(text[b - 1] ?? '')) b--;
  return [a, b];
}

function capLength(text: string, start: number, end: number, max: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let a = start;
  while (end - a > max) {
    const window = text.slice(a, a + max);
    const cut = Math.max(
      window.lastIndexOf('; '),
      window.lastIndexOf(', '),
      window.lastIndexOf(' '),
    );
    const at = cut > max / 2 ? a + cut + 1 : a + max;
    out.push(trimRange(text, a, at));
    a = trimRange(text, at, end)[0];
  }
  out.push([a, end]);
  return out.filter(([x, y]) => y > x);
}

/**
 * Group sentences into chunks of about `targetChars`, closing early at a paragraph end once half
 * full, so a chunk rarely mixes topics; the last sentence(s) carry over as overlap.
 */
export function chunkSentences(
  text: string,
  sentences: readonly Sentence[],
  settings: ChunkerSettings = DEFAULT_CHUNKER,
): Chunk[] {
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < sentences.length) {
    let last = first;
    const startAt = sentences[first]?.start ?? 0;
    while (last + 1 < sentences.length) {
      const cur = sentences[last];
      const next = sentences[last + 1];
      if (!cur || !next) break;
      const size = cur.end - startAt;
      if (size >= settings.targetChars) break;
      if (next.paragraph !== cur.paragraph && size >= settings.targetChars / 2 && !cur.heading)
        break;
      if (next.end - startAt > settings.targetChars * 2) break;
      last++;
    }
    const a = sentences[first];
    const b = sentences[last];
    if (!a || !b) break;
    chunks.push({
      start: a.start,
      end: b.end,
      text: text.slice(a.start, b.end),
      firstSentence: first,
      lastSentence: last,
    });
    if (last + 1 >= sentences.length) break;
    // Overlap only within a paragraph, and always move forward.
    let nextFirst = last + 1;
    for (let k = 0; k < settings.overlapSentences; k++) {
      const cand = sentences[nextFirst - 1];
      const after = sentences[last + 1];
      if (
        nextFirst - 1 > first &&
        cand &&
        after &&
        cand.paragraph === after.paragraph &&
        !cand.heading
      )
        nextFirst--;
    }
    first = nextFirst;
  }
  return chunks;
}

/** Sentences and chunks of one article. */
export function chunkArticle(
  text: string,
  settings: ChunkerSettings = DEFAULT_CHUNKER,
): { sentences: Sentence[]; chunks: Chunk[] } {
  const sentences = splitSentences(text, settings);
  return { sentences, chunks: chunkSentences(text, sentences, settings) };
}
