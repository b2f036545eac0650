import { describe, expect, it } from 'vitest';
import { contentStems, questionTerms, stem, tokenize, wordRoot } from '../src/text.js';

describe('tokenize', () => {
  it('keeps offsets and joins thousands separators', () => {
    const text = 'Russland verlor 254.920 Soldaten und 4.313 Panzer.';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text)).toEqual([
      'russland',
      'verlor',
      '254920',
      'soldaten',
      'und',
      '4313',
      'panzer',
    ]);
    for (const t of tokens)
      expect(text.slice(t.start, t.end).toLowerCase().replace('.', '')).toBe(t.text);
  });
  it('splits hyphenated words and keeps umlauts', () => {
    expect(tokenize('Kim Jong-un im WELT-Studio, Pjöngjang').map((t) => t.text)).toEqual([
      'kim',
      'jong',
      'un',
      'im',
      'welt',
      'studio',
      'pjöngjang',
    ]);
  });
});

describe('stem', () => {
  it('uses the German Snowball stemmer and folds umlauts', () => {
    expect(stem('raketen')).toBe(stem('rakete'));
    expect(stem('pjöngjang')).toBe('pjongjang');
    expect(stem('254920')).toBe('254920');
  });
});

describe('contentStems / questionTerms', () => {
  it('drops question words and stopwords', () => {
    expect(contentStems('Wie viele Flugzeuge hat Russland verloren?')).toEqual([
      stem('flugzeuge'),
      stem('russland'),
      stem('verloren'),
    ]);
  });
  it('marks capitalized words after the first as salient', () => {
    expect(questionTerms('Wo analysierte Alexander Görlach die Achse?')).toEqual([
      { stem: stem('analysierte'), salient: false },
      { stem: stem('alexander'), salient: true, nameWords: 2 },
      { stem: stem('görlach'), salient: true, nameWords: 2 },
      { stem: stem('achse'), salient: true },
    ]);
  });
  it('counts the words of a name written together, not across other words', () => {
    const words = (q: string) =>
      Object.fromEntries(questionTerms(q).map((t) => [t.stem, t.nameWords ?? 1]));
    expect(words('Wie heißt die Schwester von Kim Jong Un?')).toEqual({
      schwest: 1,
      kim: 3,
      jong: 3,
      un: 3,
    });
    expect(words('Was warnten die USA vor UN-Resolutionen?')).toMatchObject({
      usa: 1,
      un: 2,
      resolution: 2,
    });
    expect(words('Traf Putin Kim in Wostotschny?')).toMatchObject({
      putin: 2,
      kim: 2,
      wostotschny: 1,
    });
  });
});

describe('wordRoot', () => {
  it('brings participles, inflected verbs and their nouns to one rough root', () => {
    const root = (w: string) => wordRoot(stem(w.toLowerCase()));
    expect(root('gefeiert')).toBe(root('feiern'));
    expect(root('getestet')).toBe(root('Tests'));
    expect(root('gestimmt')).toBe(root('stimmten'));
    expect(root('geliefert')).toBe('liefer');
    expect(root('abgefeuert')).toBe('abfeuer');
  });
  it('leaves numbers and short stems alone', () => {
    expect(wordRoot('4313')).toBe('4313');
    expect(wordRoot('kim')).toBe('kim');
    expect(wordRoot('gebiet').length).toBeGreaterThanOrEqual(3);
  });
});
