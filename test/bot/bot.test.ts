import type { Update, UserFromGetMe } from 'grammy/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot/bot.js';
import { createRateLimiter } from '../../src/bot/rateLimit.js';
import { aboutText, helpText, sourcesText, userLanguage } from '../../src/bot/replies.js';
import { groupTrigger, parseCommand } from '../../src/bot/triggers.js';
import { type Engine, createEngine } from '../../src/answer/engine.js';
import { buildIndex } from '../../src/index/indexer.js';
import { createLogger } from '../../src/logger.js';
import { CORPUS, tempDir } from '../helpers.js';

const me = { id: 999, username: 'belegbot_test_bot' };
const botInfo = {
  id: 999,
  is_bot: true,
  first_name: 'Belegbot',
  username: me.username,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as unknown as UserFromGetMe;

describe('parseCommand', () => {
  it('reads the command, its @target and the rest', () => {
    expect(
      parseCommand('/ask@belegbot_test_bot Wo?', [{ type: 'bot_command', offset: 0, length: 22 }]),
    ).toEqual({ command: 'ask', target: 'belegbot_test_bot', rest: 'Wo?' });
    expect(
      parseCommand('/ASK  Wo ist das?', [{ type: 'bot_command', offset: 0, length: 4 }]),
    ).toEqual({ command: 'ask', target: null, rest: 'Wo ist das?' });
    expect(parseCommand('Frage /ask', [{ type: 'bot_command', offset: 6, length: 4 }])).toBeNull();
  });
});

describe('groupTrigger', () => {
  const cmd = (text: string) => ({
    text,
    entities: [
      { type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]?.length ?? 0 },
    ],
  });
  it('answers /ask, /ask@thisbot, mentions and replies to the bot', () => {
    expect(groupTrigger(cmd('/ask Wo trafen sie sich?'), me)).toEqual({
      kind: 'command',
      question: 'Wo trafen sie sich?',
    });
    expect(groupTrigger(cmd('/ask@belegbot_test_bot Wo?'), me)).toEqual({
      kind: 'command',
      question: 'Wo?',
    });
    expect(
      groupTrigger(
        {
          text: '@belegbot_test_bot, wo trafen sie sich?',
          entities: [{ type: 'mention', offset: 0, length: 18 }],
        },
        me,
      ),
    ).toEqual({ kind: 'mention', question: 'wo trafen sie sich?' });
    expect(
      groupTrigger(
        {
          text: 'Sag mal @BelegBot_Test_Bot wer ist Easley?',
          entities: [{ type: 'mention', offset: 8, length: 18 }],
        },
        me,
      ),
    ).toEqual({ kind: 'mention', question: 'Sag mal wer ist Easley?' });
    expect(
      groupTrigger(
        {
          text: 'Und Kim?',
          reply_to_message: {
            message_id: 1,
            date: 0,
            chat: { id: 1, type: 'group', title: 't' },
            from: { id: 999, is_bot: true, first_name: 'B' },
          } as never,
        },
        me,
      ),
    ).toEqual({ kind: 'reply', question: 'Und Kim?' });
  });
  it("stays silent on chatter, other bots' commands, other commands and topic roots", () => {
    expect(groupTrigger({ text: 'Guten Morgen zusammen' }, me)).toBeNull();
    expect(groupTrigger(cmd('/ask@other_bot Wo?'), me)).toBeNull();
    expect(groupTrigger(cmd('/start'), me)).toBeNull();
    expect(
      groupTrigger(
        { text: '@someone_else hallo', entities: [{ type: 'mention', offset: 0, length: 13 }] },
        me,
      ),
    ).toBeNull();
    const topicRoot = {
      message_id: 5,
      date: 0,
      chat: { id: 1, type: 'supergroup', title: 't' },
      from: { id: 999, is_bot: true, first_name: 'B' },
      forum_topic_created: { name: 'x', icon_color: 1 },
    };
    expect(
      groupTrigger({ text: 'Chatter im Thema', reply_to_message: topicRoot as never }, me),
    ).toBeNull();
  });
});

