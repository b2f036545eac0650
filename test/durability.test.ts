/**
 * Nothing lost: the real bot (`npm start` as a child process) against the fake Bot API, killed
 * mid-burst and started again on the same data folder. Every question must get exactly one reply
 * (issue: "Nothing lost"; docs/operations.md, "What is guaranteed").
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type Running, startProcess, until } from './botProcess.js';
import { FakeTelegram } from './fakeTelegram.js';
import { tempDir } from './helpers.js';

const QUESTIONS = [
  'Wie viele Panzer hat Russland verloren?',
  'Wo trafen sich Putin und Kim?',
  'Wo lehrt Yakov Zinberg?',
  'Wie viele Einwohner hat München?',
  'In welcher Region liegt das Kosmodrom Wostotschny?',
];

function startBot(
  fake: FakeTelegram,
  dataDir: string,
  extra: Record<string, string> = {},
): Running {
  return startProcess({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    DATA_DIR: dataDir,
    RETRIEVAL_MODE: 'lexical',
    RATE_LIMIT_PER_USER: '100',
    LOG_LEVEL: 'info',
    ...extra,
  });
}

/** A burst: `users` readers send `each` questions each; returns the questions' message ids. */
function burst(fake: FakeTelegram, users: number, each: number): number[] {
  const ids: number[] = [];
  for (let k = 0; k < each; k++)
    for (let u = 0; u < users; u++) {
      const update = fake.message({
        chatId: 10_000 + u,
        userId: 10_000 + u,
        text: QUESTIONS[(u + k) % QUESTIONS.length] ?? '',
      });
      ids.push(update.message?.message_id ?? -1);
    }
  return ids;
}

/** Replies per question (by the message each reply answers). */
function repliesPer(fake: FakeTelegram, ids: readonly number[]): Map<number, number> {
  const count = new Map(ids.map((id) => [id, 0]));
  for (const s of fake.sent)
    if (s.reply_to !== undefined && count.has(s.reply_to))
      count.set(s.reply_to, (count.get(s.reply_to) ?? 0) + 1);
  return count;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

describe('nothing lost', () => {
  it('polling: SIGKILL mid-burst, started again on the same data folder: every question answered exactly once', async () => {
    const fake = new FakeTelegram();
    await fake.start();
    const dataDir = tempDir();
    try {
      const first = startBot(fake, dataDir);
      await until(() => first.log().includes('long polling'), 30_000, 'the bot to poll');
      const ids = burst(fake, 60, 5);
      // Killed once the bot has fetched at least 180 of the 300 and sent 30 replies: the rest are
      // fetched (confirmed to Telegram) or waiting for Telegram's rate limits.
      await until(() => fake.fetched.size >= 180 && fake.sent.length >= 30, 30_000, '30 replies');
      first.child.kill('SIGKILL');
      await first.exit;
      const before = fake.sent.length;
      expect(before).toBeLessThan(300);
      const second = startBot(fake, dataDir);
      await until(
        () => [...repliesPer(fake, ids).values()].every((n) => n >= 1),
        90_000,
        'every question to be answered',
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const counts = [...repliesPer(fake, ids).values()];
      expect(counts.filter((n) => n === 0)).toHaveLength(0);
      const duplicates = counts.filter((n) => n > 1).length;
      expect(duplicates).toBeLessThanOrEqual(3); // at most 1 %: a crash inside one sendMessage
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    } finally {
      await fake.stop();
    }
  }, 180_000);

  it('webhook: SIGKILL mid-burst, Telegram posts again what got no 200: every question answered exactly once', async () => {
    const fake = new FakeTelegram();
    await fake.start();
    const port = await freePort();
    fake.webhookTarget = `http://127.0.0.1:${port}`;
    fake.webhookTimeoutMs = 1000;
    const webhook = {
      WEBHOOK_URL: 'https://bot.example.org/telegram/hook',
      WEBHOOK_SECRET: 'geheim_123',
      PORT: String(port),
    };
    const dataDir = tempDir();
    try {
      const first = startBot(fake, dataDir, webhook);
      await until(() => first.log().includes('webhook mode'), 30_000, 'the webhook server');
      const ids = burst(fake, 60, 5);
      await until(
        () => fake.webhookPosts.ok >= 180 && fake.sent.length >= 30,
        30_000,
        '30 replies',
      );
      first.child.kill('SIGKILL');
      await first.exit;
      expect(fake.sent.length).toBeLessThan(300);
      const second = startBot(fake, dataDir, webhook);
      await until(
        () => [...repliesPer(fake, ids).values()].every((n) => n >= 1),
        90_000,
        'every question to be answered',
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const counts = [...repliesPer(fake, ids).values()];
      expect(counts.filter((n) => n === 0)).toHaveLength(0);
      expect(counts.filter((n) => n > 1).length).toBeLessThanOrEqual(3);
      expect(fake.webhookPosts.failed).toBeGreaterThan(0); // the kill made Telegram post again
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    } finally {
      await fake.stop();
    }
  }, 180_000);

  it('SIGTERM during a burst: stops within 10 s, and the next start answers the rest, each once', async () => {
    const fake = new FakeTelegram();
    await fake.start();
    const dataDir = tempDir();
    try {
      const first = startBot(fake, dataDir);
      await until(() => first.log().includes('long polling'), 30_000, 'the bot to poll');
      const ids = burst(fake, 20, 5);
      await until(() => fake.sent.length >= 20, 30_000, 'the first replies');
      const signalled = Date.now();
      first.child.kill('SIGTERM');
      expect(await first.exit).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(first.log()).toContain('"msg":"stopped"');
      const second = startBot(fake, dataDir);
      await until(
        () => [...repliesPer(fake, ids).values()].every((n) => n >= 1),
        60_000,
        'every question to be answered',
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([...repliesPer(fake, ids).values()].every((n) => n === 1)).toBe(true);
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    } finally {
      await fake.stop();
    }
  }, 120_000);
});
