import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  DEFAULT_SYNONYMS,
  THESAURUS_SOURCE,
  loadSynonyms,
  openSynonyms,
  readStemSets,
  readThesaurus,
  synonymsFromSets,
  thesaurusStemSets,
} from '../../src/answer/synonyms.js';
import { tempDir } from '../helpers.js';

describe('thesaurusStemSets', () => {
  it('keeps one-word terms as stems and drops comments, notes, phrases and stopwords', () => {
    const text = [
      '# OpenThesaurus header',
      'Jubiläum;Jahrestag;Gedenktag (geh.)',
      'scheitern;misslingen;in die Hose gehen (ugs.);Deputat...',
      'nur;lediglich',
      'Einzelwort',
      '',
    ].join('\n');
    expect(thesaurusStemSets(text)).toEqual([
      ['jubilaum', 'jahrestag', 'gedenktag'],
      ['scheit', 'missling'],
    ]);
  });
});

describe('synonymsFromSets', () => {
  it('returns every stem sharing a set, never the stem itself', () => {
    const s = synonymsFromSets([
      ['a1', 'b1', 'c1'],
      ['a1', 'd1'],
      ['x1', 'y1'],
    ]);
    expect([...s.of('a1')].sort()).toEqual(['b1', 'c1', 'd1']);
    expect([...s.of('y1')]).toEqual(['x1']);
    expect(s.of('unknown').size).toBe(0);
    expect(s.size).toBe(3);
  });
});

describe('bundled synonyms', () => {
  it('load fast and know German news words', () => {
    const t = performance.now();
    const s = loadSynonyms();
    expect(performance.now() - t).toBeLessThan(2000);
    expect(s.size).toBeGreaterThan(20_000);
    expect(s.of('jubilaum').has('jahrestag')).toBe(true);
    expect(s.of('kooperation').has('zusammenarbeit')).toBe(true);
  });

  it('are what npm run build-synonyms makes from OpenThesaurus today (rebuild after changing stemmer or stopwords)', () => {
    const shipped = readStemSets(DEFAULT_SYNONYMS);
    const rebuilt = readThesaurus(THESAURUS_SOURCE);
    expect(shipped.length).toBe(rebuilt.length);
    expect(shipped).toEqual(rebuilt);
  });

  it('a missing or unreadable SYNONYMS_FILE is a configuration error naming the fix; off means none', () => {
    expect(openSynonyms(null)).toBeNull();
    expect(() => openSynonyms(path.join(tempDir(), 'nope.txt.gz'))).toThrow(ConfigError);
    expect(() => openSynonyms(path.join(tempDir(), 'nope.txt.gz'))).toThrow(
      /SYNONYMS_FILE.*build-synonyms.*off/,
    );
  });
});
