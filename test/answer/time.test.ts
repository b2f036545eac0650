import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from '../../src/answer/engine.js';
import { figuresIn, numberValue } from '../../src/answer/figures.js';
import { timeScope, todayScope } from '../../src/answer/timeScope.js';
import { answerHtml, answerJson, answerText } from '../../src/bot/format.js';
import { buildIndex } from '../../src/index/indexer.js';
import { parseArticle } from '../../src/ingest/ingest.js';
import { LOSSES_AUGUST, LOSSES_SEPTEMBER, copyCorpus, tempDir, tinyEmbedder } from '../helpers.js';

const NOW = new Date('2023-09-21T09:00:00Z'); // a Thursday
const window = (q: string, now = NOW) => {
  const s = timeScope(q, now);
  return s ? [s.from, s.to, s.kind, s.recent] : null;
};

describe('time expressions against a fixed clock', () => {
  it('calendar dates prefer articles of that time (they may also be when something happened)', () => {
    expect(window('Was geschah 2023?')).toEqual(['2023-01-01', '2023-12-31', 'prefer', false]);
    expect(window('Was geschah im September 2023?')).toEqual([
      '2023-09-01',
      '2023-09-30',
      'prefer',
      false,
    ]);
    expect(window('Wo trafen sie sich am 13. September?')).toEqual([
      '2023-09-13',
      '2023-09-13',
      'prefer',
      false,
    ]);
    expect(window('Was war am 13.09.2023?')).toEqual(['2023-09-13', '2023-09-13', 'prefer', false]);
    expect(window('What happened on September 13, 2023?')).toEqual([
      '2023-09-13',
      '2023-09-13',
      'prefer',
      false,
    ]);
    expect(window('What happened in May 2023?')).toEqual([
      '2023-05-01',
      '2023-05-31',
      'prefer',
      false,
    ]);
    // Without a year: the latest such day or month up to now.
    expect(window('Was war am 24. Dezember?')).toEqual([
      '2022-12-24',
      '2022-12-24',
      'prefer',
      false,
    ]);
    expect(window('Was war im Juli?')).toEqual(['2023-07-01', '2023-07-31', 'prefer', false]);
    expect(window('Was ist seit Juli passiert?')).toEqual([
      '2023-07-01',
      '2023-09-21',
      'prefer',
      false,
    ]);
    expect(window('What happened since 2022?')).toEqual([
      '2022-01-01',
      '2023-09-21',
      'prefer',
      false,
    ]);
    // A span of years reads as when things happened (GermanQuAD: "in den letzten zehn Jahren" of an
    // undated article).
    expect(window('Wie entwickelte sich die Stadt in den letzten zehn Jahren?')).toEqual([
      '2013-09-23',
      '2023-09-21',
      'prefer',
      false,
    ]);
  });

  it('relative expressions restrict to articles of that time and leave the question', () => {
    expect(window('Was war gestern?')).toEqual(['2023-09-20', '2023-09-20', 'restrict', false]);
    expect(window('What happened yesterday?')).toEqual([
      '2023-09-20',
      '2023-09-20',
      'restrict',
      false,
    ]);
    expect(window('Was ist seit gestern passiert?')).toEqual([
      '2023-09-20',
      '2023-09-21',
      'restrict',
      false,
    ]);
    expect(window('Was passierte letzte Woche?')).toEqual([
      '2023-09-11',
      '2023-09-17',
      'restrict',
      false,
    ]);
    expect(window('What happened last week?')).toEqual([
      '2023-09-11',
      '2023-09-17',
      'restrict',
      false,
    ]);
    expect(window('Was war diese Woche?')).toEqual(['2023-09-18', '2023-09-21', 'restrict', false]);
    expect(window('in den letzten 3 Tagen')).toEqual([
      '2023-09-18',
      '2023-09-21',
      'restrict',
      false,
    ]);
    expect(window('in the past two weeks')).toEqual([
      '2023-09-07',
      '2023-09-21',
      'restrict',
      false,
    ]);
    expect(window('Was war letzten Monat?')).toEqual([
      '2023-08-01',
      '2023-08-31',
      'restrict',
      false,
    ]);
    expect(window('Was war letztes Jahr?')).toEqual([
      '2022-01-01',
      '2022-12-31',
      'restrict',
      false,
    ]);
    const s = timeScope('Was passierte letzte Woche?', NOW);
    expect(s?.spans).toEqual([[14, 26]]);
  });

  it('"zuletzt", "aktuell", "neueste", "latest" ask for the newest; "heute" is today only in a question about what happened', () => {
    for (const q of [
      'Wie viele Panzer zuletzt?',
      'Wer ist aktuell Präsident?',
      'Die neueste Zahl?',
      'What is the latest figure?',
      'What is the current figure?',
    ])
      expect(window(q)).toEqual([null, null, null, true]);
    expect(window('Wie heißt die Stadt heute?')).toBeNull();
    expect(todayScope('Was ist heute passiert?', NOW)).toMatchObject({
      from: '2023-09-21',
      to: '2023-09-21',
      kind: 'restrict',
    });
  });

  it('no time: counts, names, not-a-day dates, the modal "may"', () => {
    expect(window('Russland hat 2023 Panzer verloren')).toBeNull();
    expect(window('Wo trafen sich Putin und Kim?')).toBeNull();
    expect(window('Was war am 31.02.2023?')).toBeNull();
    expect(window('may he come')).toBeNull();
    expect(window('Wer ist Host der "Tonight Show"?')).toBeNull();
    expect(window('Was geschah im Jahr 3000?')).toEqual([
      '3000-01-01',
      '3000-12-31',
      'prefer',
      false,
    ]);
  });
});

