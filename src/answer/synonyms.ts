/**
 * German synonyms for the sentence scorer: a question's "Jubiläum" earns part of its weight from a
 * sentence's "Jahrestag", "misslungen" from "gescheitert". The data is OpenThesaurus
 * (www.openthesaurus.de, LGPL 2.1: src/answer/lexicon/LICENSE-LGPL-2.1, README "Development"): one
 * synonym set per line, terms
 * separated by ";". Only one-word terms are kept, as Snowball stems, stopwords dropped.
 *
 * Stemming the 34,000 sets takes ~2 s, so `npm run build-synonyms` does it once and writes
 * src/answer/lexicon/synonyms-de.txt.gz (one set of stems per line); the bot loads that in ~0.1 s.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConfigError, errorMessage } from '../errors.js';
import { isStopword, stem, tokenize } from '../text.js';

export interface Synonyms {
  /** Stems sharing a synonym set with this stem (never the stem itself). */
  of(stemmed: string): ReadonlySet<string>;
  /** Number of synonym sets. */
  readonly size: number;
}

const LEXICON = path.join(import.meta.dirname, 'lexicon');
/** OpenThesaurus as published (text export), gzipped. */
export const THESAURUS_SOURCE = path.join(LEXICON, 'openthesaurus-de.txt.gz');
/** The same sets as stems: what the answerer loads. */
export const DEFAULT_SYNONYMS = path.join(LEXICON, 'synonyms-de.txt.gz');

const NONE: ReadonlySet<string> = new Set();

/** Stem sets from OpenThesaurus text: "#" lines are comments; notes like "(ugs.)" are dropped. */
export function thesaurusStemSets(text: string): string[][] {
  const sets: string[][] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const stems = new Set<string>();
    for (const raw of line.split(';')) {
      const term = raw.replace(/\([^)]*\)/g, '').trim();
      if (!term || term.includes('...')) continue;
      const tokens = tokenize(term);
      const only = tokens[0];
      if (
        tokens.length !== 1 ||
        !only ||
        only.text.length < 3 ||
        /^\p{N}/u.test(only.text) ||
        isStopword(only.text)
      )
        continue;
      stems.add(stem(only.text));
    }
    if (stems.size >= 2) sets.push([...stems]);
  }
  return sets;
}

/** The derived file's text: a header naming the source and licence, then one stem set per line. */
export function formatStemSets(sets: readonly string[][], header: string): string {
  return `${header
    .split('\n')
    .map((l) => `# ${l}`)
    .join('\n')}\n${sets.map((s) => s.join(' ')).join('\n')}\n`;
}

export function synonymsFromSets(sets: readonly (readonly string[])[]): Synonyms {
  const byStem = new Map<string, number[]>();
  sets.forEach((set, id) => {
    for (const s of set) {
      const ids = byStem.get(s);
      if (ids) ids.push(id);
      else byStem.set(s, [id]);
    }
  });
  const cache = new Map<string, ReadonlySet<string>>();
  return {
    size: sets.length,
    of(stemmed) {
      let found = cache.get(stemmed);
      if (!found) {
        const ids = byStem.get(stemmed);
        if (!ids) return NONE;
        found = new Set(ids.flatMap((i) => sets[i] ?? []).filter((s) => s !== stemmed));
        if (cache.size > 10_000) cache.clear();
        cache.set(stemmed, found);
      }
      return found;
    },
  };
}

function readText(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The stem sets of a file written by `npm run build-synonyms` (plain or .gz), header skipped. */
export function readStemSets(file: string = DEFAULT_SYNONYMS): string[][] {
  return readText(file)
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(' '));
}

/** Load a stem-set file written by `npm run build-synonyms`. */
export function loadSynonyms(file: string = DEFAULT_SYNONYMS): Synonyms {
  return synonymsFromSets(readStemSets(file));
}

const loaded = new Map<string, Synonyms>();

/**
 * The synonyms SYNONYMS_FILE names (undefined: the bundled sets), loaded once per process; null
 * when it is `off`.
 */
export function openSynonyms(file: string | null | undefined = DEFAULT_SYNONYMS): Synonyms | null {
  if (file === null) return null;
  let synonyms = loaded.get(file);
  if (!synonyms) {
    try {
      synonyms = loadSynonyms(file);
    } catch (error) {
      throw new ConfigError(
        `SYNONYMS_FILE: cannot read ${file} (${errorMessage(error)}). Point it at a file written by npm run build-synonyms, or set it to off.`,
      );
    }
    loaded.set(file, synonyms);
  }
  return synonyms;
}

/** Read an OpenThesaurus text export (plain or .gz) into stem sets. */
export function readThesaurus(file: string = THESAURUS_SOURCE): string[][] {
  return thesaurusStemSets(readText(file));
}
