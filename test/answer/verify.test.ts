import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from '../../src/answer/engine.js';
import { textWords } from '../../src/answer/evidence.js';
import { type QuestionFacts, verified, verify } from '../../src/answer/verify.js';
import { buildIndex } from '../../src/index/indexer.js';
import { questionTerms, tokenize } from '../../src/text.js';
import { tempDir } from '../helpers.js';

/** Short news articles, each tempting a question about another year, place or thing. */
const ARTICLES: Record<string, string> = {
  'flamingos.md':
    '---\ntitle: Nachwuchs im Tiergarten\n---\nIm Wiener Tiergarten Schönbrunn sind heuer bisher 19 Flamingo-Küken geschlüpft. Weiterer Nachwuchs wird erwartet.\n',
  'bank.md':
    '---\ntitle: Deutsche Bank baut um\n---\nDie Deutsche Bank zieht sich aus zehn Ländern zurück. Zudem will die Bank weltweit 9000 Jobs streichen.\n',
  'bataclan.md':
    '---\ntitle: Konzerthalle will wieder öffnen\n---\nWir haben die Renovierung des Bataclan entschieden, teilte das Team der Konzerthalle mit. Konzerte soll es bis Jahresende wieder geben.\n',
  'rauchen.md':
    '---\ntitle: Italien verbietet Rauchen im Auto\n---\nItalien verbietet das Rauchen im Auto, wenn Kinder oder Schwangere mitfahren. Wer erwischt wird, zahlt bis zu 500 Euro Strafe.\n',
  'buffett.md':
    '---\ntitle: Mittagessen versteigert\n---\nDer Power Lunch mit dem Investor Warren Buffett hat einen Abnehmer gefunden. Die Firma Dalian Zeus Entertainment bekommt den Zuschlag bei der Auktion.\n',
  'werbung.md':
    '---\ntitle: Polizei wirbt um Nachwuchs\n---\nWien – Das Innenministerium hat von September bis Jahresende 2015 rund 300.000 Euro für Werbemaßnahmen ausgegeben, um neue Polizisten zu gewinnen.\n',
  'wahl.md':
    '---\ntitle: Stillstand in Spanien\n---\nIn Spanien herrscht seit der Parlamentswahl am 20. Dezember ein Stillstand. Die PSOE kam auf 89 Sitze, Podemos stellt 65 und Ciudadanos 40 Sitze.\n',
  'wetter.md':
    '---\ntitle: Sommer in Wien\n---\nIn Wien war es im Juli heiß. Die Bäder meldeten viele Besucher.\n',
};

describe('the answerer checks a quote part by part before quoting it', () => {
  let engine: Engine;
  beforeAll(async () => {
    const corpus = path.join(tempDir(), 'corpus');
    mkdirSync(corpus);
    for (const [name, text] of Object.entries(ARTICLES))
      writeFileSync(path.join(corpus, name), text);
    const dataDir = tempDir();
    await buildIndex({ corpusDir: corpus, dataDir, embedder: null });
    engine = createEngine({ dataDir, mode: 'lexical', embedder: null, answer: { minScore: 0.1 } });
  });
  afterAll(() => engine?.close());

  it('a year the question names must be the quote’s, its title’s or its date’s', async () => {
    const asked = await engine.answer('Wie viele Flamingo-Küken sind in Schönbrunn geschlüpft?');
    expect(asked.quotes[0]?.text).toContain('19 Flamingo-Küken');
    expect(
      (await engine.answer('Wie viele Flamingo-Küken sind 2014 in Schönbrunn geschlüpft?')).found,
    ).toBe(false);
  });

  it('a place the question names must be there: Austria’s jobs are not the world’s', async () => {
    expect((await engine.answer('Wie viele Jobs streicht die Deutsche Bank weltweit?')).found).toBe(
      true,
    );
    expect(
      (await engine.answer('Wie viele Jobs streicht die Deutsche Bank in Österreich?')).found,
    ).toBe(false);
  });

  it('the kind of answer asked for must be in the quote: a cost wants an amount', async () => {
    expect((await engine.answer('Was kostet die Renovierung des Bataclan?')).found).toBe(false);
    expect((await engine.answer('Wann soll es im Bataclan wieder Konzerte geben?')).found).toBe(
      true,
    );
  });

  it('when only the next sentence holds the amount, both are quoted', async () => {
    const a = await engine.answer('Was kostet es in Italien, wenn man mit Kindern im Auto raucht?');
    expect(a.quotes[0]?.text).toBe(
      'Italien verbietet das Rauchen im Auto, wenn Kinder oder Schwangere mitfahren. Wer erwischt wird, zahlt bis zu 500 Euro Strafe.',
    );
  });

  it('a date’s position ("Ende 2015") needs no word of its own, a month may stand anywhere in the article', async () => {
    const money = await engine.answer(
      'Wie viel Geld hat das Innenministerium Ende 2015 für Werbung ausgegeben?',
    );
    expect(money.quotes[0]?.text).toContain('rund 300.000 Euro');
    const seats = await engine.answer(
      'Wie viele Sitze hat Podemos bei der Wahl im Dezember geholt?',
    );
    expect(seats.quotes[0]?.text).toContain('Podemos stellt 65');
    expect(
      (await engine.answer('Wie viele Sitze hat Podemos bei der Wahl im März geholt?')).found,
    ).toBe(false);
  });

  it('a reader’s typo in a name still finds it', async () => {
    const a = await engine.answer('Wer hat den Lunch mit Warren Bufett ersteigert?');
    expect(a.found).toBe(true);
    expect(a.quotes[0]?.article.file).toBe('buffett.md');
  });

  it('another subject with the same kind of answer is not an answer', async () => {
    // The weather article has a month, but not the thing asked about.
    expect((await engine.answer('Wann wurde die Magna Carta in Wien unterschrieben?')).found).toBe(
      false,
    );
  });
});

describe('verify', () => {
  const facts = (question: string): QuestionFacts => {
    const terms = questionTerms(question);
    return {
      question,
      asked: 'count',
      years: new Set(),
      salient: terms.filter((t) => t.salient).map((term) => ({ term, weight: 1, unknown: false })),
      others: [],
      forms: new Map(),
      subwordMatch: true,
    };
  };
  const quote = (text: string, extra: { crossLingual?: boolean; title?: string } = {}) => ({
    text,
    words: textWords(tokenize(text)),
    title: textWords(tokenize(extra.title ?? '')),
    lead: textWords(tokenize('')),
    titleText: extra.title ?? '',
    leadText: '',
    date: undefined,
    otherStates: false,
    crossLingual: extra.crossLingual ?? false,
    dated: null,
    articleText: text,
  });

  it('names what is missing, and counts the title as the quote’s subject', () => {
    const f = facts('Wie viele Tore schoss Soriano im Finale?');
    const bare = verify(f, quote('Er schoss zwei Tore.'));
    expect(bare.unsupported).toEqual(['soriano', 'final']);
    expect(verified(bare, 0.2)).toBe(false);
    const titled = verify(
      f,
      quote('Er schoss zwei Tore.', { title: 'Soriano entscheidet das Finale' }),
    );
    expect(titled.unsupported).toEqual([]);
    expect(verified(titled, 0.2)).toBe(true);
  });

  it('a quote in another language (a multilingual model) is judged by its answer only', () => {
    const f = facts('How many goals did Soriano score?');
    expect(verified(verify(f, quote('Er schoss zwei Tore.', { crossLingual: true })), 0.2)).toBe(
      true,
    );
    expect(verified(verify(f, quote('Er schoss Tore.', { crossLingual: true })), 0.2)).toBe(false);
  });
});