describe('figures', () => {
  it('a number and the thing it counts, German and English', () => {
    expect(
      figuresIn(
        'Außerdem habe Russland 4.313 Panzer, 8.370 gepanzerte Fahrzeuge und 18 Boote verloren.',
      ).map((f) => [f.value, f.text, f.noun]),
    ).toEqual([
      [4313, '4.313 Panzer', 'panz'],
      [8370, '8.370 gepanzerte Fahrzeuge', 'fahrzeug'],
      [18, '18 Boote', 'boot'],
    ]);
    expect(figuresIn('Russia has lost 10,000 tanks').map((f) => [f.value, f.noun])).toEqual([
      [10000, 'tank'],
    ]);
    expect(figuresIn('Mehr als 1,5 Millionen Menschen flohen.').map((f) => f.value)).toEqual([
      1_500_000,
    ]);
    expect(figuresIn('Am 13. September 2023 trafen sie sich. Er ist 70 Jahre alt.')).toEqual([]);
    expect([
      numberValue('4.313'),
      numberValue('4,313'),
      numberValue('1,5'),
      numberValue('12'),
    ]).toEqual([4313, 4313, 1.5, 12]);
  });
});

/** The seed corpus and the two dated loss reports. */
function datedCorpus(): string {
  const corpus = copyCorpus();
  writeFileSync(path.join(corpus, 'panzer-august.md'), LOSSES_AUGUST);
  writeFileSync(path.join(corpus, 'panzer-september.md'), LOSSES_SEPTEMBER);
  return corpus;
}

