/**
 * Telegram reach end to end, the real app against the fake Bot API: the buttons under an answer
 * (incl. after a re-index removed the article), votes, inline mode, the gaps report, deep links.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { parseButton } from '../../src/bot/buttons.js';
import { createConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { FakeTelegram, type SentMessage, buttonsOf, parseTelegramHtml } from '../fakeTelegram.js';
import { copyCorpus, tempDir } from '../helpers.js';

const ADMIN = 1;
const USER = 2;
const OTHER = 3;
const EXTRA = `---
title: Hafen von Rason wird ausgebaut
source: Testzeitung
date: 2024-05-28
---
Im nordkoreanischen Hafen Rason sollen nach Angaben der Hafenbehörde bis 2026 zwei neue Kaianlagen für Containerschiffe entstehen.

Die Bauarbeiten am Hafen Rason begannen im Frühjahr mit russischer Hilfe, berichtete die Nachrichtenagentur KCNA.

Ein Sprecher der Stadt sagte, der Ausbau werde Arbeitsplätze bringen.

Rason liegt im äußersten Nordosten des Landes, nahe der Grenze zu Russland und China.

Über den Hafen Rason laufen schon heute Kohlelieferungen nach China.
`;

let tg: FakeTelegram;
let app: App;
let corpus: string;
let dataDir: string;

async function start(env: Record<string, string>): Promise<App> {
  return startApp({
    config: createConfig({
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.url,
      RETRIEVAL_MODE: 'lexical',
      CORPUS_DIR: corpus,
      DATA_DIR: tempDir(),
      ADMIN_USER_IDS: String(ADMIN),
      RATE_LIMIT_PER_USER: '1000',
      RATE_LIMIT_PER_CHAT: '1000',
      ...env,
    }),
    logger: createLogger('silent'),
    botSettings: { maxRetryDelaySeconds: 2, throttle: false, inline: { debounceMs: 150 } },
  });
}

async function ask(chatId: number, question: string, userId = USER): Promise<SentMessage> {
  const mark = tg.sent.length;
  tg.message({ chatId, userId, text: question });
  return tg.waitFor(chatId, (t) => t.includes('[1]') || t.startsWith('Dazu steht nichts'), mark);
}

async function toast(update: () => void): Promise<string | undefined> {
  const mark = tg.callbackAnswers.length;
  update();
  return (await tg.waitForCallbackAnswers(mark + 1))[mark]?.text;
}

const visible = (html: string) => {
  const parsed = parseTelegramHtml(html);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.text;
};

beforeAll(async () => {
  tg = new FakeTelegram();
  await tg.start();
  corpus = copyCorpus();
  writeFileSync(path.join(corpus, 'rason.md'), EXTRA);
  dataDir = tempDir();
  app = await start({
    STORE_QUESTIONS: 'true',
    RATE_LIMIT_INLINE_PER_USER: '3',
    DATA_DIR: dataDir,
  });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('buttons under an answer', () => {
  it('an answer carries Kontext, Weitere Zitate and votes, all callback data within 64 bytes; an abstention none', async () => {
    const answer = await ask(USER, 'Wo trafen sich Putin und Kim Jong Un?');
    const labels = buttonsOf(answer).map((b) => b.text);
    expect(labels).toEqual(['Kontext', 'Weitere Zitate', '👍', '👎']);
    for (const b of buttonsOf(answer))
      expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    const none = await ask(USER, 'Wie viele Einwohner hat München?');
    expect(none.text).toMatch(/^Dazu steht nichts/);
    expect(buttonsOf(none)).toEqual([]);
  });

  it('Kontext replies with the whole paragraph, the quote in bold, every character from the article', async () => {
    const answer = await ask(USER, 'Wie viele Panzer hat Russland verloren?');
    const mark = tg.sent.length;
    expect(await toast(() => tg.press(answer, 'Kontext', USER))).toBeUndefined();
    const context = await tg.waitFor(USER, (t) => t.includes('<i>Kontext:</i>'), mark);
    expect(context.reply_to).toBe(answer.message_id);
    const quote = /<blockquote>(.*?)<\/blockquote>/s.exec(answer.text)?.[1] ?? '';
    expect(context.text).toContain(`<b>${quote}</b>`);
    const paragraph = visible(/<blockquote>(.*)<\/blockquote>/s.exec(context.text)?.[1] ?? '');
    const article = app.engine
      .current()
      .store.articles()
      .find((a) => a.text.includes(visible(quote)));
    expect(article?.text).toContain(paragraph);
    expect(paragraph.length).toBeGreaterThan(visible(quote).length);
  });

  it('Weitere Zitate sends the next best quotes with their sources, verbatim', async () => {
    const answer = await ask(USER, 'Wo trafen sich Putin und Kim Jong Un?');
    const mark = tg.sent.length;
    await toast(() => tg.press(answer, 'Weitere Zitate', USER));
    const more = await tg.waitFor(USER, (t) => t.includes('[1]'), mark);
    expect(more.reply_to).toBe(answer.message_id);
    const texts = app.engine
      .current()
      .store.articles()
      .map((a) => a.text);
    for (const [, q] of more.text.matchAll(/<blockquote>(.*?)<\/blockquote>/gs))
      expect(texts.some((t) => t.includes(visible(q ?? '')))).toBe(true);
    expect(more.text).not.toContain(
      /<blockquote>(.*?)<\/blockquote>/s.exec(answer.text)?.[1] ?? '-',
    );
    expect(buttonsOf(more).map((b) => b.text)).toEqual(['Kontext']);
  });

  it('votes: one per user and answer, changed on the other button, acknowledged each time', async () => {
    const answer = await ask(USER, 'Wie viele Panzer hat Russland verloren?');
    const id = (
      parseButton(buttonsOf(answer).find((b) => b.text === '👍')?.callback_data ?? '') as {
        answer: number;
      }
    ).answer;
    expect(await toast(() => tg.press(answer, '👍', USER))).toBe('Danke für Ihre Rückmeldung!');
    expect(await toast(() => tg.press(answer, '👍', USER))).toBe('Ihre Stimme ist schon gezählt.');
    expect(await toast(() => tg.press(answer, '👍', OTHER))).toBe('Danke für Ihre Rückmeldung!');
    expect(app.feedback.votes(id)).toEqual({ up: 2, down: 0 });
    expect(await toast(() => tg.press(answer, '👎', USER, { lang: 'en' }))).toBe(
      'Your vote was changed.',
    );
    expect(app.feedback.votes(id)).toEqual({ up: 1, down: 1 });
  });

  it('forged data, a button of another message and an unknown answer get a clear toast and change nothing', async () => {
    const a = await ask(USER, 'Wie viele Panzer hat Russland verloren?');
    const b = await ask(USER, 'Wo trafen sich Putin und Kim Jong Un?');
    const up = buttonsOf(a).find((x) => x.text === '👍')?.callback_data ?? '';
    const id = (parseButton(up) as { answer: number }).answer;
    expect(
      await toast(() =>
        tg.callback({ chatId: USER, userId: USER, data: up, messageId: b.message_id }),
      ),
    ).toBe('Diese Schaltfläche gehört zu einer anderen Nachricht.');
    expect(
      await toast(() =>
        tg.callback({ chatId: 555, userId: USER, data: up, messageId: a.message_id }),
      ),
    ).toBe('Diese Schaltfläche gehört zu einer anderen Nachricht.');
    expect(app.feedback.votes(id)).toEqual({ up: 0, down: 0 });
    expect(
      await toast(() =>
        tg.callback({ chatId: USER, userId: USER, data: 'v:99999999:+', messageId: a.message_id }),
      ),
    ).toBe('Zu dieser Antwort habe ich nichts mehr gespeichert.');
    expect(
      await toast(() =>
        tg.callback({ chatId: USER, userId: USER, data: `k:${id}:42`, messageId: a.message_id }),
      ),
    ).toBe('Diese Schaltfläche kenne ich nicht.');
    expect(
      await toast(() =>
        tg.callback({ chatId: USER, userId: USER, data: 'k:<b>&', messageId: a.message_id }),
      ),
    ).toBe('Diese Schaltfläche kenne ich nicht.');
    expect(
      await toast(() => tg.callback({ chatId: USER, userId: USER, data: 'x'.repeat(64) })),
    ).toBe('Diese Schaltfläche kenne ich nicht (mehr).');
    // The bot goes on answering.
    expect((await ask(USER, 'Wie viele Panzer hat Russland verloren?')).text).toContain(
      '4.313 Panzer',
    );
  });

  it('in a group anyone may vote, and Kontext stays in the group', async () => {
    const mark = tg.sent.length;
    tg.message({
      chatId: -100,
      chatType: 'supergroup',
      userId: USER,
      text: '/ask Wie viele Panzer hat Russland verloren?',
    });
    const answer = await tg.waitFor(-100, (t) => t.includes('[1]'), mark);
    expect(await toast(() => tg.press(answer, '👎', OTHER, { chatType: 'supergroup' }))).toBe(
      'Danke für Ihre Rückmeldung!',
    );
    await toast(() => tg.press(answer, 'Kontext', OTHER, { chatType: 'supergroup' }));
    await tg.waitFor(-100, (t) => t.includes('<i>Kontext:</i>'), mark);
  });
});

describe('inline mode', () => {
  it('answers with up to 5 quote results, each the chat answer as HTML, not personal, cached', async () => {
    const mark = tg.inlineAnswers.length;
    tg.inlineQuery({ userId: 10, query: 'Wo trafen sich Putin und Kim Jong Un?' });
    const [answer] = (await tg.waitForInline(mark + 1)).slice(mark);
    expect(answer?.is_personal).toBe(false);
    expect(answer?.cache_time).toBe(300);
    const results = answer?.results ?? [];
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.length).toBeLessThanOrEqual(5);
    const first = results[0] as {
      title: string;
      description: string;
      input_message_content: { message_text: string; parse_mode: string };
    };
    expect(first.input_message_content.parse_mode).toBe('HTML');
    expect(first.input_message_content.message_text).toMatch(
      /^<blockquote>.+<\/blockquote> \[1\]\n\n<i>Quellen:<\/i>\n\[1\] /s,
    );
    expect(
      visible(
        /<blockquote>(.*?)<\/blockquote>/s.exec(first.input_message_content.message_text)?.[1] ??
          '',
      ).startsWith(first.title.replace(/…$/, '')),
    ).toBe(true);
    expect(first.description).toMatch(/\d{2}\.\d{2}\.\d{4}/);
  });

  it('an abstention is one result that says so', async () => {
    const mark = tg.inlineAnswers.length;
    tg.inlineQuery({ userId: 11, query: 'Wie viele Einwohner hat München?' });
    const [answer] = (await tg.waitForInline(mark + 1)).slice(mark);
    expect(answer?.results).toHaveLength(1);
    expect(answer?.results[0]).toMatchObject({
      id: 'none',
      title: 'Dazu steht nichts in den Artikeln',
    });
  });

  it('debounces keystrokes: short queries and superseded ones get no answer, the last one does', async () => {
    const mark = tg.inlineAnswers.length;
    for (const q of [
      'Wo',
      'Wo trafen',
      'Wo trafen sich',
      'Wo trafen sich Putin',
      'Wo trafen sich Putin und Kim?',
    ])
      tg.inlineQuery({ userId: 12, query: q });
    await tg.waitForInline(mark + 1);
    await new Promise((r) => setTimeout(r, 600));
    const answered = tg.inlineAnswers.slice(mark);
    expect(answered).toHaveLength(1);
    const ids = tg.calls
      .filter((c) => c.method === 'answerInlineQuery')
      .slice(-1)
      .map((c) => c.payload.inline_query_id);
    expect(ids).toEqual([answered[0]?.inline_query_id]);
  });

  it('rate-limits a flood per user, answers a 300-character query, and keeps answering others', async () => {
    const mark = tg.inlineAnswers.length;
    for (let i = 0; i < 6; i++) {
      tg.inlineQuery({ userId: 13, query: `Wie viele Panzer hat Russland verloren ${i}` });
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 400));
    expect(tg.inlineAnswers.length - mark).toBe(3); // RATE_LIMIT_INLINE_PER_USER
    for (let i = 0; i < 100; i++) tg.inlineQuery({ userId: 14, query: `Flut ${i} mit Wörtern` });
    tg.inlineQuery({
      userId: 15,
      query: `${'Panzer Russland verloren '.repeat(12)}`.slice(0, 300),
    });
    await tg.waitForInline(mark + 5);
    await new Promise((r) => setTimeout(r, 400));
    expect(tg.inlineAnswers.length - mark).toBe(5); // the flood's last query, and the long one
  });
});

describe('/gaps', () => {
  it('lists turned-away and 👎 questions grouped by content, with counts; refused for non-admins', async () => {
    await ask(USER, 'Wie viele Einwohner hat Hamburg?');
    await ask(OTHER, 'Hamburg: wie viele Einwohner?');
    await ask(USER, 'Wer gewann die Fußball-WM?');
    const mark = tg.sent.length;
    tg.message({ chatId: USER, userId: USER, text: '/gaps' });
    await tg.waitFor(USER, (t) => t === 'Dieser Befehl ist nur für Admins.', mark);
    tg.message({ chatId: ADMIN, userId: ADMIN, text: '/gaps 30' });
    const report = await tg.waitFor(
      ADMIN,
      (t) => t.startsWith('<b>Lücken der letzten 30 Tage</b>'),
      mark,
    );
    expect(report.text).toMatch(/1\. Hamburg: wie viele Einwohner\? — 2× \(\d{4}-\d{2}-\d{2}\)/);
    expect(report.text).toContain('Wer gewann die Fußball-WM? — 1×');
    expect(report.text).toContain('Wie viele Einwohner hat München? — ');
    // The 👎 answer in the group (more 👎 than 👍) is a gap too.
    expect(report.text).toContain('Wie viele Panzer hat Russland verloren?');
    tg.message({ chatId: ADMIN, userId: ADMIN, text: '/gaps zwei' });
    await tg.waitFor(ADMIN, (t) => t.startsWith('Bitte <code>/gaps</code>'), mark);
  });
});

describe('deep links', () => {
  it('each source line links to the article card; good and bad payloads', async () => {
    const answer = await ask(USER, 'Wie viele Panzer hat Russland verloren?');
    const link =
      /<a href="(https:\/\/t\.me\/belegbot_test_bot\?start=(src_[A-Za-z0-9_-]+))">ⓘ<\/a>/.exec(
        answer.text,
      );
    expect(link).not.toBeNull();
    const mark = tg.sent.length;
    tg.message({ chatId: USER, userId: USER, text: `/start ${link?.[2]}` });
    const card = await tg.waitFor(USER, (t) => t.startsWith('<b>'), mark);
    expect(card.text).toMatch(/\n<code>00[01]_[0-9a-f]+<\/code>/);
    for (const bad of [
      'src_',
      'src_gibtsnicht',
      'src_../../etc',
      `src_${'a'.repeat(80)}`,
      'hallo',
      'src_h0123456789abcdef01234567',
    ]) {
      const m = tg.sent.length;
      tg.message({ chatId: USER, userId: USER, text: `/start ${bad}` });
      await tg.waitFor(USER, (t) => t.startsWith('Hallo! Ich beantworte Fragen'), m);
    }
  });
});

describe('after a re-index', () => {
  it('buttons of an answer whose article was removed say so; votes still count', async () => {
    const answer = await ask(USER, 'Welche Kaianlagen entstehen im Hafen Rason?');
    expect(answer.text).toContain('Hafen von Rason wird ausgebaut');
    expect(buttonsOf(answer).map((b) => b.text)).toEqual(['Kontext', 'Weitere Zitate', '👍', '👎']);
    const kept = app.feedback.gaps(0);
    const mark = tg.sent.length;
    tg.message({ chatId: ADMIN, userId: ADMIN, text: '/remove rason' });
    await tg.waitFor(ADMIN, (t) => t.startsWith('🗑 Entfernt'), mark);
    expect(app.feedback.gaps(0)).toEqual(kept); // the re-index left the votes and questions alone
    const after = tg.sent.length;
    expect(await toast(() => tg.press(answer, 'Kontext', USER))).toBe(
      'Der Artikel dieses Zitats ist nicht mehr im Index.',
    );
    expect(await toast(() => tg.press(answer, 'Weitere Zitate', USER, { lang: 'en' }))).toBe(
      'The article of this quote is no longer in the index.',
    );
    expect(await toast(() => tg.press(answer, '👍', USER))).toBe('Danke für Ihre Rückmeldung!');
    expect(tg.sent.slice(after).filter((m) => m.chat_id === USER)).toEqual([]);
  });
});

describe('after a restart', () => {
  it('the buttons of an answer sent before still work: they name stored rows, not memory', async () => {
    const answer = await ask(USER, 'Wie viele Panzer hat Russland verloren?');
    const kid = (parseButton(buttonsOf(answer)[0]?.callback_data ?? '') as { answer: number })
      .answer;
    await app.stop(); // right after the message arrived: the answer's update is still in flight
    app = await start({ STORE_QUESTIONS: 'true', DATA_DIR: dataDir });
    // stop() waited for it, so the answer knows its message (@grammyjs/runner's stop() alone does
    // not wait).
    expect(app.feedback.asked(kid)?.messageId).toBe(answer.message_id);
    const mark = tg.sent.length;
    await toast(() => tg.press(answer, 'Kontext', USER));
    await tg.waitFor(
      USER,
      (t) => t.includes('<i>Kontext:</i>') && t.includes('4.313 Panzer'),
      mark,
    );
    expect(await toast(() => tg.press(answer, '👍', USER))).toBe('Danke für Ihre Rückmeldung!');
    expect(await toast(() => tg.press(answer, '👍', USER))).toBe('Ihre Stimme ist schon gezählt.');
    // Bound to its message now: the same data on another message is refused.
    expect(
      await toast(() =>
        tg.callback({
          chatId: USER,
          userId: USER,
          data: buttonsOf(answer)[0]?.callback_data ?? '',
          messageId: answer.message_id + 1000,
        }),
      ),
    ).toBe('Diese Schaltfläche gehört zu einer anderen Nachricht.');
  });
});

describe('without STORE_QUESTIONS', () => {
  it('/gaps shows counts only and says how to turn texts on; no question text is stored', async () => {
    await app.stop();
    app = await start({}); // the same fake Telegram, a fresh data folder
    expect(app.feedback.storeQuestions).toBe(false);
    await ask(USER, 'Wie viele Einwohner hat Köln?');
    await ask(USER, 'Wie viele Einwohner hat Bonn?');
    const mark = tg.sent.length;
    tg.message({ chatId: ADMIN, userId: ADMIN, text: '/gaps' });
    const report = await tg.waitFor(
      ADMIN,
      (t) => t.startsWith('<b>Lücken der letzten 7 Tage</b>'),
      mark,
    );
    expect(report.text).toContain('2 Fragen ohne Antwort, 0 Antworten mit 👎.');
    expect(report.text).toContain('<code>STORE_QUESTIONS=true</code>');
    expect(report.text).not.toContain('Köln');
    expect(app.feedback.gaps(0)).toEqual({ turnedAway: 2, downVoted: 0, groups: null });
  });
});
