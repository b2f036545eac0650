/**
 * End to end: the real start-up code path (src/app.ts, and src/main.ts as a process) against the
 * local fake Bot API server, with real SQLite, HNSW and transformers.js on the tiny model.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../src/app.js';
import { createConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { FakeTelegram } from './fakeTelegram.js';
import { ROOT, copyCorpus, makeTinyModel, npmScriptArgs, tempDir } from './helpers.js';

let tg: FakeTelegram;
let app: App;
let model: string;
let env: Record<string, string>;

beforeAll(async () => {
  tg = new FakeTelegram();
  await tg.start();
  model = await makeTinyModel();
  env = {
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.url,
    EMBEDDING_MODEL: model,
    CORPUS_DIR: copyCorpus(),
    DATA_DIR: tempDir(),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_USER: '100',
  };
  app = await startApp({
    config: createConfig(env),
    logger: createLogger('silent'),
    botSettings: { maxRetryDelaySeconds: 5 },
  });
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

const group = -1001;

describe('npm start code path against a fake Telegram', () => {
  it('registers localized commands and builds the index on start', () => {
    const commands = tg.calls.filter((c) => c.method === 'setMyCommands');
    expect(commands.map((c) => c.payload.language_code ?? 'default')).toEqual(['default', 'de']);
    expect(app.engine.current().manifest.articles).toBe(2);
  });

  it('private question → quoted reply with citation', async () => {
    const before = tg.sent.length;
    const u = tg.message({ chatId: 42, text: 'Wie viele Flugzeuge hat Russland verloren?' });
    const [reply] = (await tg.waitForSent(before + 1)).slice(before);
    expect(reply?.chat_id).toBe(42);
    expect(reply?.reply_to).toBe(u.message?.message_id);
    expect(reply?.parse_mode).toBe('HTML');
    expect(reply?.text).toMatch(/<blockquote>[^<]*315 Flugzeuge[^<]*<\/blockquote> \[1\]/);
    expect(reply?.text).toContain('[1] <b>Moskau/Pjöngjang');
    expect(
      tg.calls.some((c) => c.method === 'sendChatAction' && c.payload.action === 'typing'),
    ).toBe(true);
  });

  it('group: /ask@botname, mention and reply-to-bot are answered; chatter gets silence', async () => {
    const before = tg.sent.length;
    tg.message({ chatId: group, chatType: 'supergroup', text: 'Moin, wer hat Kaffee?' });
    tg.message({
      chatId: group,
      chatType: 'supergroup',
      text: '/ask@belegbot_test_bot In welcher Region liegt das Kosmodrom Wostotschny?',
      entities: [{ type: 'bot_command', offset: 0, length: 22 }],
    });
    tg.message({
      chatId: group,
      chatType: 'supergroup',
      text: '@belegbot_test_bot Wo lehrt Yakov Zinberg?',
      entities: [{ type: 'mention', offset: 0, length: 18 }],
    });
    const botMessage = {
      message_id: 1,
      date: 0,
      chat: { id: group, type: 'supergroup', title: 'R' },
      from: tg.botInfo,
      text: 'frühere Antwort',
    };
    tg.message({
      chatId: group,
      chatType: 'supergroup',
      text: 'Wofür stimmten Russland und China im UNO-Sicherheitsrat?',
      replyTo: botMessage,
    });
    tg.message({ chatId: group, chatType: 'supergroup', text: 'Noch mehr Geplauder ohne Bot' });
    // Updates of one chat are handled in order: three replies and nothing for the chatter.
    const replies = (await tg.waitForSent(before + 3)).slice(before);
    await new Promise((r) => setTimeout(r, 300));
    expect(tg.sent.length).toBe(before + 3);
    expect(replies.map((r) => r.chat_id)).toEqual([group, group, group]);
    expect(replies[0]?.text).toContain('Amur-Region');
    expect(replies[1]?.text).toContain('Kokushikan-Universität');
    expect(replies[2]?.text).toContain('Sanktionen gegen Nordkorea');
  });

  it('429 with retry_after → retried and delivered', async () => {
    const before = tg.sent.length;
    tg.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const started = Date.now();
    tg.message({ chatId: 43, text: 'Wo trafen sich Putin und Kim Jong Un?' });
    const [reply] = (await tg.waitForSent(before + 1)).slice(before);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(reply?.text).toContain('Kosmodrom Wostotschny');
  });

  it('a 400 parse error → the same answer as plain text', async () => {
    const before = tg.sent.length;
    tg.failNext('sendMessage', {
      error_code: 400,
      description:
        'Bad Request: can\'t parse entities: Unsupported start tag "blockquote" at byte offset 0',
    });
    tg.message({ chatId: 44, text: 'Wo trafen sich Putin und Kim Jong Un?' });
    const [reply] = (await tg.waitForSent(before + 1)).slice(before);
    expect(reply?.parse_mode).toBeUndefined();
    expect(reply?.text).toMatch(
      /^„.*Kosmodrom Wostotschny.*“ \[1\]\n\nQuellen:\n\[1\] Russland und Nordkorea suchen Schulterschluss/s,
    );
  });

  it('forum topics: the answer goes to the same topic', async () => {
    const before = tg.sent.length;
    tg.message({
      chatId: -1002,
      chatType: 'supergroup',
      threadId: 77,
      text: '/ask Wo lehrt Yakov Zinberg?',
    });
    const [reply] = (await tg.waitForSent(before + 1)).slice(before);
    expect(reply?.message_thread_id).toBe(77);
  });

  it("every reply passed Telegram's HTML and length checks", () => {
    for (const m of tg.sent) expect(m.text.length).toBeLessThanOrEqual(4096);
  });
});

describe('npm start as a process', () => {
  it('without a token prints how to get one and exits non-zero', () => {
    const r = spawnSync(process.execPath, npmScriptArgs('start'), {
      cwd: tempDir(),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('TELEGRAM_BOT_TOKEN is not set.');
    expect(r.stderr).toContain('@BotFather');
  });

  it('with a malformed token names the key and never prints the value', () => {
    const r = spawnSync(process.execPath, npmScriptArgs('start'), {
      cwd: tempDir(),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', TELEGRAM_BOT_TOKEN: 'oops-secret-value' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('TELEGRAM_BOT_TOKEN: must look like');
    expect(r.stderr).not.toContain('oops-secret-value');
  });

  it('answers, then shuts down on SIGTERM with a question in flight: answered or cleanly cancelled, exit 0', async () => {
    const own = new FakeTelegram();
    await own.start();
    const child = spawn(process.execPath, npmScriptArgs('start'), {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        TELEGRAM_BOT_TOKEN: own.token,
        TELEGRAM_API_ROOT: own.url,
        DATA_DIR: tempDir(),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (d) => {
      log += String(d);
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!log.includes('long polling') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      own.message({ chatId: 7, text: 'Wie viele Panzer hat Russland verloren?' });
      await own.waitForSent(1);
      expect(own.sent[0]?.text).toContain('4.313 Panzer');
      // Now a question and the signal at once.
      own.message({ chatId: 7, text: 'Wo lehrt Yakov Zinberg?' });
      await new Promise((r) => setTimeout(r, 30));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(own.sent.length === 1 || own.sent[1]?.text.includes('Kokushikan')).toBe(true);
      expect(log).toContain('"msg":"stopped"');
      // Logs carry latency and found, never the token or (by default) the question.
      expect(log).toMatch(/"found":true.*"latency_ms":\d+/);
      expect(log).not.toContain(own.token);
      expect(log).not.toContain('Panzer');
    } finally {
      child.kill('SIGKILL');
      await own.stop();
    }
  });
});

/**
 * A second app with its own fake Telegram and data folder, the shared environment plus `extra`;
 * stopped after `use`.
 */
