import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StoredArticle } from '../../src/index/db.js';
import { gapsText } from '../../src/bot/admin.js';
import { answerKeyboard, buttonData, parseButton } from '../../src/bot/buttons.js';
import { articleFromPayload, articleLink, articlePayload } from '../../src/bot/deepLink.js';
import { openFeedbackStore, questionTopic, quoteHash } from '../../src/bot/feedbackStore.js';
import { contextHtml } from '../../src/bot/format.js';
import { quoteTitle } from '../../src/bot/inline.js';
import { parseTelegramHtml } from '../fakeTelegram.js';
import { tempDir } from '../helpers.js';

const DAY = 86_400_000;

describe('feedback store', () => {
  it('keeps question text only with STORE_QUESTIONS, and forgets it after the retention (on open too)', () => {
    const file = path.join(tempDir(), 'feedback.sqlite');
    const now = Date.now();
    const store = openFeedbackStore(file, { storeQuestions: true, retentionDays: 30 });
    store.recordAsked({
      question: 'Wie viele Einwohner hat Hamburg?',
      found: false,
      via: 'chat',
      now: now - 40 * DAY,
    });
    store.recordAsked({
      question: 'Hamburg, Einwohner wie viele?',
      found: false,
      via: 'inline',
      now: now - 2 * DAY,
    });
    store.recordAsked({ question: 'Wer gewann?', found: false, via: 'chat', now: now - DAY / 2 });
    expect(store.gaps(now - 60 * DAY).groups?.map((g) => [g.question, g.count])).toEqual([
      ['Hamburg, Einwohner wie viele?', 2],
      ['Wer gewann?', 1],
    ]);
    expect(store.purge(now)).toBe(1);
    // Equal counts: the newest first.
    expect(store.gaps(now - 60 * DAY)).toMatchObject({
      turnedAway: 3,
      groups: [
        { question: 'Wer gewann?', count: 1 },
        { question: 'Hamburg, Einwohner wie viele?', count: 1 },
      ],
    });
    store.close();
    // A store opened with a shorter retention forgets on open.
    const reopened = openFeedbackStore(file, { storeQuestions: true, retentionDays: 1 });
    expect(reopened.gaps(0).groups?.map((g) => g.question)).toEqual(['Wer gewann?']);
    reopened.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) AS n FROM asked WHERE question IS NOT NULL').get()).toEqual(
      { n: 1 },
    );
    raw.close();
  });

  it('without STORE_QUESTIONS writes no text and no stems, only counts', () => {
    const file = path.join(tempDir(), 'feedback.sqlite');
    const store = openFeedbackStore(file, { storeQuestions: false, retentionDays: 30 });
    store.recordAsked({ question: 'Geheime Frage zu Köln?', found: false, via: 'chat' });
    expect(store.gaps(0)).toEqual({ turnedAway: 1, downVoted: 0, groups: null });
    store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT question, topic FROM asked').all()).toEqual([
      { question: null, topic: null },
    ]);
    raw.close();
  });

  it('every write is committed on return: another connection sees it while the store is open', () => {
    const file = path.join(tempDir(), 'feedback.sqlite');
    const store = openFeedbackStore(file, { storeQuestions: false, retentionDays: 30 });
    const id = store.recordAsked({
      question: 'q',
      found: true,
      via: 'chat',
      quotes: [
        {
          position: 0,
          shown: true,
          articleId: 'a',
          start: 0,
          end: 5,
          textHash: quoteHash('Hallo'),
        },
      ],
    });
    store.attachMessage(id, 7, 70);
    expect(store.vote(id, 1, false)).toBe('recorded');
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT chat_id, message_id FROM asked WHERE id = ?').get(id)).toEqual({
      chat_id: 7,
      message_id: 70,
    });
    expect(other.prepare('SELECT vote FROM votes WHERE asked = ?').all(id)).toEqual([{ vote: -1 }]);
    expect(other.prepare('SELECT COUNT(*) AS n FROM quotes WHERE asked = ?').get(id)).toEqual({
      n: 1,
    });
    other.close();
    // An answer voted 👎 is a gap; 👍 from another reader evens it out.
    expect(store.gaps(0).downVoted).toBe(1);
    store.vote(id, 2, true);
    expect(store.gaps(0).downVoted).toBe(0);
    store.close();
  });

  it('groups questions by their content stems, whatever the order and function words', () => {
    expect(questionTopic('Wie viele Einwohner hat Hamburg?')).toBe(
      questionTopic('Hamburg: wie viele Einwohner?'),
    );
    expect(questionTopic('Wie viele Einwohner hat Hamburg?')).not.toBe(
      questionTopic('Wie viele Einwohner hat Bremen?'),
    );
  });
});

describe('gaps report text', () => {
  it('fits one message and escapes the questions', () => {
    const groups = Array.from({ length: 30 }, (_, i) => ({
      question: `<b>Frage ${i}</b> ${'x'.repeat(400)}`,
      count: 30 - i,
      lastAt: Date.UTC(2026, 10, 30),
    }));
    const text = gapsText('de', 7, { turnedAway: 40, downVoted: 5, groups }, 30);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(parseTelegramHtml(text)).not.toHaveProperty('error');
    expect(text).toContain('1. &lt;b&gt;Frage 0&lt;/b&gt;');
    expect(text).toMatch(/… und \d+ weitere$/);
    expect(gapsText('en', 1, { turnedAway: 0, downVoted: 0, groups: [] }, 30)).toBe(
      '<b>Gaps of the last 1 day</b>\n0 questions turned away, 0 answers voted 👎.\nNothing open.',
    );
  });
});

