import { describe, expect, it } from 'vitest';
import { stateOf, stateOfStem, statesAskedAbout, statesIn } from '../../src/answer/states.js';
import { stem, tokenize } from '../../src/text.js';

const states = (text: string) => [...statesIn(tokenize(text))].sort();
const asked = (text: string) => [...statesAskedAbout(tokenize(text))].sort();

describe('states a text names', () => {
  it('by name, genitive, adjective, inhabitants, capital and seat of government', () => {
    expect(states('Russlands Präsident und die russischen Streitkräfte')).toEqual(['RU']);
    expect(states('Die Russen, Moskau und der Kreml')).toEqual(['RU']);
    expect(states('nordkoreanische Arbeiter in Pjöngjang')).toEqual(['KP']);
    expect(states('Der Ukraine-Krieg, ukrainische Soldaten, Kiew')).toEqual(['UA']);
    expect(states('Chinas Exporte und chinesische Firmen in Peking')).toEqual(['CN']);
  });

  it('two-word names as a whole, and only as a whole', () => {
    expect(states('Die Vereinigten Staaten warnten')).toEqual(['US']);
    expect(states('Das Vereinigte Königreich und die USA')).toEqual(['GB', 'US']);
    expect(states('Das Gericht in Den Haag')).toEqual(['NL']);
    expect(states('Wer traf den Präsidenten?')).toEqual([]); // "den" alone is no state
    expect(states('vereinigte Kräfte')).toEqual([]);
  });

  it('South and North Korea apart; the ambiguous "Korea" names neither', () => {
    expect(stateOf('südkoreanischen')).toBe('KR');
    expect(stateOf('nordkoreas')).toBe('KP');
    expect(stateOf('korea')).toBeUndefined();
    expect(stateOf('koreakrieg')).toBeUndefined();
  });

  it('stems, whose umlauts Snowball folds, name the same states', () => {
    expect(stem('pjöngjang')).toBe('pjongjang');
    expect(stateOfStem(stem('pjöngjang'))).toBe('KP');
    expect(stateOfStem(stem('südkoreas'))).toBe('KR');
    expect(stateOfStem(stem('türkischen'))).toBe('TR');
    expect(stateOfStem(stem('panzer'))).toBeUndefined();
  });

  it('ordinary words are not states', () => {
    expect(
      states(
        'Wie viele Panzer hat die Armee verloren? Die Botschaft bleibt geschlossen, der Roman auch.',
      ),
    ).toEqual([]);
    // Words of the German thesaurus that began like a state's name before those forms were made
    // whole words.
    expect(
      states('pragmatisch Pragmatismus Polenta Indienststellung Addison Athene Ammann wienern'),
    ).toEqual([]);
    expect(states('Prag Prager Polen Polens Indien Athen Wien')).toEqual([
      'AT',
      'CZ',
      'GR',
      'IN',
      'PL',
    ]);
    expect(states('Rabatt Kongress Dominikaner Liberale Kolumbus')).toEqual([]);
    expect(states('Rabat, der Kongo, die Dominikanische Republik, Liberia und Kolumbien')).toEqual([
      'CD',
      'CO',
      'DO',
      'LR',
      'MA',
    ]);
  });

  it('a question asks about the states it names, not about the source of a figure', () => {
    expect(asked('Wie viele Panzer hat Russland laut ukrainischem Generalstab verloren?')).toEqual([
      'RU',
    ]);
    expect(asked('Wie viele Luftabwehrsysteme verlor Russland nach ukrainischen Angaben?')).toEqual(
      ['RU'],
    );
    expect(asked('Wie viele Drohnen hat die Ukraine abgeschossen?')).toEqual(['UA']);
    expect(asked('Welche Waffen hat Südkorea an die Ukraine geliefert?')).toEqual(['KR', 'UA']);
  });
});
