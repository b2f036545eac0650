/**
 * The first call to Telegram at start: an API that never answers or refuses connections is
 * reported attempt by attempt and given up on in bounded time; a rejected token stops at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TOKEN_REJECTED, connectToTelegram } from '../../src/bot/connect.js';
import { createLogger } from '../../src/logger.js';
import { FakeTelegram } from '../fakeTelegram.js';
import { parseJson } from '../helpers.js';

interface Line {
  level: number;
  msg: string;
  cause?: string;
  retryInSeconds?: number;
}

function recorder() {
  const lines: Line[] = [];
  const logger = createLogger('info', {
    write: (l: string) => void lines.push(parseJson<Line>(l)),
  });
  return { lines, logger };
}

const fast = { deadlineMs: 1500, attemptTimeoutMs: 300, delaysMs: [100, 200] };
let servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  servers = [];
});

/** An HTTP server that accepts every request and never answers it. */
async function silentServer(): Promise<string> {
  const server = createServer(() => undefined);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

describe('connectToTelegram', () => {
  it('an API that never answers: a line first, each attempt with its cause and delay, then a bounded exit naming the fixes', async () => {
    const apiRoot = await silentServer();
    const { lines, logger } = recorder();
    const started = Date.now();
    const error = await connectToTelegram({ token: '1:x', apiRoot, logger, settings: fast }).then(
      () => new Error('connected') as Error & { code?: string },
      (e: unknown) => e as Error & { code?: string },
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.code).toBe('TELEGRAM_UNREACHABLE');
    expect(error.message).toContain(`Could not reach Telegram at ${apiRoot}`);
    expect(error.message).toContain('TELEGRAM_API_ROOT');
    expect(error.message).toContain('HTTPS_PROXY');
    expect(lines[0]?.msg).toBe(`connecting to Telegram (${apiRoot})`);
    const retries = lines.filter((l) => l.level === 40);
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]?.cause).toMatch(/timed out after 0.3 seconds/);
    expect(retries.map((l) => l.retryInSeconds).slice(0, 2)).toEqual([0.1, 0.2]);
    expect(retries[0]?.msg).toMatch(/Telegram not reachable \(.*\); trying again in 0.1 s/);
  });

  it('a port nobody listens on: the cause is the refused connection', async () => {
    const apiRoot = await closedPort();
    const { lines, logger } = recorder();
    await expect(
      connectToTelegram({ token: '1:x', apiRoot, logger, settings: fast }),
    ).rejects.toThrow(/last: ECONNREFUSED/);
    expect(lines.find((l) => l.level === 40)?.cause).toBe('ECONNREFUSED');
  });

  it('a token Telegram rejects (401) stops at once with what to do, without retrying', async () => {
    const tg = new FakeTelegram();
    await tg.start();
    try {
      const { logger } = recorder();
      await expect(
        connectToTelegram({ token: '123:wrong', apiRoot: tg.url, logger, settings: fast }),
      ).rejects.toThrow(TOKEN_REJECTED);
      expect(TOKEN_REJECTED).toContain(
        'The token in TELEGRAM_BOT_TOKEN was rejected by Telegram (401 Unauthorized): get a new one from @BotFather',
      );
    } finally {
      await tg.stop();
    }
  });

  it('a passing failure (502) is logged once and the next attempt connects', async () => {
    const tg = new FakeTelegram();
    await tg.start();
    try {
      tg.failNext('getMe', { error_code: 502, description: 'Bad Gateway' });
      const { lines, logger } = recorder();
      const me = await connectToTelegram({
        token: tg.token,
        apiRoot: tg.url,
        logger,
        settings: fast,
      });
      expect(me.username).toBe(tg.botInfo.username);
      expect(lines.map((l) => l.msg)).toEqual([
        `connecting to Telegram (${tg.url})`,
        'Telegram not reachable (502: Bad Gateway); trying again in 0.1 s',
        `connected as @${tg.botInfo.username}`,
      ]);
      expect(tg.calls.filter((c) => c.method === 'getMe')).toHaveLength(2);
    } finally {
      await tg.stop();
    }
  });
});
