/**
 * The operator's first hour: what `npm start` says when the token is the example, when Telegram
 * cannot be reached or rejects the token, which flags it takes, how its logs read on a terminal,
 * that the first model download shows progress, and that offline a new article is answered.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  createReadStream,
  existsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../src/app.js';
import { TOKEN_REJECTED } from '../src/bot/connect.js';
import { createConfig } from '../src/config.js';
import { buildIndex } from '../src/index/indexer.js';
import { currentIndexFolder } from '../src/index/store.js';
import { createLogger } from '../src/logger.js';
import { startProcess, until } from './botProcess.js';
import { FakeTelegram } from './fakeTelegram.js';
import {
  CORPUS,
  ROOT,
  copyCorpus,
  makeTinyModel,
  npmScriptArgs,
  parseJson,
  tempDir,
} from './helpers.js';

let tg: FakeTelegram;
let model: string;
beforeAll(async () => {
  tg = new FakeTelegram();
  await tg.start();
  model = await makeTinyModel();
});
afterAll(async () => {
  await tg.stop();
});

const fastConnect = { deadlineMs: 1500, attemptTimeoutMs: 300, delaysMs: [100, 200] };

describe('npm start, first run', () => {
  it('with .env copied from .env.example unchanged: refused within seconds, saying what to do', async () => {
    const cwd = tempDir();
    copyFileSync(path.join(ROOT, '.env.example'), path.join(cwd, '.env'));
    cpSync(path.join(ROOT, 'corpus'), path.join(cwd, 'corpus'), { recursive: true });
    const started = Date.now();
    const run = startProcess({}, { cwd });
    expect(await run.exit).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.log()).toContain('TELEGRAM_BOT_TOKEN is still the example from .env.example.');
    expect(run.log()).toContain('@BotFather');
    expect(existsSync(path.join(cwd, 'data'))).toBe(false); // nothing built for a bot that cannot run
  });

  it('turns down an unknown flag with the usage (exit 2); --help prints it (exit 0)', async () => {
    const bad = startProcess({}, { args: ['--bogus'] });
    expect(await bad.exit).toBe(2);
    expect(bad.log()).toContain("Unknown option '--bogus'");
    expect(bad.log()).toContain('Usage: npm start -- [--corpus DIR] [--data DIR]');
    const help = startProcess({}, { args: ['--help'] });
    expect(await help.exit).toBe(0);
    expect(help.log()).toContain('--corpus DIR  folder of article files (overrides CORPUS_DIR)');
  });

  it('--corpus and --data override CORPUS_DIR and DATA_DIR; LOG_FORMAT=pretty prints readable lines', async () => {
    const data = tempDir();
    const run = startProcess(
      {
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.url,
        CORPUS_DIR: path.join(tempDir(), 'nothing-here'),
        DATA_DIR: path.join(tempDir(), 'not-this-one'),
        RETRIEVAL_MODE: 'lexical',
        LOG_FORMAT: 'pretty',
      },
      { args: ['--corpus', copyCorpus(), '--data', data] },
    );
    await until(() => run.log().includes('long polling'), 30_000, 'the bot to poll');
    expect(currentIndexFolder(data)).not.toBeNull();
    const mark = tg.sent.length;
    tg.message({ chatId: 41, text: 'Wie viele Panzer hat Russland verloren?' });
    expect((await tg.waitForSent(mark + 1))[mark]?.text).toContain('4.313 Panzer');
    const lines = run.log().trim().split('\n');
    expect(lines.some((l) => l.trimStart().startsWith('{'))).toBe(false);
    expect(lines.find((l) => l.includes('connecting to Telegram'))).toMatch(
      /^\[?\d\d:\d\d:\d\d\]? INFO: connecting to Telegram \(http:\/\/127\.0\.0\.1:\d+\)/,
    );
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });
});

describe('startApp and Telegram', () => {
  it('an API that never answers: the start ends in bounded time with the fixes, before any model or index work', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const data = tempDir();
    const lines: string[] = [];
    try {
      const started = Date.now();
      await expect(
        startApp({
          config: createConfig({
            TELEGRAM_BOT_TOKEN: tg.token,
            TELEGRAM_API_ROOT: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
            CORPUS_DIR: copyCorpus(),
            DATA_DIR: data,
            EMBEDDING_MODEL: model,
          }),
          logger: createLogger('info', { write: (l: string) => void lines.push(l) }),
          serveSettings: { connect: fastConnect },
        }),
      ).rejects.toThrow(/Could not reach Telegram at .* TELEGRAM_API_ROOT/s);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(currentIndexFolder(data)).toBeNull();
      expect(lines.some((l) => l.includes('model loaded'))).toBe(false);
      expect(lines.filter((l) => l.includes('trying again in')).length).toBeGreaterThan(0);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('a token Telegram rejects: the start stops at once, naming @BotFather', async () => {
    await expect(
      startApp({
        config: createConfig({
          TELEGRAM_BOT_TOKEN: '123456789:AAnotTheFakesTokenButWellFormed_xyz',
          TELEGRAM_API_ROOT: tg.url,
          CORPUS_DIR: copyCorpus(),
          DATA_DIR: tempDir(),
          RETRIEVAL_MODE: 'lexical',
        }),
        logger: createLogger('silent'),
        serveSettings: { connect: fastConnect },
      }),
    ).rejects.toThrow(TOKEN_REJECTED);
  });
});

describe('the embedding model', () => {
  it('the first download from the hub (here a local mirror, MODEL_HUB_URL) logs its progress file by file', async () => {
    const served: string[] = [];
    const mirror: Server = createServer((req, res) => {
      const m = /^\/belegbot\/tiny\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      const file = m?.[1] ? path.join(model, decodeURIComponent(m[1])) : '';
      if (!file || !existsSync(file)) return void res.writeHead(404).end();
      served.push(m?.[1] ?? '');
      res.writeHead(200, { 'content-length': String(statSync(file).size) });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
    const lines: Array<{ msg: string; file?: string; totalMB?: number }> = [];
    try {
      const app = await startApp({
        config: createConfig({
          TELEGRAM_BOT_TOKEN: tg.token,
          TELEGRAM_API_ROOT: tg.url,
          CORPUS_DIR: copyCorpus(),
          DATA_DIR: tempDir(),
          EMBEDDING_MODEL: 'belegbot/tiny',
          MODEL_HUB_URL: `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`,
          MODEL_CACHE_DIR: tempDir(),
        }),
        logger: createLogger('info', { write: (l: string) => void lines.push(parseJson(l)) }),
      });
      await app.stop();
      expect(app.mode).toBe('hybrid');
      expect(served).toContain('onnx/model_quantized.onnx');
      const progress = lines.filter((l) => l.msg.startsWith('downloading the model: '));
      expect(progress.map((l) => l.file)).toContain('onnx/model_quantized.onnx');
      expect(progress.find((l) => l.file === 'onnx/model_quantized.onnx')?.msg).toMatch(
        /^downloading the model: onnx\/model_quantized\.onnx [\d.]+\/[\d.]+ MB$/,
      );
      const modelLoaded = lines.findIndex((l) => l.msg === 'model loaded');
      expect(lines.findIndex((l) => l.msg.startsWith('downloading'))).toBeLessThan(modelLoaded);
    } finally {
      mirror.closeAllConnections();
      await new Promise((r) => mirror.close(r));
    }
  });

  it('offline, an article added while the bot runs is indexed by its words on /reindex and answered', async () => {
    const own = new FakeTelegram();
    await own.start();
    const corpus = copyCorpus();
    const app = await startApp({
      config: createConfig({
        TELEGRAM_BOT_TOKEN: own.token,
        TELEGRAM_API_ROOT: own.url,
        CORPUS_DIR: corpus,
        DATA_DIR: tempDir(),
        EMBEDDING_MODEL: tempDir(), // no model there: the bot runs offline
        ADMIN_USER_IDS: '1',
      }),
      logger: createLogger('silent'),
    });
    try {
      expect(app.missingModel).not.toBeNull();
      writeFileSync(
        path.join(corpus, 'faehre.md'),
        '---\ntitle: Neue Fähre für den Bodensee\n---\nDie neue Fähre zwischen Konstanz und Meersburg bietet Platz für 72 Autos. Sie fährt ab Mai.\n',
      );
      own.message({ chatId: 1, userId: 1, text: '/reindex' });
      await own.waitFor(1, (t) => t.startsWith('✅ Index fertig'));
      own.message({ chatId: 2, userId: 2, text: 'Wie viele Autos passen auf die neue Fähre?' });
      expect((await own.waitFor(2, (t) => t.includes('[1]'))).text).toContain('72 Autos');
    } finally {
      await app.stop();
      await own.stop();
    }
  });
});

describe('npm run ask at a terminal', () => {
  it('says what it expects and prompts for each question (a pseudo-terminal via script(1))', async () => {
    const data = tempDir();
    await buildIndex({ corpusDir: CORPUS, dataDir: data, embedder: null });
    const command = [process.execPath, ...npmScriptArgs('ask'), '--data', data]
      .map((a) => `'${a}'`)
      .join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: tempDir(),
      env: { PATH: process.env.PATH ?? '', RETRIEVAL_MODE: 'lexical' },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await until(() => out.includes('Frage> '), 30_000, 'the prompt');
    expect(out).toContain('One question per line; Ctrl-D (or Ctrl-C) ends.');
    child.stdin.write('Wie viele Panzer hat Russland verloren?\n');
    await until(
      () => out.includes('4.313 Panzer') && out.split('Frage> ').length > 2,
      30_000,
      'the answer and the next prompt',
    );
    child.stdin.write('\u0004');
    expect(await exit).toBe(0);
  });
});
