/**
 * Text analysis shared by the lexical index, the sentence scorer and the tiny model's vocabulary:
 * tokenizing with offsets, German Snowball stemming, stopwords. Pure functions, no I/O.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// snowball-stemmers is CommonJS without types; one tiny adapter keeps that here.
const snowball = require('snowball-stemmers') as {
  newStemmer(lang: string): { stem(word: string): string };
};
const german = snowball.newStemmer('german');

export interface Token {
  /** Lower-cased surface form; numbers lose their thousands separators ("254.920" → "254920"). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

// Numbers keep their separators together ("4.313", "1950-1953" stays two numbers); words are
// runs of letters, marks and digits, so "Jong-un" is two tokens and "WELT-Studio" too.
const TOKEN_RE = /\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{M}][\p{L}\p{M}\p{N}]*/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const surface = m[0];
    const start = m.index;
    const isNumber = /^\p{N}/u.test(surface);
    tokens.push({
      text: isNumber ? surface.replace(/[.,](?=\p{N}{3}(?:\D|$))/gu, '') : surface.toLowerCase(),
      start,
      end: start + surface.length,
    });
  }
  return tokens;
}

const stemCache = new Map<string, string>();

/** German Snowball stem of one lower-cased token; numbers are returned unchanged. */
export function stem(token: string): string {
  if (/^\p{N}/u.test(token)) return token;
  let s = stemCache.get(token);
  if (s === undefined) {
    s = german.stem(token).replace(/ß/g, 'ss');
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(token, s);
  }
  return s;
}

// Function words of German and English (questions come in both). Kept small on purpose: content
// words a user might ask about ("Krieg", "Jahr") must never be dropped.
const STOPWORD_LIST = `
aber alle allem allen aller alles als also am an ander andere anderen anderer anderes auch auf aus bei beim bin bis bist
da damit dann das dass dazu dein deine dem den denn der deren des dessen dich die dies diese diesem diesen dieser dieses dir
doch dort du durch ein eine einem einen einer eines er es etwa euch euer für gegen gewesen hab habe haben hat hatte hatten
hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in ins ist ja jede jedem jeden jeder jedes jetzt kann kein
keine können könnte man manche mein meine mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein
seine seinem seinen seiner seit sich sie sind so soll sollte sondern sonst über um und uns unser unter vom von vor war waren
warum was weg weil welche welchem welchen welcher welches wem wen wenn wer werde werden wessen wie wieder wieso viel viele
will wir wird wo wofür wogegen woher wohin womit worauf worüber wovon wozu wurde wurden zu zum zur zwar zwischen laut denn
eigentlich genau bitte sagt sagte gibt gab steht stand außer ausser wann wieso weshalb inwiefern welchen wieviele wieviel etwas
ab heißt heisst nennt statt fand findet
a about after all also an and any are as at be been but by can could did do does for from had has have he her his how i if
in into is it its me my no not of on or our she so some than that the their them then there these they this to us was we
were what when where which who whom why will with would you your many much tell please according did does
`;

export const STOPWORDS: ReadonlySet<string> = new Set(STOPWORD_LIST.split(/\s+/).filter(Boolean));
const STOPSTEMS: ReadonlySet<string> = new Set([...STOPWORDS].map(stem));

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token) || STOPSTEMS.has(stem(token));
}

/** Stems of every token, in order: what the full-text index stores for a chunk. */
export function stems(text: string): string[] {
  return tokenize(text).map((t) => stem(t.text));
}

/** Distinct content stems of a question: stopwords and one-letter tokens removed. */
export function contentStems(text: string): string[] {
  return questionTerms(text).map((t) => t.stem);
}

export interface QuestionTerm {
  readonly stem: string;
  /**
   * Capitalized inside the question (German nouns and names) or a number: what the question is
   * about.
   */
  readonly salient: boolean;
  /**
   * Words in the name this term is part of ("Kim Jong Un" → 3): one name, one share of the weight.
   */
  readonly nameWords?: number;
}

/**
 * Content stems of a question with their salience; the first word's capital letter says nothing.
 */
export function questionTerms(text: string): QuestionTerm[] {
  const out = new Map<string, { salient: boolean; name: number }>();
  const names: number[] = []; // words per name, by name id
  let previous: { end: number; name: number } | null = null; // the capitalized word just before
  for (const [i, t] of tokenize(text).entries()) {
    if (t.text.length < 2 && !/^\p{N}/u.test(t.text)) continue;
    if (isStopword(t.text)) {
      previous = null;
      continue;
    }
    const surface = text.slice(t.start, t.end);
    const capital = i > 0 && /^\p{Lu}/u.test(surface);
    const salient = /^\p{N}/u.test(surface) || capital;
    // Capitalized words next to each other (only a space or hyphen between) are one name.
    let name = -1;
    if (capital && previous && /^[\s-]*$/u.test(text.slice(previous.end, t.start))) {
      name = previous.name;
      names[name] = (names[name] ?? 1) + 1;
    } else if (capital) {
      name = names.push(1) - 1;
    }
    previous = capital ? { end: t.end, name } : null;
    const s = stem(t.text);
    const seen = out.get(s);
    out.set(s, {
      salient: (seen?.salient ?? false) || salient,
      name: seen && seen.name >= 0 ? seen.name : name,
    });
  }
  return [...out].map(([stem, { salient, name }]) => {
    const words = name >= 0 ? (names[name] ?? 1) : 1;
    return words > 1 ? { stem, salient, nameWords: words } : { stem, salient };
  });
}

/** Umlauts and ß as Snowball's German stemmer writes them in stems (Pjöngjang → pjongjang). */
export function foldUmlauts(text: string): string {
  return text.replace(/ä/g, 'a').replace(/ö/g, 'o').replace(/ü/g, 'u').replace(/ß/g, 'ss');
}

/** Collapse runs of white space to one space: how gold substrings and quotes are compared. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// A past participle after an optional separable prefix: (ab)ge-feuer-t, ge-liefer-t, ge-stimm-t.
const PARTICIPLE = /^(ab|an|auf|aus|bei|ein|fest|mit|nach|vor|weg|zu|zuruck)?ge(\p{L}{3,}t)$/u;
const INFLECTIONS = ['ung', 'ten', 'ern', 'te', 'et', 'er', 'en', 't', 'n'];

/**
 * A rougher key than the Snowball stem, for matching inflected verbs and their nouns, which
 * Snowball leaves apart: gefeiert/feiern → feier, geliefert/Lieferung → liefer, getestet/Tests →
 * test.
 * Used only for partial credit when no stem matches; never stored in the index.
 */
export function wordRoot(stemmed: string): string {
  if (/^\p{N}/u.test(stemmed)) return stemmed;
  const r = stemmed.replace(PARTICIPLE, '$1$2');
  const ending = INFLECTIONS.find((e) => r.endsWith(e) && r.length - e.length >= 4);
  return ending ? r.slice(0, -ending.length) : r;
}

/**
 * "Moskau/Pjöngjang – " before an article's first sentence (or its title): where it was filed, not
 * what it says.
 */
export const DATELINE = /^\p{Lu}[\p{L}.-]*(?:\s*\/\s*\p{Lu}[\p{L}.-]*)*\s+[–—-]\s+/u;

/**
 * The stems of an article's title without its dateline: what every sentence of the article is
 * about.
 */
export function titleStems(title: string): string[] {
  return stems(title.slice(DATELINE.exec(title)?.[0].length ?? 0));
}