describe('createRateLimiter', () => {
  it('allows N per window and warns once', () => {
    const rl = createRateLimiter(2, 1000);
    expect([rl.hit('u', 0), rl.hit('u', 10), rl.hit('u', 20)]).toEqual([true, true, false]);
    expect([rl.shouldWarn('u', 20), rl.shouldWarn('u', 30)]).toEqual([true, false]);
    expect(rl.hit('u', 1015)).toBe(true);
    expect(rl.hit('other', 20)).toBe(true);
  });
});

describe('reply builders', () => {
  it('userLanguage: German by default and for de-*, English otherwise', () => {
    expect([
      userLanguage(undefined),
      userLanguage('de'),
      userLanguage('de-AT'),
      userLanguage('en'),
      userLanguage('fr'),
    ]).toEqual(['de', 'de', 'de', 'en', 'en']);
  });
  it('help explains privacy mode and escapes the username', () => {
    expect(helpText('de', 'a<b', 1000)).toContain('Privatsphäre-Modus');
    expect(helpText('de', 'a<b', 1000)).toContain('@a&lt;b');
    expect(helpText('en', 'bot', 500)).toContain('privacy mode');
  });
  it('sources lists titles with source, date and id, and fits one message', () => {
    const articles = Array.from({ length: 500 }, (_, i) => ({
      id: `a${i}`,
      meta: { title: `Titel <${i}>`, source: 'DW', date: '2023-09-13' },
    }));
    const text = sourcesText('de', articles);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toContain('• Titel &lt;0&gt; – DW, 13.09.2023 <code>a0</code>');
    expect(text).toMatch(/… und \d+ weitere$/);
  });
  it('about names model, counts and date', () => {
    expect(
      aboutText('en', {
        model: 'Xenova/multilingual-e5-small',
        mode: 'hybrid',
        articles: 2,
        chunks: 20,
        builtAt: '2026-11-22T20:00:00.000Z',
      }),
    ).toBe(
      '<b>belegbot</b>\nModel: Xenova/multilingual-e5-small\nSearch: hybrid\nArticles: 2, chunks: 20\nIndex built: 2026-11-22 20:00:00 UTC',
    );
    const info = {
      model: null,
      missingModel: 'Xenova/multilingual-e5-small',
      mode: 'lexical',
      articles: 2,
      chunks: 20,
      builtAt: '2026-11-22T20:00:00.000Z',
    };
    expect(
      aboutText('de', {
        ...info,
        threshold: { value: 0.44, source: 'calibrated', calibratedAt: '2026-12-01T10:00:00.000Z' },
      }),
    ).toBe(
      '<b>belegbot</b>\nModell: keins – Xenova/multilingual-e5-small konnte nicht geladen werden, der Bot läuft ohne Modell (nur Stichwortsuche)\nSuche: lexical\nArtikel: 2, Abschnitte: 20\nIndex vom: 2026-11-22 20:00:00 UTC\nSchwelle für Antworten: 0.44 (kalibriert am 2026-12-01)',
    );
    expect(
      aboutText('en', {
        ...info,
        missingModel: '/srv/models/<b>tiny',
        threshold: { value: 0.48, source: 'default' },
      }),
    ).toContain('none – &lt;b&gt;tiny could not be loaded');
    expect(aboutText('en', { ...info, threshold: { value: 0.48, source: 'default' } })).toMatch(
      /\nAnswer threshold: 0\.48 \(built-in default\)$/,
    );
  });
});

