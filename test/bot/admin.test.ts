/**
 * Admin features end to end: the real app against the fake Bot API, real builds in a worker
 * thread, a local HTTP server standing in for news sites.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { createConfig } from '../../src/config.js';
import { safeArticleName } from '../../src/ingest/corpusFiles.js';
import { readCorpus } from '../../src/ingest/ingest.js';
import { createLogger } from '../../src/logger.js';
import { writeSyntheticCorpus } from '../../scripts/synthetic.js';
import { FakeTelegram, buttonsOf } from '../fakeTelegram.js';
import { CORPUS, copyCorpus, makeTinyModel, tempDir } from '../helpers.js';

const ADMIN = 1;
const USER = 2;
const NEW_ARTICLE = `---
title: Satellitenstart in Sohae gescheitert
source: Testzeitung
date: 2024-05-28
---
Nordkorea hat am Dienstag erneut versucht, einen Aufklärungssatelliten von der Startrampe Sohae ins All zu bringen.
Die Trägerrakete Chollima explodierte nach Angaben der Nachrichtenagentur KCNA kurz nach dem Start in der ersten Stufe.

Südkoreanische Militärs beobachteten den Start und meldeten Trümmer über dem Gelben Meer.
`;
const PAGE = `<!doctype html><html lang="de"><head><title>Kaesong</title><meta property="og:title" content="Sonderwirtschaftszone Kaesong bleibt geschlossen">
<meta property="og:site_name" content="Lokalblatt"></head><body><article><h1>Sonderwirtschaftszone Kaesong bleibt geschlossen</h1>
<p>Die Sonderwirtschaftszone Kaesong an der innerkoreanischen Grenze bleibt nach Angaben des Vereinigungsministeriums in Seoul geschlossen.</p>
<p>Früher arbeiteten dort mehr als 50.000 nordkoreanische Beschäftigte für über hundert südkoreanische Textilfirmen und Zulieferer.</p>
<p>Eine Wiedereröffnung sei derzeit nicht geplant, sagte ein Sprecher des Ministeriums am Montag vor Journalisten.</p></article></body></html>`;

let tg: FakeTelegram;
let app: App;
let corpus: string;
let site: Server;
let siteUrl: string;

const listCorpus = () => readdirSync(corpus, { recursive: true }).map(String).sort();

async function ask(chatId: number, question: string): Promise<string> {
  const mark = tg.sent.length;
  tg.message({ chatId, userId: USER, text: question });
  return (
    await tg.waitFor(chatId, (t) => t.includes('[1]') || t.startsWith('Dazu steht nichts'), mark)
  ).text;
}

beforeAll(async () => {
  tg = new FakeTelegram();
  await tg.start();
  site = createServer((req, res) => {
    if (req.url === '/politik/kaesong-geschlossen')
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else if (req.url === '/riesig')
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${'x'.repeat(3_000_000)}</p>`);
    else if (req.url === '/langsam')
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE), 3000);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  corpus = copyCorpus();
  const model = await makeTinyModel([NEW_ARTICLE, PAGE]);
  app = await startApp({
    config: createConfig({
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.url,
      EMBEDDING_MODEL: model,
      CORPUS_DIR: corpus,
      DATA_DIR: tempDir(),
      ADMIN_USER_IDS: String(ADMIN),
      RATE_LIMIT_PER_USER: '1000',
      RATE_LIMIT_PER_CHAT: '1000',
      MAX_ARTICLE_BYTES: '2000000',
    }),
    logger: createLogger('silent'),
    botSettings: { maxRetryDelaySeconds: 2 },
  });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
  site?.close();
});

describe('non-admins', () => {
  it('are refused the same way in private and group chats, and nothing changes', async () => {
    const before = listCorpus();
    const mark = tg.sent.length;
    for (const text of [
      '/reindex',
      '/remove 000_86a42e72cadfc67f',
      `/add ${siteUrl}/politik/kaesong-geschlossen`,
      '/status',
    ]) {
      tg.message({ chatId: USER, userId: USER, text });
      tg.message({ chatId: -500, chatType: 'group', userId: USER, text });
    }
    tg.message({
      chatId: USER,
      userId: USER,
      text: '',
      document: tg.addFile('neu.md', NEW_ARTICLE),
    });
    await tg.waitFor(USER, (t) => t.startsWith('Nur Admins können Artikel hinzufügen'), mark);
    await new Promise((r) => setTimeout(r, 500));
    const refusals = tg.sent
      .slice(mark)
      .filter((m) => m.text === 'Dieser Befehl ist nur für Admins.');
    expect(refusals.filter((m) => m.chat_id === USER)).toHaveLength(4);
    expect(refusals.filter((m) => m.chat_id === -500)).toHaveLength(4);
    expect(listCorpus()).toEqual(before);
    expect(app.builds.last()).toBeNull();
  });
});

describe('admin uploads', () => {
  it('a document is saved, indexed in the background and then answered with a citation', async () => {
    const mark = tg.sent.length;
    tg.message({
      chatId: ADMIN,
      userId: ADMIN,
      text: '',
      document: tg.addFile('Satelliten Bericht (Sohae).md', NEW_ARTICLE),
    });
    const confirmation = await tg.waitFor(ADMIN, (t) => t.startsWith('📄 Aufgenommen'), mark);
    expect(confirmation.text).toContain('<b>Satellitenstart in Sohae gescheitert</b>');
    expect(confirmation.text).toContain(
      'Datei: <code>Satelliten-Bericht-Sohae.md</code>, 1 Abschnitt.',
    );
    expect(confirmation.text).toMatch(/Beispielfrage: <i>Was ist über .+ und .+ bekannt\?<\/i>/);
    // The progress message was edited into the result.
    expect(
      tg.sent
        .slice(mark)
        .some((m) => m.method === 'editMessageText' && m.text.startsWith('✅ Index fertig')),
    ).toBe(true);
    expect(readFileSync(path.join(corpus, 'Satelliten-Bericht-Sohae.md'), 'utf8')).toBe(
      NEW_ARTICLE,
    );
    const answer = await ask(USER, 'Wie hieß die Trägerrakete, die in Sohae explodierte?');
    expect(answer).toContain('Chollima');
    expect(answer).toContain(
      '[1] <b>Satellitenstart in Sohae gescheitert</b> – Testzeitung, 28.05.2024',
    );
    // The sample question really is answered from the new article.
    const sample = /Beispielfrage: <i>(.+)<\/i>/.exec(confirmation.text)?.[1] ?? '';
    expect(await ask(USER, sample.replace(/&quot;/g, '"'))).toContain(
      'Satellitenstart in Sohae gescheitert',
    );
  });

  it('the same name again asks before replacing; cancel changes nothing, replace does', async () => {
    const changed = NEW_ARTICLE.replace('Chollima', 'Chollima-1');
    let mark = tg.sent.length;
    tg.message({
      chatId: ADMIN,
      userId: ADMIN,
      text: '',
      document: tg.addFile('Satelliten Bericht (Sohae).md', changed),
    });
    const question = await tg.waitFor(ADMIN, (t) => t.includes('gibt es schon. Ersetzen?'), mark);
    const buttons =
      (question.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> })
        .inline_keyboard[0] ?? [];
    mark = tg.sent.length;
    tg.callback({ chatId: ADMIN, userId: USER, data: buttons[0]?.callback_data ?? '' }); // not the admin's button
    tg.callback({ chatId: ADMIN, userId: ADMIN, data: buttons[1]?.callback_data ?? '' });
    await tg.waitFor(ADMIN, (t) => t === 'Abgebrochen, nichts geändert.', mark);
    expect(readFileSync(path.join(corpus, 'Satelliten-Bericht-Sohae.md'), 'utf8')).toBe(
      NEW_ARTICLE,
    );

    mark = tg.sent.length;
    tg.message({
      chatId: ADMIN,
      userId: ADMIN,
      text: '',
      document: tg.addFile('Satelliten Bericht (Sohae).md', changed),
    });
    const again = await tg.waitFor(ADMIN, (t) => t.includes('Ersetzen?'), mark);
    const replace =
      (again.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> })
        .inline_keyboard[0]?.[0]?.callback_data ?? '';
    tg.callback({ chatId: ADMIN, userId: ADMIN, data: replace });
    await tg.waitFor(ADMIN, (t) => t.startsWith('📄 Aufgenommen'), mark);
    expect(readFileSync(path.join(corpus, 'Satelliten-Bericht-Sohae.md'), 'utf8')).toBe(changed);
  });

  it('hostile file names, unsupported types, broken and oversized files are refused and not saved', async () => {
    const before = listCorpus();
    const mark = tg.sent.length;
    const tries: Array<[string, string | Buffer]> = [
      ['../../etc/passwd.txt', 'root:x:0:0'],
      ['..\\boot.ini.txt', 'x'],
      ['.versteckt.md', 'Text.'],
      ['programm.exe', 'MZ'],
      ['leer.txt', ''],
      ['binaer.txt', Buffer.from([1, 0, 2])],
    ];
    for (const [name, content] of tries)
      tg.message({ chatId: ADMIN, userId: ADMIN, text: '', document: tg.addFile(name, content) });
    tg.message({
      chatId: ADMIN,
      userId: ADMIN,
      text: '',
      document: { ...tg.addFile('gross.txt', 'klein'), file_size: 50_000_000 },
    });
    await tg.waitFor(ADMIN, (t) => t.startsWith('Die Datei ist zu groß (50000000 Bytes'), mark);
    const texts = tg.sent
      .slice(mark)
      .filter((m) => m.chat_id === ADMIN)
      .map((m) => m.text);
    expect(texts.filter((t) => t.includes('Dateiname abgelehnt'))).toHaveLength(3);
    expect(texts.some((t) => t.includes('Dateityp „.exe“ wird nicht unterstützt'))).toBe(true);
    expect(texts.some((t) => t.includes('skipped: empty file'))).toBe(true);
    expect(texts.some((t) => t.includes('skipped: binary file'))).toBe(true);
    expect(listCorpus()).toEqual(before);
  });

  it('a post an admin forwards: two buttons, and "add" makes it an article with its source, date and link', async () => {
    const mark = tg.sent.length;
    tg.message({
      chatId: ADMIN,
      userId: ADMIN,
      text: 'Eilmeldung: Der Grenzübergang Panmunjom wird für Besucher geschlossen.\nDie Vereinten Nationen bestätigten die Schließung am Abend.',
      forwardOrigin: {
        type: 'channel',
        date: 1_700_000_000,
        message_id: 321,
        chat: { id: -100123, type: 'channel', title: 'Korea Ticker', username: 'koreaticker' },
      },
    });
    const question = await tg.waitFor(ADMIN, (t) => t.startsWith('Weitergeleiteter Beitrag'), mark);
    expect(buttonsOf(question).map((b) => b.text)).toEqual([
      '🔎 Prüfen',
      '📄 Als Artikel aufnehmen',
    ]);
    tg.press(question, '📄 Als Artikel aufnehmen', USER); // not the admin's button
    tg.press(question, '📄 Als Artikel aufnehmen', ADMIN);
    const confirmation = await tg.waitFor(ADMIN, (t) => t.startsWith('📄 Aufgenommen'), mark);
    expect(tg.callbackAnswers.some((a) => a.text === 'Dieser Befehl ist nur für Admins.')).toBe(
      true,
    );
    expect(confirmation.text).toContain('telegram-2023-11-14-');
    expect(confirmation.text).toContain(
      'Eilmeldung: Der Grenzübergang Panmunjom wird für Besucher geschlossen.',
    );
    expect(await ask(USER, 'Welcher Grenzübergang wird geschlossen?')).toContain(
      '<a href="https://t.me/koreaticker/321">',
    );
  });
});

describe('/add <url>', () => {
  it('fetches, extracts and indexes a page; the answer links to it', async () => {
    const mark = tg.sent.length;
    tg.message({
      chatId: ADMIN,
      userId: ADMIN,
      text: `/add ${siteUrl}/politik/kaesong-geschlossen`,
    });
    const confirmation = await tg.waitFor(ADMIN, (t) => t.startsWith('📄 Aufgenommen'), mark);
    expect(confirmation.text).toContain('<b>Sonderwirtschaftszone Kaesong bleibt geschlossen</b>');
    expect(confirmation.text).toContain('<code>kaesong-geschlossen.md</code>');
    const answer = await ask(
      USER,
      'Wie viele nordkoreanische Beschäftigte arbeiteten früher in Kaesong?',
    );
    expect(answer).toContain('50.000 nordkoreanische Beschäftigte');
    expect(answer).toContain(
      `<a href="${siteUrl}/politik/kaesong-geschlossen">Sonderwirtschaftszone Kaesong bleibt geschlossen</a> – Lokalblatt`,
    );
  });

  it('refuses missing pages, oversized pages and non-http URLs with the reason', async () => {
    const mark = tg.sent.length;
    tg.message({ chatId: ADMIN, userId: ADMIN, text: `/add ${siteUrl}/gibtsnicht` });
    tg.message({ chatId: ADMIN, userId: ADMIN, text: `/add ${siteUrl}/riesig` });
    tg.message({ chatId: ADMIN, userId: ADMIN, text: '/add file:///etc/passwd' });
    await tg.waitFor(ADMIN, (t) => t.includes('Nur http- und https-Adressen'), mark);
    const texts = tg.sent.slice(mark).map((m) => m.text);
    expect(texts.some((t) => t.includes('Die Seite antwortete mit HTTP 404'))).toBe(true);
    expect(texts.some((t) => t.includes('Die Seite ist zu groß'))).toBe(true);
  });
});

describe('/remove', () => {
  it('removes an article from corpus and index; it is no longer cited', async () => {
    expect(
      await ask(USER, 'Wie viele nordkoreanische Beschäftigte arbeiteten früher in Kaesong?'),
    ).toContain('Kaesong bleibt geschlossen');
    const mark = tg.sent.length;
    tg.message({ chatId: ADMIN, userId: ADMIN, text: '/remove kaesong-geschlossen' });
    await tg.waitFor(
      ADMIN,
      (t) => t.startsWith('🗑 Entfernt: <b>Sonderwirtschaftszone Kaesong bleibt geschlossen</b>'),
      mark,
    );
    expect(listCorpus()).not.toContain('kaesong-geschlossen.md');
    expect(
      await ask(USER, 'Wie viele nordkoreanische Beschäftigte arbeiteten früher in Kaesong?'),
    ).not.toContain('Kaesong bleibt geschlossen');
    const m2 = tg.sent.length;
    tg.message({ chatId: ADMIN, userId: ADMIN, text: '/remove ../corpus/000_86a42e72cadfc67f' });
    await tg.waitFor(ADMIN, (t) => t.startsWith('Kein Artikel'), m2);
  });
});

describe('/reindex', () => {
  it(
    'runs in the background while questions stream in: every question answered, a second /reindex refused',
    { timeout: 180_000 },
    async () => {
      const { articles } = await readCorpus(CORPUS);
      writeSyntheticCorpus(corpus, articles, 300, 7); // dropped in "by other means"
      const mark = tg.sent.length;
      tg.message({ chatId: ADMIN, userId: ADMIN, text: '/reindex' });
      await tg.waitFor(ADMIN, (t) => t.startsWith('🔄 Neuaufbau'), mark);
      tg.message({ chatId: ADMIN, userId: ADMIN, text: '/reindex' }); // the admin's own chat is not blocked by the build
      tg.message({ chatId: 77, userId: ADMIN, text: '/reindex' });
      const answers = await Promise.all(
        [
          'Wo trafen sich Putin und Kim Jong Un?',
          'Wie viele Panzer hat Russland verloren?',
          'Wo lehrt Yakov Zinberg?',
        ].map((q, i) => ask(100 + i, q)),
      );
      for (const a of answers) expect(a).toContain('[1]');
      await tg.waitFor(77, (t) => t.startsWith('Ein Neuaufbau läuft bereits:'), mark);
      await tg.waitFor(ADMIN, (t) => t.startsWith('Ein Neuaufbau läuft bereits:'), mark);
      await tg.waitFor(ADMIN, (t) => t.startsWith('✅ Index fertig'), mark);
      expect(app.engine.current().manifest.articles).toBeGreaterThanOrEqual(300);
      const status = tg.sent.length;
      tg.message({ chatId: ADMIN, userId: ADMIN, text: '/status' });
      const s = await tg.waitFor(ADMIN, (t) => t.startsWith('<b>Status</b>'), status);
      expect(s.text).toMatch(/Artikel: 30\d, Abschnitte: \d+/);
      expect(s.text).toMatch(/Letzter Neuaufbau: ok, [\d.]+ s/);
      expect(s.text).toMatch(/Seit Start: \d+ beantwortet, \d+ ohne Antwort/);
    },
  );

  it('a build that crashes midway keeps the old index serving and reports why', async () => {
    const before = app.engine.current().folder;
    const mark = tg.sent.length;
    writeSyntheticCorpus(corpus, (await readCorpus(CORPUS)).articles, 300, 8);
    tg.message({ chatId: ADMIN, userId: ADMIN, text: '/reindex' });
    await tg.waitFor(ADMIN, (t) => t.startsWith('🔄 Neuaufbau'), mark);
    const deadline = Date.now() + 30_000;
    while (!app.builds.current()?.progress && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await app.builds.current()?.terminate(); // the worker dies as in a crash
    const failed = await tg.waitFor(
      ADMIN,
      (t) => t.startsWith('❌ Neuaufbau fehlgeschlagen'),
      mark,
    );
    expect(failed.text).toContain('Der bisherige Index beantwortet weiter alle Fragen.');
    expect(app.engine.current().folder).toBe(before);
    expect(await ask(USER, 'Wie viele Panzer hat Russland verloren?')).toContain('Panzer');
    // And the next build works (the lock and the half-written folder are gone).
    const m2 = tg.sent.length;
    tg.message({ chatId: ADMIN, userId: ADMIN, text: '/reindex' });
    await tg.waitFor(ADMIN, (t) => t.startsWith('✅ Index fertig'), m2);
    expect(app.builds.last()?.ok).toBe(true);
  });
});

describe('safeArticleName', () => {
  it('folds names to safe ASCII and refuses traversal', () => {
    expect(safeArticleName('Bericht über Kim (2023).HTM')).toBe('Bericht-ueber-Kim-2023.html');
    expect(safeArticleName('a b.markdown')).toBe('a-b.md');
    expect(() => safeArticleName('../x.txt')).toThrow(/Dateiname abgelehnt/);
    expect(() => safeArticleName('a/b.txt')).toThrow(/Dateiname abgelehnt/);
    expect(() => safeArticleName('x\u0000.txt')).toThrow(/Dateiname abgelehnt/);
    expect(() => safeArticleName('***.txt')).toThrow(/keine verwendbaren Zeichen/);
  });
});
