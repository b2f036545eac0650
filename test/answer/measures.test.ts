import { describe, expect, it } from 'vitest';
import { comparable, measuresIn, sameValue } from '../../src/answer/measures.js';

const parsed = (text: string) =>
  measuresIn(text).map((m) => [m.kind, m.value, m.unit, m.approximate, m.text]);

describe('measuresIn', () => {
  it('reads amounts, per cent, spans of time, ranks and counted nouns, digits or words', () => {
    expect(parsed('Das kostet fast fünf Milliarden Dollar.')).toEqual([
      ['money', 5e9, 'dollar', true, 'fünf Milliarden Dollar'],
    ]);
    expect(parsed('rund 300.000 Euro und 72 Mrd. Dollar')).toEqual([
      ['money', 300000, 'euro', true, '300.000 Euro'],
      ['money', 72e9, 'dollar', true, '72 Mrd. Dollar'],
    ]);
    expect(parsed('um 1,2 Prozent angehoben')).toEqual([
      ['percent', 1.2, '', false, '1,2 Prozent'],
    ]);
    expect(parsed('in 3 Tagen 14 Stunden und 44 Minuten')).toEqual([
      ['time', 3 * 1440 + 14 * 60 + 44, '', false, '3 Tagen 14 Stunden und 44 Minuten'],
    ]);
    expect(parsed('liegt auf Platz 149 von 180 Staaten')).toEqual([
      ['rank', 149, '', false, 'Platz 149'],
      ['count', 180, 'staat', false, '180 Staaten'],
    ]);
    expect(parsed('Österreich hatte über 88.000 Asyl-Erstanträge')).toEqual([
      ['count', 88000, 'asyl-erstantrag', true, '88.000 Asyl-Erstanträge'],
    ]);
    expect(parsed('Sie hat zum 100.000. Mal die Erde umrundet.')).toEqual([
      ['count', 100000, 'mal', true, '100.000. Mal'],
    ]);
  });

  it('"119 von 350 Mandaten": both count the noun', () => {
    expect(parsed('PP 119 von 350 Mandaten').map((m) => [m[1], m[2]])).toEqual([
      [119, 'mandat'],
      [350, 'mandat'],
    ]);
  });

  it('leaves out years, dates and ordinals', () => {
    expect(parsed('Am 19. Mai 2016 fand die 107. Auflage statt.')).toEqual([]);
  });
});

describe('comparable and sameValue', () => {
  const [jobs] = measuresIn('500 Jobs');
  const [places] = measuresIn('260 Arbeitsplätze');
  const [requests] = measuresIn('88.175 Erstanträge');
  const [claimed] = measuresIn('über 88.000 Asyl-Erstanträge');
  const [euro] = measuresIn('15.000 Euro');
  const [dollar] = measuresIn('15.000 Dollar');
  it('the same thing: a synonym, a compound head, the same currency', () => {
    if (!jobs || !places || !requests || !claimed || !euro || !dollar) throw new Error('parse');
    expect(comparable(jobs, places, (a, b) => a === 'job' && b === 'arbeitsplatz')).toBe(true);
    expect(comparable(jobs, places, () => false)).toBe(false);
    expect(comparable(claimed, requests, () => false)).toBe(true);
    expect(comparable(euro, dollar, () => true)).toBe(false);
  });
  it('a loosely said or round figure within 10 %, an exact one exactly', () => {
    if (!claimed || !requests || !euro) throw new Error('parse');
    expect(sameValue(claimed, requests)).toBe(true);
    const [exact] = measuresIn('85.125 Erstanträge');
    if (!exact) throw new Error('parse');
    expect(sameValue(exact, requests)).toBe(false);
  });
});
