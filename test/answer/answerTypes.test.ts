import { describe, expect, it } from 'vitest';
import { expectedAnswer, typeEvidence } from '../../src/answer/answerTypes.js';
import { stem, tokenize } from '../../src/text.js';

describe('expectedAnswer', () => {
  it('reads counts and measures, German and English, also after a preposition', () => {
    for (const q of [
      'Wie viele Panzer hat Russland verloren?',
      'Wieviel kostet das?',
      'Wie groß ist die Fläche des Central Parks?',
      'Wie hoch ist der Turm?',
      'Wie oft treffen sie sich?',
      'How many tanks were lost?',
    ]) {
      expect(expectedAnswer(q), q).toBe('count');
    }
  });

  it('reads times: wann at the start, seit/bis wann, in welchem Jahr', () => {
    for (const q of [
      'Wann wurde der Turm gebaut?',
      'Seit wann gehört Guam zu den USA?',
      'In welchem Jahr starb er?',
      'Welches Jahr war das?',
      'When did it start?',
    ])
      expect(expectedAnswer(q), q).toBe('time');
  });

  it('says nothing for other questions, and does not mistake a word that only begins like one', () => {
    for (const q of [
      'Wer ist der Präsident?',
      'Warum lehnten sie ab?',
      'Was ist Zensur?',
      'Wie großzügig war die Spende?',
    ])
      expect(expectedAnswer(q), q).toBeNull();
  });
});

describe('typeEvidence', () => {
  const evidence = (
    type: Parameters<typeof expectedAnswer>[0] extends string
      ? ReturnType<typeof expectedAnswer>
      : never,
    sentence: string,
    wanted: string[] = [],
  ) => {
    const tokens = tokenize(sentence);
    return typeEvidence(
      type,
      tokens,
      tokens.map((t) => stem(t.text)),
      new Set(wanted.map((w) => stem(w.toLowerCase()))),
    );
  };

  it('a number before a word asked about is plain, any number holds, none is missing', () => {
    expect(evidence('count', 'Russland hat 4.313 Panzer verloren.', ['Panzer'])).toBe(1);
    expect(evidence('count', 'Es waren zwei Tage.', ['Panzer'])).toBe(0);
    expect(evidence('count', 'Russland hat viele Panzer verloren.', ['Panzer'])).toBe(-1);
  });

  it('a year or a month is plain, a time word holds, neither is missing', () => {
    expect(evidence('time', 'Der Turm wurde 1827 gebaut.')).toBe(1);
    expect(evidence('time', 'Das Treffen war im September.')).toBe(1);
    expect(evidence('time', 'Das war vor langer Zeit.')).toBe(0);
    expect(evidence('time', 'Der Turm steht auf Rügen.')).toBe(-1);
    expect(evidence(null, 'Der Turm steht auf Rügen.')).toBe(0);
  });
});