async function withOwnApp(
  extra: Record<string, string>,
  use: (own: FakeTelegram, app: App) => Promise<void>,
  logs?: string[],
): Promise<void> {
  const own = new FakeTelegram();
  await own.start();
  const ownApp = await startApp({
    config: createConfig({
      ...env,
      TELEGRAM_API_ROOT: own.url,
      TELEGRAM_BOT_TOKEN: own.token,
      DATA_DIR: tempDir(),
      ...extra,
    }),
    logger: logs
      ? createLogger('warn', { write: (line: string) => void logs.push(line) })
      : createLogger('silent'),
  });
  try {
    await use(own, ownApp);
  } finally {
    await ownApp.stop();
    await own.stop();
  }
}

describe('configuration reaches the answerer', () => {
  it('MIN_ANSWER_SCORE: at 1, even a question the articles answer word for word gets "not in the articles"', async () => {
    await withOwnApp({ MIN_ANSWER_SCORE: '1' }, async (own) => {
      own.message({ chatId: 7, text: 'Wie viele Flugzeuge hat Russland verloren?' });
      const [reply] = await own.waitForSent(1);
      expect(reply?.text).toMatch(/^Dazu steht nichts in den Artikeln\./);
    });
  });
});

describe('webhook mode', () => {
  it('checks the secret token on every request, answers, and serves /healthz', async () => {
    await withOwnApp(
      {
        WEBHOOK_URL: 'https://bot.example.org/telegram/hook',
        WEBHOOK_SECRET: 'geheim_123',
        PORT: '0',
      },
      async (own, webhookApp) => {
        const address = webhookApp.server?.address();
        const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
        expect(own.calls.find((c) => c.method === 'setWebhook')?.payload).toMatchObject({
          url: 'https://bot.example.org/telegram/hook',
          secret_token: 'geheim_123',
        });
        const health = await fetch(`${base}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({
          ok: true,
          articles: 2,
          chunks: 20,
          mode: 'hybrid',
          model,
          inbox: { waiting: 0, inFlight: 0, givenUp24h: 0 },
        });
        const update = {
          update_id: 1,
          message: {
            message_id: 5,
            date: 0,
            chat: { id: 9, type: 'private', first_name: 'A' },
            from: { id: 9, is_bot: false, first_name: 'A' },
            text: 'Wo lehrt Yakov Zinberg?',
          },
        };
        const post = (secret?: string) =>
          fetch(`${base}/telegram/hook`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
            },
            body: JSON.stringify(update),
          });
        expect((await post()).status).toBe(401);
        expect((await post('falsch')).status).toBe(401);
        expect(own.sent).toHaveLength(0);
        expect((await post('geheim_123')).status).toBe(200);
        await own.waitForSent(1);
        expect(own.sent[0]?.text).toContain('Kokushikan-Universität');
        // Telegram sends an update again when it saw no 200: answered once all the same.
        expect((await post('geheim_123')).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(own.sent).toHaveLength(1);
        const raw = (body: string) =>
          fetch(`${base}/telegram/hook`, {
            method: 'POST',
            headers: { 'x-telegram-bot-api-secret-token': 'geheim_123' },
            body,
          });
        expect((await raw('{"kein": json')).status).toBe(400);
        expect((await raw('{"message": {}}')).status).toBe(400);
        expect(
          (
            await raw(`{"update_id": 7, "x": "${'a'.repeat(1_100_000)}"}`).catch(() => ({
              status: 413,
            }))
          ).status,
        ).toBe(413);
        expect((await fetch(`${base}/other`)).status).toBe(404);
      },
    );
  });
});

describe('npm start when the model cannot be loaded', () => {
  const about = async (own: FakeTelegram) => {
    const before = own.sent.length;
    own.message({
      chatId: 5,
      text: '/about',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    });
    return (await own.waitForSent(before + 1))[before]?.text ?? '';
  };

  it('the default mode falls back to keyword search with one loud warning; /about and /healthz say so; the next start with the model re-indexes with vectors', async () => {
    const dataDir = tempDir();
    const broken = tempDir(); // a folder without config.json: not a model
    const logs: string[] = [];
    await withOwnApp(
      { EMBEDDING_MODEL: broken, DATA_DIR: dataDir },
      async (own, degraded) => {
        expect(degraded.mode).toBe('lexical');
        expect(degraded.missingModel).toBe(broken);
        expect(degraded.engine.current().manifest.modelId).toBeNull();
        const warnings = logs
          .map((l) => JSON.parse(l) as { level: number; msg: string; model?: string })
          .filter((l) => l.model === broken);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]?.level).toBe(40);
        expect(warnings[0]?.msg).toMatch(
          /could not be loaded \(.*config\.json.*\)\. The bot runs WITHOUT the model/,
        );
        expect(warnings[0]?.msg).toContain('RETRIEVAL_MODE=hybrid makes it an error');
        // Said once: the load error's own advice is not repeated inside the warning.
        expect(warnings[0]?.msg).not.toContain('Could not load embedding model');
        expect(warnings[0]?.msg.length).toBeLessThan(600);
        expect(await about(own)).toContain(
          'konnte nicht geladen werden, der Bot läuft ohne Modell (nur Stichwortsuche)',
        );
        own.message({ chatId: 6, text: 'Wie viele Flugzeuge hat Russland verloren?' });
        expect((await own.waitForSent(2))[1]?.text).toContain('315 Flugzeuge');
      },
      logs,
    );
    // The model loads again: the lexical index is rebuilt with vectors, and /about names the model.
    await withOwnApp({ DATA_DIR: dataDir }, async (own, healthy) => {
      expect(healthy.mode).toBe('hybrid');
      expect(healthy.missingModel).toBeNull();
      expect(healthy.engine.current().manifest.modelId).toBe(model);
      expect(healthy.engine.current().vectors).not.toBeNull();
      expect(await about(own)).not.toContain('ohne Modell');
    });
  });

  it('offline, a new article is indexed by its words at once and answered; the next start with the model embeds it', async () => {
    const dataDir = tempDir();
    const corpus = copyCorpus();
    const broken = tempDir();
    let vectorsBefore = 0;
    await withOwnApp({ DATA_DIR: dataDir, CORPUS_DIR: corpus }, async (_own, healthy) => {
      expect(healthy.engine.current().manifest.pendingVectors).toBeUndefined();
      vectorsBefore = healthy.engine.current().vectors?.count() ?? 0;
    });
    writeFileSync(
      path.join(corpus, 'neuhausen.md'),
      '---\ntitle: Neuhausen wächst\n---\nDie Gemeinde Neuhausen im Bezirk Tulln hat inzwischen 4.321 Einwohner. Der Bürgermeister freut sich über den Zuzug.\n',
    );
    await withOwnApp(
      { DATA_DIR: dataDir, CORPUS_DIR: corpus, EMBEDDING_MODEL: broken },
      async (own, degraded) => {
        expect(degraded.mode).toBe('lexical');
        const manifest = degraded.engine.current().manifest;
        expect([manifest.modelId, manifest.articles, manifest.pendingVectors]).toEqual([
          model,
          3,
          1,
        ]);
        // The vectors of the two old articles were kept, none made for the new one.
        expect(degraded.engine.current().store.vectorsByTextHash().size).toBe(vectorsBefore);
        own.message({ chatId: 5, text: 'Wie viele Einwohner hat Neuhausen?' });
        expect((await own.waitForSent(1))[0]?.text).toContain('4.321 Einwohner');
        own.message({
          chatId: 5,
          text: '/about',
          entities: [{ type: 'bot_command', offset: 0, length: 6 }],
        });
        expect((await own.waitForSent(2))[1]?.text).toContain('1 davon noch ohne Vektoren');
      },
    );
    await withOwnApp({ DATA_DIR: dataDir, CORPUS_DIR: corpus }, async (_own, healthy) => {
      const manifest = healthy.engine.current().manifest;
      expect([manifest.modelId, manifest.articles, manifest.pendingVectors]).toEqual([
        model,
        3,
        undefined,
      ]);
      expect(healthy.engine.current().vectors?.count()).toBeGreaterThan(vectorsBefore);
    });
  });

  it('an existing index with vectors is served as it is (not rebuilt without them); /healthz says the model is missing', async () => {
    const dataDir = tempDir();
    const broken = tempDir();
    await withOwnApp({ DATA_DIR: dataDir }, async (_own, healthy) =>
      expect(healthy.engine.current().manifest.modelId).toBe(model),
    );
    await withOwnApp(
      {
        DATA_DIR: dataDir,
        EMBEDDING_MODEL: broken,
        WEBHOOK_URL: 'https://bot.example.org/hook',
        WEBHOOK_SECRET: 's3cret',
        PORT: '0',
      },
      async (_own, degraded) => {
        expect(degraded.mode).toBe('lexical');
        expect(degraded.engine.current().manifest.modelId).toBe(model);
        const address = degraded.server?.address();
        const health = await fetch(
          `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/healthz`,
        );
        expect(await health.json()).toEqual({
          ok: true,
          articles: 2,
          chunks: 20,
          mode: 'lexical',
          model: null,
          missingModel: broken,
          inbox: { waiting: 0, inFlight: 0, givenUp24h: 0 },
        });
      },
    );
  });

  it('RETRIEVAL_MODE=hybrid set explicitly fails fast with the model error', async () => {
    const broken = tempDir();
    await expect(
      withOwnApp({ EMBEDDING_MODEL: broken, RETRIEVAL_MODE: 'hybrid' }, async () => undefined),
    ).rejects.toThrow(/Could not load embedding model .*no config\.json/);
  });
});