describe('buttons', () => {
  it('callback data round-trips and stays within 64 bytes for the largest ids', () => {
    const refs = [0, 1, 2]
      .map((position) => ({
        position,
        shown: true,
        articleId: 'a',
        start: 0,
        end: 1,
        textHash: 'h',
      }))
      .concat([{ position: 3, shown: false, articleId: 'a', start: 0, end: 1, textHash: 'h' }]);
    const keyboard = answerKeyboard(Number.MAX_SAFE_INTEGER, refs, 'de');
    const buttons = keyboard.inline_keyboard.flat() as Array<{
      text: string;
      callback_data: string;
    }>;
    expect(buttons.map((b) => b.text)).toEqual([
      'Kontext 1',
      'Kontext 2',
      'Kontext 3',
      'Weitere Zitate',
      '👍',
      '👎',
    ]);
    for (const b of buttons) {
      expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
      expect(buttonData(parseButton(b.callback_data) ?? { kind: 'more', answer: -1 })).toBe(
        b.callback_data,
      );
    }
    for (const forged of [
      '',
      'k:',
      'k:1',
      'v:1:x',
      'w:1:2',
      'k:1:2:3',
      'replace:1',
      `w:${'9'.repeat(40)}`,
    ])
      expect(parseButton(forged)).toBeNull();
  });
});

describe('context', () => {
  const paragraph = `${'Ein Satz davor mit <Zeichen>. '.repeat(200)}Das Zitat selbst & mehr. ${'Ein Satz danach. '.repeat(200)}`;
  const text = `Titel\n\n${paragraph}\n\nNächster Absatz.`;
  const article: StoredArticle = {
    row: 1,
    id: 'a',
    file: 'a.md',
    hash: 'h',
    text,
    meta: { title: 'T', date: '2024-05-28' },
  };
  const start = text.indexOf('Das Zitat');
  const end = start + 'Das Zitat selbst & mehr.'.length;

  it('shows the whole paragraph with the quote in bold when it fits', () => {
    const short: StoredArticle = {
      ...article,
      text: 'Vorher. Das Zitat selbst & mehr. Nachher.\n\nAnders.',
    };
    const s = short.text.indexOf('Das');
    expect(contextHtml(short, s, s + 24, 'de')).toBe(
      '<blockquote>Vorher. <b>Das Zitat selbst &amp; mehr.</b> Nachher.</blockquote>\n<i>Kontext:</i> T, 28.05.2024',
    );
  });

  it('a paragraph too long to be context (an article in one block): two sentences on either side', () => {
    const html = contextHtml(article, start, end, 'de');
    const parsed = parseTelegramHtml(html);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.text.replace(/\nKontext:.*$/s, '')).toBe(
      '[…] Ein Satz davor mit <Zeichen>. Ein Satz davor mit <Zeichen>. Das Zitat selbst & mehr. Ein Satz danach. Ein Satz danach. […]',
    );
  });

  it('cuts the context around a quote at words, within 4096 characters, all of it from the article', () => {
    const long = `${'Wort '.repeat(2000)}Das Zitat selbst & mehr.`;
    const whole: StoredArticle = { ...article, text: long };
    const [start, end] = [long.indexOf('Das Zitat'), long.length];
    const html = contextHtml(whole, start, end, 'de');
    expect(html.length).toBeLessThanOrEqual(4096);
    expect(html).toContain('<b>Das Zitat selbst &amp; mehr.</b>');
    const parsed = parseTelegramHtml(html);
    if ('error' in parsed) throw new Error(parsed.error);
    const inner = parsed.text.replace(/\nKontext:.*$/s, '');
    expect(inner.startsWith('[…] ')).toBe(true);
    expect(long).toContain(inner.slice(4));
  });

  it('an excerpt of a long paragraph is marked […] at both ends, all of it from the article', () => {
    const html = contextHtml(article, start, end, 'de');
    expect(html.length).toBeLessThanOrEqual(4096);
    expect(html).toContain('<b>Das Zitat selbst &amp; mehr.</b>');
    const parsed = parseTelegramHtml(html);
    if ('error' in parsed) throw new Error(parsed.error);
    const inner = parsed.text.replace(/\nKontext:.*$/s, '');
    expect(inner.startsWith('[…] ')).toBe(true);
    expect(inner.endsWith(' […]')).toBe(true);
    expect(text).toContain(inner.slice(4, -4));
  });
});

describe('deep links and titles', () => {
  it('a safe id is its own payload, any other one a hash found among the articles', () => {
    const ids = ['000_86a42e72cadfc67f', 'Bericht über Kim', 'x'.repeat(70)];
    const has = (id: string) => ids.includes(id);
    for (const id of ids) {
      const payload = articlePayload(id);
      expect(payload).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(articleFromPayload(payload, () => ids, has)).toBe(id);
    }
    expect(articleLink('belegbot', ids[0] ?? '')).toBe(
      'https://t.me/belegbot?start=src_000_86a42e72cadfc67f',
    );
    expect(articleFromPayload('src_nope', () => ids, has)).toBeNull();
    expect(articleFromPayload('start', () => ids, has)).toBeNull();
  });

  it('quoteTitle cuts at a word and marks the cut', () => {
    expect(quoteTitle('Kurz.')).toBe('Kurz.');
    const title = quoteTitle(`${'Wort '.repeat(30)}Ende`);
    expect(title.length).toBeLessThanOrEqual(64);
    expect(title.endsWith('Wort…')).toBe(true);
  });
});
