import { describe, expect, it } from 'vitest';
import {
  askedFor,
  askedNoun,
  holdsAsked,
  namesAsked,
  numberWord,
  yearsIn,
} from '../../src/answer/asked.js';

describe('askedFor', () => {
  it('reads what kind of answer a question wants, German and English', () => {
    const cases: Array<[string, ReturnType<typeof askedFor>]> = [
      ['Was kostet das neue Apple-Hauptquartier?', 'money'],
      ['Wie viel Geld fehlt dem UNHCR?', 'money'],
      ['Was muss das BZÖ zahlen?', 'money'],
      ['Wie viel ist Adeles Vertrag wert?', 'money'],
      ['Wie viel % hat Khol im ersten Wahlgang bekommen?', 'percent'],
      ['Wie alt wurde Robert Stigwood?', 'age'],
      ['How old was René Girard?', 'age'],
      ['Wie schnell war der Aufschlag?', 'speed'],
      ['Wie lang war das autofreie Stück?', 'duration'],
      ['Wie lange braucht die ISS für eine Runde?', 'elapsed'],
      ['Auf welchem Platz liegt die Türkei?', 'rank'],
      ['Wie ist das Cupfinale ausgegangen?', 'score'],
      ['wie hoch hat valencia gegen barca im cup-halbfinale verloren', 'score'],
      ['Wie viele Tote gab es?', 'count'],
      ['wiviele sitze hat podemos gekriegt', 'count'],
      ['How many days did she spend on the ISS?', 'count'],
      ['Um wieviel gehen die Pensionen rauf?', 'quantity'],
      ['Wie hoch war die Auflage?', 'quantity'],
      ['Wann wurde die Magna Carta unterschrieben?', 'time'],
      ['Seit wann ist er Botschafter?', 'time'],
      ['In welchem Jahr starb er?', 'time'],
      ['Wer spielt Lara Croft?', null],
      ['Warum ist er gerast?', null],
      ['Was hatten die Pottwale im Bauch?', null],
    ];
    for (const [q, want] of cases) expect(askedFor(q), q).toBe(want);
  });
});

describe('holdsAsked', () => {
  it('money wants a currency, an age a -jährig or Jahre alt, a speed km/h', () => {
    expect(holdsAsked('money', 'Das kostet fast fünf Milliarden Dollar.', '')).toBe(true);
    expect(holdsAsked('money', 'Die Fahrt ist kostenlos.', '')).toBe(true);
    expect(holdsAsked('money', 'Die Renovierung wurde beschlossen.', '')).toBe(false);
    expect(holdsAsked('age', 'Robert Schneider (39) wird das Amt übernehmen.', '')).toBe(true);
    expect(holdsAsked('age', 'Der 38-jährige Ingenieur erreichte die ISS.', '')).toBe(true);
    expect(holdsAsked('age', 'Sie ist seit 2010 bei der Futurezone.', '')).toBe(false);
    expect(holdsAsked('speed', 'Er schlug mit 228 Stundenkilometern auf.', '')).toBe(true);
    expect(holdsAsked('speed', 'Er schlug 45 Asse.', '')).toBe(false);
  });

  it('a count is a number the question does not name, not a year, a date or an ordinal', () => {
    const q = 'Wie oft hat sich Adeles Album 25 verkauft?';
    expect(holdsAsked('count', 'Adeles dritte Platte 25 ist ein Erfolg.', q)).toBe(false);
    expect(holdsAsked('count', 'Sie verkaufte sich 22 Millionen Mal.', q)).toBe(true);
    expect(holdsAsked('count', 'Am 29. Februar 2016 setzt die Regierung Schritte.', '')).toBe(
      false,
    );
    expect(holdsAsked('count', 'Die 107. Auflage des Rennens.', '')).toBe(false);
    expect(holdsAsked('count', 'Die Exporte waren achtmal höher.', '')).toBe(true);
    expect(holdsAsked('count', 'Dutzende Menschen kamen ums Leben.', '')).toBe(true);
    expect(holdsAsked('count', 'Ein Mann wurde festgenommen.', '')).toBe(false);
  });

  it('a span of time wants a time unit; a duration also takes a length; a rank Platz n', () => {
    expect(holdsAsked('elapsed', 'Sie braucht etwas mehr als 90 Minuten.', '')).toBe(true);
    expect(holdsAsked('elapsed', 'Rund 400 Kilometer liegen zwischen ISS und Erde.', '')).toBe(
      false,
    );
    expect(holdsAsked('duration', 'Das Stück war 1,6 Kilometer lang.', '')).toBe(true);
    expect(holdsAsked('duration', 'Der Vertrag läuft bis Sommer 2017.', '')).toBe(true);
    expect(holdsAsked('rank', 'Die Türkei liegt auf Platz 149 von 180.', '')).toBe(true);
    expect(
      holdsAsked('rank', 'Kritiker werfen der Regierung vor, die Presse zu beschneiden.', ''),
    ).toBe(false);
    expect(holdsAsked('score', 'Valencia verlor mit einem 0:7-Debakel.', '')).toBe(true);
  });

  it('a point in time: a date, a month, a year, a time word', () => {
    expect(holdsAsked('time', 'am 15. Juni 1215', '')).toBe(true);
    expect(holdsAsked('time', 'Es kommt im Laufe des Jahres auf den Markt.', '')).toBe(true);
    expect(holdsAsked('time', 'Die Band spielte im Saal.', '')).toBe(false);
  });
});

describe('askedNoun', () => {
  it('the noun naming the kind of answer after welche, wer ist, wie ist, wie heißt', () => {
    expect(askedNoun('Welche Architekten bauten das Grand Central Terminal?')).toBe('architekt');
    expect(askedNoun('In welchem architektonischen Stil wurden die Kirchen gebaut?')).toBe('stil');
    expect(askedNoun('Wer ist ab Jänner 2016 die Chefin der Futurezone?')).toBe('chefin');
    expect(askedNoun('Wie ist das Klima in Galicien?')).toBe('klima');
    expect(askedNoun('Wie heißt die Hauptstadt von Peru?')).toBe('hauptstadt');
  });

  it('none where the noun after the question word is the subject', () => {
    expect(askedNoun('Wer hat den Lunch mit Warren Buffett ersteigert?')).toBeNull();
    expect(askedNoun('Was ist Zensur?')).toBeNull();
    expect(askedNoun('Wie hoch ist die Arbeitslosigkeit in Puerto Rico?')).toBeNull();
  });
});

describe('small helpers', () => {
  it('namesAsked, numberWord, yearsIn', () => {
    expect(namesAsked('money', 'geld')).toBe(true);
    expect(namesAsked('money', 'preisgeld')).toBe(false); // the thing paid, not money as such
    expect(namesAsked(null, 'geld')).toBe(false);
    expect(numberWord('10')).toBe('zehn');
    expect(numberWord('123')).toBeNull();
    expect([...yearsIn('Von 2014 bis 2015, nicht 254.920 oder 12015.')]).toEqual(['2014', '2015']);
  });
});
