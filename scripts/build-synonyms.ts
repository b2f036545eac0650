/**
 * npm run build-synonyms -- [--source FILE] [--out FILE]
 * Stems OpenThesaurus (src/answer/lexicon/openthesaurus-de.txt.gz) into the synonym sets the
 * answerer
 * loads (src/answer/lexicon/synonyms-de.txt.gz). Run it after changing the stemmer or the
 * stopwords;
 * a test fails while the shipped file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  DEFAULT_SYNONYMS,
  THESAURUS_SOURCE,
  formatStemSets,
  readThesaurus,
} from '../src/answer/synonyms.js';
import { parseCli } from './cli.js';

const USAGE =
  'Usage: npm run build-synonyms -- [--source openthesaurus.txt] [--out synonyms-de.txt.gz]';
const { values } = parseCli(USAGE, {
  options: { source: { type: 'string' }, out: { type: 'string' } },
});
const source = values.source ? path.resolve(values.source) : THESAURUS_SOURCE;
const out = values.out ? path.resolve(values.out) : DEFAULT_SYNONYMS;
const sets = readThesaurus(source);
const header = [
  'German synonym sets as Snowball stems, derived by scripts/build-synonyms.ts from',
  'OpenThesaurus (www.openthesaurus.de), Copyright (C) Daniel Naber and contributors,',
  'licensed under the GNU LGPL 2.1 or later (src/answer/lexicon/LICENSE-LGPL-2.1).',
].join('\n');
const text = formatStemSets(sets, header);
writeFileSync(out, out.endsWith('.gz') ? gzipSync(text, { level: 9 }) : text);
process.stdout.write(`${sets.length} synonym sets written to ${out}\n`);