describe('createBot (calls recorded, updates fed by handleUpdate)', () => {
  let engine: Engine;
  beforeAll(async () => {
    const data = tempDir();
    await buildIndex({ corpusDir: CORPUS, dataDir: data, embedder: null });
    engine = createEngine({ dataDir: data, mode: 'lexical', embedder: null });
  });

  function harness() {
    const calls: Array<{ method: string; payload: Record<string, unknown> }> = [];
    const bot = createBot({
      engine,
      logger: createLogger('silent'),
      settings: {
        token: '1:fake',
        apiRoot: 'http://127.0.0.1:9',
        maxQuestionLength: 200,
        rateLimitPerUser: 3,
        rateLimitPerChat: 30,
        logQuestions: false,
        modelId: null,
        mode: 'lexical',
        botInfo,
        throttle: false,
      },
    });
    bot.api.config.use(async (_prev, method, payload) => {
      calls.push({ method, payload: payload });
      return {
        ok: true,
        result: (method === 'sendMessage'
          ? { message_id: calls.length, date: 0, chat: { id: 1, type: 'private' } }
          : true) as never,
      };
    });
    let id = 1;
    const send = (message: Record<string, unknown>) =>
      bot.handleUpdate({
        update_id: id++,
        message: {
          message_id: id,
          date: 0,
          from: { id: 42, is_bot: false, first_name: 'Ada' },
          ...message,
        },
      } as Update);
    const texts = () =>
      calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.payload.text));
    return { bot, calls, send, texts };
  }
  const privateChat = { id: 42, type: 'private', first_name: 'Ada' };
  const group = { id: -100, type: 'supergroup', title: 'Redaktion' };

  it('answers a private question with a blockquote, a citation, as a reply, after "typing"', async () => {
    const h = harness();
    await h.send({ chat: privateChat, text: 'In welcher Region liegt das Kosmodrom Wostotschny?' });
    expect(h.calls.map((c) => c.method)).toEqual(['sendChatAction', 'sendMessage']);
    const payload = h.calls[1]?.payload ?? {};
    expect(payload.parse_mode).toBe('HTML');
    expect(payload.reply_parameters).toMatchObject({ message_id: 2 });
    expect(String(payload.text)).toMatch(
      /^<blockquote>.*ostrussischen Amur-Region\.<\/blockquote> \[1\]/s,
    );
    expect(String(payload.text)).toContain(
      '[1] <b>Russland und Nordkorea suchen Schulterschluss</b> – DW, Julian Ryall, 13.09.2023',
    );
  });

  it('small talk gets a friendly line with an example question the articles answer, never a quote', async () => {
    const h = harness(); // three messages a minute per user
    for (const text of ['Hallo!', 'Danke!', 'Hallo, was kannst du?'])
      await h.send({ chat: privateChat, text });
    const replies = h.texts();
    expect(replies[0]).toMatch(/^Hallo! Ich beantworte Fragen zu 2 Artikeln/);
    expect(replies[1]).toMatch(/^Gern geschehen!/);
    expect(replies[2]).toMatch(/^Ich suche in 2 Artikeln/);
    for (const r of replies) {
      expect(r).not.toMatch(/Dazu steht nichts|<blockquote>/);
      const example = /<i>(.*)<\/i>/.exec(r)?.[1] ?? '';
      expect(example).not.toBe('');
      expect((await engine.answer(example)).found).toBe(true);
    }
    // A greeting with a question is a question.
    const q = harness();
    await q.send({
      chat: privateChat,
      text: 'Hallo, in welcher Region liegt das Kosmodrom Wostotschny?',
    });
    expect(q.texts()[0]).toMatch(/^<blockquote>/);
  });

  it('says so when the articles do not answer', async () => {
    const h = harness();
    await h.send({ chat: privateChat, text: 'Wie viele Einwohner hat München?' });
    expect(h.texts()[0]).toMatch(/^Dazu steht nichts in den Artikeln\./);
  });

  it('escapes HTML in questions and refuses over-long ones', async () => {
    const h = harness();
    await h.send({
      chat: privateChat,
      text: '<script>alert(1)</script> Wie viele Flugzeuge hat Russland verloren?',
    });
    await h.send({ chat: privateChat, text: 'x'.repeat(201) });
    expect(h.texts()[0]).toContain('315 Flugzeuge');
    expect(h.texts()[0]).not.toContain('<script>');
    expect(h.texts()[1]).toBe(
      'Die Frage ist zu lang (201 Zeichen, höchstens 200). Bitte kürzer fassen.',
    );
  });

  it('commands: /start, /help, /sources, /about, unknown commands, /ask without a question', async () => {
    const h = harness();
    const cmd = (text: string) =>
      h.send({
        chat: privateChat,
        text,
        entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]?.length ?? 0 }],
      });
    for (const c of ['/start', '/help', '/sources', '/about', '/frobnicate', '/ask']) await cmd(c);
    const [start, help, sources, about, unknown, ask] = h.texts();
    expect(start).toContain('2 Nachrichtenartikeln');
    expect(help).toContain('Privatsphäre-Modus');
    expect(sources).toContain('<b>2 Artikel im Index</b>');
    expect(about).toContain('Artikel: 2, Abschnitte: 20');
    expect(unknown).toBe('Diesen Befehl kenne ich nicht. /help zeigt, was ich kann.');
    expect(ask).toContain('Bitte die Frage nach dem Befehl schreiben');
  });

  it('English users get English commands', async () => {
    const h = harness();
    await h.bot.handleUpdate({
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: privateChat,
        from: { id: 1, is_bot: false, first_name: 'A', language_code: 'en' },
        text: '/help',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    } as Update);
    expect(h.texts()[0]).toContain('How belegbot works');
  });

  it('groups: silent on chatter and media, answers triggers in the same forum topic', async () => {
    const h = harness();
    await h.send({ chat: group, text: 'Guten Morgen! Wo liegt das Kosmodrom?' });
    await h.send({
      chat: group,
      photo: [{ file_id: 'x', file_unique_id: 'y', width: 1, height: 1 }],
    });
    expect(h.calls).toEqual([]);
    await h.send({
      chat: { ...group, is_forum: true },
      text: '/ask@belegbot_test_bot Wo liegt das Kosmodrom Wostotschny?',
      entities: [{ type: 'bot_command', offset: 0, length: 22 }],
      message_thread_id: 7,
      is_topic_message: true,
    });
    const send = h.calls.find((c) => c.method === 'sendMessage');
    expect(send?.payload.message_thread_id).toBe(7);
    expect(String(send?.payload.text)).toContain('Amur-Region');
  });

  it('private non-text messages get a hint', async () => {
    const h = harness();
    await h.send({
      chat: privateChat,
      sticker: {
        file_id: 's',
        file_unique_id: 's',
        type: 'regular',
        width: 1,
        height: 1,
        is_animated: false,
        is_video: false,
      },
    });
    expect(h.texts()).toEqual(['Ich verstehe nur Text. Schreiben Sie Ihre Frage als Nachricht.']);
  });

  it('rate-limits per user with one friendly message', async () => {
    const h = harness();
    for (let i = 0; i < 6; i++)
      await h.send({ chat: privateChat, text: 'Wo liegt das Kosmodrom Wostotschny?' });
    const texts = h.texts();
    expect(texts).toHaveLength(4);
    expect(texts[3]).toBe(
      'Bitte etwas langsamer – höchstens 3 Fragen pro Minute. Gleich geht es weiter.',
    );
  });

  it('one error boundary: a failing update is answered with an apology and the bot goes on', async () => {
    const broken = {
      ...engine,
      answer: async () => {
        throw new Error('disk on fire');
      },
    } as Engine;
    const bot = createBot({
      engine: broken,
      logger: createLogger('silent'),
      settings: {
        token: '1:fake',
        apiRoot: 'http://127.0.0.1:9',
        maxQuestionLength: 200,
        rateLimitPerUser: 9,
        rateLimitPerChat: 9,
        logQuestions: false,
        modelId: null,
        mode: 'lexical',
        botInfo,
        throttle: false,
      },
    });
    const texts: string[] = [];
    bot.api.config.use(async (_p, method, payload) => {
      if (method === 'sendMessage') texts.push(String((payload as { text: string }).text));
      return { ok: true, result: { message_id: 1, date: 0, chat: privateChat } as never };
    });
    await bot.handleUpdate({
      update_id: 5,
      message: {
        message_id: 1,
        date: 0,
        chat: privateChat,
        from: { id: 1, is_bot: false, first_name: 'A' },
        text: 'Frage?',
      },
    } as Update);
    await bot.handleUpdate({
      update_id: 6,
      message: {
        message_id: 2,
        date: 0,
        chat: privateChat,
        from: { id: 1, is_bot: false, first_name: 'A' },
        text: '/help',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    } as Update);
    expect(texts[0]).toBe(
      'Entschuldigung, da ist etwas schiefgegangen. Bitte versuchen Sie es noch einmal.',
    );
    expect(texts[1]).toContain('So funktioniert belegbot');
  });
});
