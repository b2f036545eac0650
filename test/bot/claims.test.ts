/**
 * The claim check: statements, verdicts, the reply, the command line, and the bot paths (a
 * reply with /check in a group, a forward by a non-admin, a forward by an admin with two buttons).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { MAX_CLAIMS, checkClaims, isCheckWorthy, statements } from '../../src/answer/claims.js';
import { type Engine, createEngine } from '../../src/answer/engine.js';
import { claimsHtml, claimsJson } from '../../src/bot/format.js';
import { createConfig } from '../../src/config.js';
import { buildIndex } from '../../src/index/indexer.js';
import { createLogger } from '../../src/logger.js';
import { FakeTelegram, buttonsOf, parseTelegramHtml } from '../fakeTelegram.js';
import {
  LOSSES_SEPTEMBER,
  ROOT,
  copyCorpus,
  npmScriptArgs,
  parseJson,
  tempDir,
} from '../helpers.js';

const NOW = new Date('2023-09-21T09:00:00Z');
const MIXED =
  'Hallo zusammen! Schaut euch das an: Russland hat schon 10.000 Panzer verloren! Putin traf Kim Jong Un auf dem Kosmodrom Wostotschny. Nordkorea hat 500 Eisbären nach Grönland geliefert. Ich finde das krass.';

let corpus: string;
let dataDir: string;
let engine: Engine;

beforeAll(async () => {
  corpus = copyCorpus();
  writeFileSync(path.join(corpus, 'panzer-september.md'), LOSSES_SEPTEMBER);
  dataDir = tempDir();
  await buildIndex({ corpusDir: corpus, dataDir, embedder: null });
  engine = createEngine({ dataDir, mode: 'lexical', embedder: null, clock: () => NOW });
});
afterAll(() => engine?.close());

const check = (text: string) =>
  checkClaims(engine, text, { maxClaims: 5, maxStatementChars: 1000, now: NOW });

describe('statements', () => {
  it('splits at sentences, not at ordinals or dates, and keeps the check-worthy ones', () => {
    expect(
      statements('Putin traf Kim am 13. September in Wostotschny. Dann reiste er ab.'),
    ).toEqual(['Putin traf Kim am 13. September in Wostotschny.', 'Dann reiste er ab.']);
    expect(statements('Schaut euch das an: Russland hat 10.000 Panzer verloren!')).toEqual([
      'Russland hat 10.000 Panzer verloren!',
    ]);
    expect(
      [
        'Hallo zusammen!',
        'Ich finde das krass.',
        'Stimmt das wirklich?',
        'ja genau so ist es',
        'Guten Morgen, Russland!',
      ].filter(isCheckWorthy),
    ).toEqual([]);
    expect(
      [
        'Russland hat 10.000 Panzer verloren!',
        'Putin traf Kim in Wostotschny.',
        'Das Treffen war im September geplant.',
      ].every(isCheckWorthy),
    ).toBe(true);
  });
});

describe('verdicts', () => {
  it('a figure the articles give differently: differs, with both numbers and the date', async () => {
    const [claim] = (await check('Russland hat schon 10.000 Panzer verloren!')).claims;
    expect(claim?.verdict).toBe('differs');
    expect(claim?.numbers).toEqual([
      { claim: '10.000 Panzer', article: '4.350 Panzer', date: '2023-09-20' },
    ]);
    for (const q of claim?.answer.quotes ?? [])
      expect(q.article.text.slice(q.start, q.end)).toBe(q.text);
  });

  it('a figure some article gives: matches, that quote first', async () => {
    const [claim] = (await check('Russland hat 4.313 Panzer verloren.')).claims;
    expect(claim?.verdict).toBe('matches');
    expect(claim?.answer.quotes[0]?.text).toContain('4.313 Panzer');
  });

  it('names all in the quotes: matches; a claim the articles do not cover: not_found, without quotes', async () => {
    const result = await check(
      'Putin traf Kim Jong Un auf dem Kosmodrom Wostotschny. Nordkorea hat 500 Eisbären nach Grönland geliefert.',
    );
    expect(result.claims.map((c) => c.verdict)).toEqual(['matches', 'not_found']);
    expect(claimsJson(result).claims[1]).toMatchObject({
      verdict: 'not_found',
      quotes: [],
      numbers: [],
    });
  });

  it('a mixed forwarded post: greetings and opinions skipped, each statement judged, one reply within 4096 characters', async () => {
    const result = await check(MIXED);
    expect(result.claims.map((c) => [c.text, c.verdict])).toEqual([
      ['Russland hat schon 10.000 Panzer verloren!', 'differs'],
      ['Putin traf Kim Jong Un auf dem Kosmodrom Wostotschny.', 'matches'],
      ['Nordkorea hat 500 Eisbären nach Grönland geliefert.', 'not_found'],
    ]);
    const html = claimsHtml(result, 'de');
    expect(html.length).toBeLessThanOrEqual(4096);
    expect(parseTelegramHtml(html)).not.toHaveProperty('error');
    expect(html).toContain(
      '→ weicht ab: die Artikel nennen 4.350 Panzer (Stand 20.09.2023), der Beitrag 10.000 Panzer',
    );
    expect(html).toContain('→ stimmt mit den Artikeln überein');
    expect(html).toContain('→ dazu steht nichts in den Artikeln');
    expect(html).not.toMatch(/falsch|Fake|gelogen|Lüge/i);
  });

  it('shortened at statement boundaries: many long claims still fit and say how many were left out', async () => {
    const long = Array.from(
      { length: 12 },
      () =>
        'Russland hat schon 10.000 Panzer verloren! Putin traf Kim Jong Un auf dem Kosmodrom Wostotschny.',
    ).join(' ');
    const result = await checkClaims(engine, long, {
      maxClaims: 24,
      maxStatementChars: 1000,
      now: NOW,
    });
    const html = claimsHtml(result, 'de');
    expect(html.length).toBeLessThanOrEqual(4096);
    expect(html).toMatch(/<i>\d+ weitere Aussagen nicht geprüft\.<\/i>$/);
  });

  it('bad input: empty, 20,000 characters, no statement worth checking', async () => {
    expect((await check('')).claims).toEqual([]);
    expect(claimsHtml(await check(''), 'de')).toBe(
      'Ich habe darin keine Aussage gefunden, die sich prüfen lässt (Zahlen, Namen, Daten).',
    );
    const huge = await check(`${'Russland hat schon 10.000 Panzer verloren! '.repeat(470)}`);
    expect(huge.claims).toHaveLength(5);
    expect(huge.unchecked).toBeGreaterThan(400);
    const wall = await check('x'.repeat(20_000));
    expect(wall.claims).toEqual([]);
    expect((await check('lol 😂😂😂')).claims).toEqual([]);
  });
});

describe('npm run check-claims', () => {
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [...npmScriptArgs('check-claims'), '--data', dataDir, ...args], {
      cwd: ROOT,
      input,
      encoding: 'utf8',
      env: { ...process.env, RETRIEVAL_MODE: 'lexical' },
    });

  it("--json: one object for the text from stdin, with the contract's fields", () => {
    const r = run(['--json', '--now', '2023-09-21'], MIXED);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = parseJson<ReturnType<typeof claimsJson>>(lines[0] ?? '{}');
    expect(Object.keys(out)).toEqual(['text', 'claims', 'unchecked']);
    expect(out.claims[0]).toMatchObject({
      text: 'Russland hat schon 10.000 Panzer verloren!',
      verdict: 'differs',
      numbers: [{ claim: '10.000 Panzer', article: '4.350 Panzer' }],
    });
    expect(Object.keys(out.claims[0]?.quotes[0] ?? {})).toEqual(['text', 'score', 'source']);
  });

  it('checks as many statements as the bot (MAX_CLAIMS) and counts the rest', () => {
    const seven = Array.from({ length: 7 }, (_, i) => `Russland hat ${i + 2}.000 Panzer verloren.`);
    const r = run(['--json', seven.join(' ')]);
    expect(r.status, r.stderr).toBe(0);
    const out = parseJson<ReturnType<typeof claimsJson>>(r.stdout.trim());
    expect([out.claims.length, out.unchecked]).toEqual([MAX_CLAIMS, 7 - MAX_CLAIMS]);
  });

  it('plain text for an argument; a bad --now is refused with the usage', () => {
    const r = run(['Russland hat schon 10.000 Panzer verloren!']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('→ weicht ab: die Artikel nennen 4.350 Panzer');
    const bad = run(['--now', '2023-02-31', 'x']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--now must be a date YYYY-MM-DD');
  });
});

describe('in Telegram', () => {
  const ADMIN = 1;
  const USER = 2;
  let tg: FakeTelegram;
  let app: App;
  beforeAll(async () => {
    tg = new FakeTelegram();
    await tg.start();
    app = await startApp({
      config: createConfig({
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.url,
        RETRIEVAL_MODE: 'lexical',
        CORPUS_DIR: corpus,
        DATA_DIR: tempDir(),
        ADMIN_USER_IDS: String(ADMIN),
      }),
      logger: createLogger('silent'),
      botSettings: { maxRetryDelaySeconds: 2, throttle: false },
    });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await tg?.stop();
  });
  const channel = {
    type: 'channel',
    date: 1_695_000_000,
    message_id: 7,
    chat: { id: -100777, type: 'channel', title: 'Gerüchteküche' },
  };

  it('/check as a reply to a message in a group checks that message', async () => {
    const mark = tg.sent.length;
    const claim = {
      message_id: 500,
      date: 0,
      chat: { id: -200, type: 'supergroup', title: 'Redaktion' },
      from: { id: 5, is_bot: false, first_name: 'Bo' },
      text: 'Russland hat schon 10.000 Panzer verloren!',
    };
    tg.message({
      chatId: -200,
      chatType: 'supergroup',
      userId: USER,
      text: '/check',
      replyTo: claim,
    });
    const reply = await tg.waitFor(
      -200,
      (t) => t.startsWith('<b>1. „Russland hat schon 10.000 Panzer verloren!“</b>'),
      mark,
    );
    expect(reply.text).toContain('→ weicht ab: die Artikel nennen 4.350 Panzer');
    tg.message({ chatId: -200, chatType: 'supergroup', userId: USER, text: '/check' });
    await tg.waitFor(-200, (t) => t.startsWith('Zum Prüfen: <code>/check Behauptung</code>'), mark);
  });

  it('a post a non-admin forwards is checked at once; a photo without text gets a clear reply', async () => {
    const mark = tg.sent.length;
    tg.message({ chatId: USER, userId: USER, text: MIXED, forwardOrigin: channel });
    const reply = await tg.waitFor(USER, (t) => t.startsWith('<b>1.'), mark);
    expect(reply.text).toContain(
      '<b>3. „Nordkorea hat 500 Eisbären nach Grönland geliefert.“</b>\n→ dazu steht nichts in den Artikeln',
    );
    tg.pushUpdate({
      message: {
        message_id: 9001,
        date: 0,
        chat: { id: USER, type: 'private', first_name: 'Ada' },
        from: { id: USER, is_bot: false, first_name: 'Ada' },
        photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }],
        forward_origin: channel,
      },
    } as never);
    await tg.waitFor(
      USER,
      (t) => t === 'Der Beitrag enthält keinen Text, den ich prüfen kann.',
      mark,
    );
  });

  it('an admin who forwards a post chooses: check it, or add it as an article', async () => {
    const mark = tg.sent.length;
    tg.message({
      chatId: ADMIN,
      userId: ADMIN,
      text: 'Russland hat schon 10.000 Panzer verloren!',
      forwardOrigin: channel,
    });
    const choice = await tg.waitFor(ADMIN, (t) => t.startsWith('Weitergeleiteter Beitrag'), mark);
    expect(buttonsOf(choice).map((b) => b.text)).toEqual(['🔎 Prüfen', '📄 Als Artikel aufnehmen']);
    tg.press(choice, '🔎 Prüfen', ADMIN);
    const reply = await tg.waitFor(
      ADMIN,
      (t) => t.startsWith('<b>1. „Russland hat schon 10.000 Panzer verloren!“</b>'),
      mark,
    );
    expect(reply.text).toContain('weicht ab');
    expect(app.engine.current().manifest.articles).toBe(3); // nothing was added
  });

  it('/neu lists the newest dated articles, newest first, each with a question it answers', async () => {
    const mark = tg.sent.length;
    tg.message({ chatId: USER, userId: USER, text: '/neu' });
    const reply = await tg.waitFor(USER, (t) => t.startsWith('<b>Die neuesten Artikel</b>'), mark);
    const titles = [...reply.text.matchAll(/^• (?:<b>|<a [^>]+>)(.*?)<\/(?:b|a)>/gm)].map(
      (m) => m[1],
    );
    expect(titles).toEqual([
      'Verluste steigen weiter',
      'Russland und Nordkorea suchen Schulterschluss',
    ]); // the undated one is not listed
    expect(reply.text).toContain('Testzeitung, 20.09.2023');
    const samples = [...reply.text.matchAll(/Zum Beispiel: <i>(.*?)<\/i>/g)].map((m) => m[1] ?? '');
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples)
      expect((await app.engine.answer(sample.replace(/&quot;/g, '"'))).found).toBe(true);
    tg.message({ chatId: USER, userId: USER, text: '/latest', lang: 'en' });
    await tg.waitFor(USER, (t) => t.startsWith('<b>The newest articles</b>'), mark);
  });
});

describe('like with like (claims over an archive)', () => {
  const ARTICLES: Record<string, string> = {
    'campus.md':
      '---\ntitle: Apple baut ein Ufo\n---\nEin neues Video zeigt, wie schnell die Arbeiten am neuen Apple-Hauptquartier voranschreiten. Das neue Gebäude kostet fast fünf Milliarden Dollar. So bastelt auch Facebook an einem Zentrum, und Google erweiterte seinen Campus.\n',
    'rennen.md':
      '---\ntitle: Strasser gewinnt das Race Around Austria\n---\nDer Steirer Christoph Strasser gewinnt das Race Around Austria, das erste Nickerchen gönnte er sich nach 36 Stunden. In einer neuen Rekordzeit von 3 Tagen 14 Stunden und 44 Minuten spulte er die 2.200 Kilometer ab.\n',
    'rovio.md':
      '---\ntitle: Rovio baut weiter ab\n---\nBeim Angry-Birds-Hersteller Rovio fallen nach schwacher Geschäftsentwicklung weitere 260 Arbeitsplätze weg.\n',
    'bart.md':
      '---\ntitle: Bärte gestutzt\n---\nIn Tadschikistan hat die Polizei vergangenes Jahr die Bärte von 12.818 Männern in Ordnung gebracht.\n',
  };
  let archive: Engine;
  beforeAll(async () => {
    const dir = path.join(tempDir(), 'corpus');
    mkdirSync(dir);
    for (const [name, text] of Object.entries(ARTICLES)) writeFileSync(path.join(dir, name), text);
    const data = tempDir();
    await buildIndex({ corpusDir: dir, dataDir: data, embedder: null });
    archive = createEngine({ dataDir: data, mode: 'lexical', embedder: null, clock: () => NOW });
  });
  afterAll(() => archive?.close());
  const verdict = async (text: string) =>
    (await checkClaims(archive, text, { maxClaims: 5, maxStatementChars: 1000, now: NOW }))
      .claims[0];

  it('a figure the article gives for another subject is no support: Apple’s cost for Google', async () => {
    expect(
      (await verdict('Apple baut sein Hauptquartier für fast fünf Milliarden Dollar.'))?.verdict,
    ).toBe('matches');
    expect(
      (await verdict('Google hat für seinen Campus fast fünf Milliarden Dollar ausgegeben.'))
        ?.verdict,
    ).toBe('not_found');
  });

  it('never "differs" when the article gives the claim’s figure elsewhere (another hour count beside it)', async () => {
    const claim = await verdict(
      'Strasser hat das Race Around Austria gewonnen: 3 Tage, 14 Stunden, 44 Minuten.',
    );
    expect(claim?.verdict).toBe('matches');
    expect(claim?.answer.quotes[0]?.text).toContain('3 Tagen 14 Stunden und 44 Minuten');
  });

  it('another figure for a synonym of the counted thing differs (Jobs ~ Arbeitsplätze)', async () => {
    const claim = await verdict('Der Angry-Birds-Hersteller Rovio streicht 500 Jobs.');
    expect(claim?.verdict).toBe('differs');
    expect(claim?.numbers).toEqual([
      { claim: '500 Jobs', article: '260 Arbeitsplätze', date: null },
    ]);
  });

  it('the writer’s "letztes Jahr" does not restrict an undated archive', async () => {
    const claim = await verdict(
      'In Tadschikistan hat die Polizei letztes Jahr 12.818 Männern den Bart gestutzt.',
    );
    expect(claim?.verdict).toBe('matches');
  });
});