describe('answers that know the date', () => {
  let engine: Engine;
  beforeAll(async () => {
    const corpus = datedCorpus();
    // Another subject with the same counted noun: never read as a changed figure.
    writeFileSync(
      path.join(corpus, 'bundeswehr.md'),
      '---\ntitle: Bundeswehr bestellt Panzer\ndate: 2023-06-01\n---\nDie Bundeswehr hat nach eigenen Angaben 300 neue Panzer verloren geglaubt und nun wiedergefunden.\n',
    );
    const dataDir = tempDir();
    await buildIndex({ corpusDir: corpus, dataDir, embedder: null });
    engine = createEngine({ dataDir, mode: 'lexical', embedder: null, clock: () => NOW });
  });
  afterAll(() => engine?.close());

  it('two articles with different figures: both, the newer first, each with its date', async () => {
    const a = await engine.answer('Wie viele Panzer hat Russland verloren?');
    expect(a.figuresDiffer).toBe(true);
    expect(
      a.quotes.slice(0, 2).map((q) => [q.article.meta.date, figuresIn(q.text)[0]?.text]),
    ).toEqual([
      ['2023-09-20', '4.350 Panzer'],
      ['2023-08-01', '4.200 Panzer'],
    ]);
    const html = answerHtml(a);
    expect(html).toContain('4.350 Panzer verloren.</blockquote> [1] (Stand: 20.09.2023)');
    expect(html).toContain('4.200 Panzer verloren.</blockquote> [2] (Stand: 01.08.2023)');
    expect(answerText({ ...a, language: 'en' })).toContain('[1] (as of: 2023-09-20)');
    expect(html.match(/\(Stand: /g)).toHaveLength(2); // only the pair, not the other quotes
    expect(answerJson(a).quotes[0]?.source.date).toBe('2023-09-20');
    // The Bundeswehr's tanks (it misses "Russland") may be quoted, but never as the changed figure.
    expect(a.quotes.slice(0, 2).some((q) => q.text.includes('300 neue Panzer'))).toBe(false);
  });

  it('"Was ist seit gestern passiert?": the lead sentences of the articles since yesterday, newest first', async () => {
    const a = await engine.answer('Was ist seit gestern passiert?');
    expect(a).toMatchObject({ found: true, digest: true });
    expect(a.quotes.map((q) => q.article.meta.title)).toEqual(['Verluste steigen weiter']);
    expect(answerText(a)).toMatch(/^Das melden die neuesten Artikel:\n\n„Nach Angaben/);
    expect(
      (await engine.answer('Was war letzte Woche los?')).quotes.map((q) => q.article.meta.date),
    ).toEqual(['2023-09-13']);
    // "heute" is today in a question about what happened (NOW is the 21st: nothing from today).
    expect(await engine.answer('Was ist heute passiert?')).toMatchObject({
      found: false,
      noArticlesInWindow: { newest: '2023-09-20' },
      time: { from: '2023-09-21', kind: 'restrict' },
    });
    expect((await engine.answer('Wie heißt die Stadt heute?')).time).toBeUndefined();
    expect(
      (await engine.answer('Was gibt es Neues?')).quotes.map((q) => q.article.meta.date),
    ).toEqual(['2023-09-20', '2023-09-13', '2023-08-01']);
  });

  it('a window without articles says so and names the newest date', async () => {
    const yesterday = await engine.answer('Was hat Putin gestern gesagt?');
    const future = createEngine({
      dataDir: engine.current().folder.replace(/\/index-[^/]+$/, ''),
      mode: 'lexical',
      embedder: null,
      clock: () => new Date('2024-03-01T12:00:00Z'),
    });
    try {
      const lastWeek = await future.answer('Wie viele Panzer hat Russland letzte Woche verloren?');
      expect(lastWeek).toMatchObject({
        found: false,
        noArticlesInWindow: { newest: '2023-09-20' },
      });
      expect(answerText(lastWeek)).toMatch(
        /^Aus diesem Zeitraum gibt es keine Artikel; die neuesten sind vom 20\.09\.2023\./,
      );
    } finally {
      future.close();
    }
    expect(yesterday.found).toBe(false);
    const year3000 = await engine.answer('Was geschah im Jahr 3000?');
    expect(year3000).toMatchObject({ found: false, noArticlesInWindow: { newest: '2023-09-20' } });
    expect(answerHtml(year3000)).toMatch(
      /^Aus diesem Zeitraum gibt es keine Artikel; die neuesten sind vom 20\.09\.2023\./,
    );
  });

  it("a calendar date prefers the article of that day, and its date counts as the date's words", async () => {
    const a = await engine.answer('Wo trafen sich Putin und Kim am 13. September?');
    expect(a.found).toBe(true);
    expect(a.quotes[0]?.article.meta.date).toBe('2023-09-13');
    expect(a.quotes[0]?.text).toContain('Wostotschny');
  });

  it('relative windows restrict: a question about last week is not answered from an older article', async () => {
    const a = await engine.answer('Wie viele Panzer hat Russland letzte Woche verloren?');
    // Only the DW article (13.09.) is from last week, and it gives no tank figure.
    for (const q of a.quotes) expect(q.article.meta.date).toBe('2023-09-13');
    expect(answerText(a)).not.toMatch(/4\.(?:200|350) Panzer/);
    expect(answerText(await engine.answer('Wie viele Panzer hat Russland verloren?'))).toMatch(
      /4\.350 Panzer/,
    ); // the same question without the window
  });

  it('hybrid: the vector search keeps to the window too (HNSW with a label filter)', async () => {
    const corpus = datedCorpus();
    const dataDir = tempDir();
    const embedder = await tinyEmbedder([LOSSES_AUGUST, LOSSES_SEPTEMBER]);
    await buildIndex({ corpusDir: corpus, dataDir, embedder });
    const hybrid = createEngine({ dataDir, mode: 'hybrid', embedder, clock: () => NOW });
    const dense = createEngine({ dataDir, mode: 'dense', embedder, clock: () => NOW });
    try {
      for (const e of [hybrid, dense]) {
        const a = await e.answer('Wie viele Panzer hat Russland seit gestern verloren?');
        expect(a.quotes.length).toBeGreaterThan(0);
        for (const q of a.quotes) expect(q.article.meta.date).toBe('2023-09-20');
        const none = await e.answer('Wie viele Panzer hat Russland vorgestern verloren?');
        expect(none).toMatchObject({ found: false, noArticlesInWindow: { newest: '2023-09-20' } });
      }
    } finally {
      hybrid.close();
      dense.close();
    }
  });

  it('an article without a date line gets none (never the file time)', () => {
    expect(
      parseArticle(
        'x.txt',
        Buffer.from('Titel\n\nEin Absatz ohne Datum, der lang genug ist, um ein Artikel zu sein.'),
      ).meta.date,
    ).toBeUndefined();
  });
});
