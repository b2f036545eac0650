/**
 * The first call to Telegram at start (getMe), made loudly: a line before it, one per failed
 * attempt with its cause and the next delay, and an exit after a bounded time with the likely
 * fixes, instead of a silent back-off of up to an hour. A rejected token is a config error at once.
 */
import { Api, GrammyError, HttpError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { BelegError, ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface ConnectSettings {
  /** Give up after this long without an answer from Telegram. */
  deadlineMs: number;
  /** One getMe call may take this long. */
  attemptTimeoutMs: number;
  /** Delays between attempts; the last one repeats. */
  delaysMs: readonly number[];
}

export const DEFAULT_CONNECT: ConnectSettings = {
  deadlineMs: 120_000,
  attemptTimeoutMs: 15_000,
  delaysMs: [1000, 2000, 5000, 10_000, 20_000],
};

export const TOKEN_REJECTED =
  'The token in TELEGRAM_BOT_TOKEN was rejected by Telegram (401 Unauthorized): get a new one from @BotFather (send /mybots, choose the bot, "API Token") and put it in .env.';

/** Who the bot is, asked of the Bot API at `apiRoot` until it answers or the deadline passes. */
export async function connectToTelegram(options: {
  token: string;
  apiRoot: string;
  logger: Logger;
  settings?: Partial<ConnectSettings>;
}): Promise<UserFromGetMe> {
  const { token, apiRoot, logger } = options;
  const settings = { ...DEFAULT_CONNECT, ...options.settings };
  const api = new Api(token, { apiRoot, timeoutSeconds: settings.attemptTimeoutMs / 1000 });
  const started = Date.now();
  logger.info({ apiRoot }, `connecting to Telegram (${apiRoot})`);
  for (let attempt = 1; ; attempt++) {
    try {
      const me = await api.getMe();
      logger.info({ username: me.username, attempts: attempt }, `connected as @${me.username}`);
      return me;
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 401)
        throw new ConfigError(TOKEN_REJECTED);
      if (error instanceof GrammyError && error.error_code === 404)
        throw new ConfigError(
          `${apiRoot} answered getMe with 404 Not Found: TELEGRAM_API_ROOT does not point at a Bot API server, or the token is malformed. Leave TELEGRAM_API_ROOT empty for Telegram's own (https://api.telegram.org).`,
        );
      const cause = failureCause(error);
      const delay =
        settings.delaysMs[Math.min(attempt - 1, settings.delaysMs.length - 1)] ?? 10_000;
      const elapsed = Date.now() - started;
      if (elapsed + delay >= settings.deadlineMs)
        throw new BelegError(
          'TELEGRAM_UNREACHABLE',
          [
            `Could not reach Telegram at ${apiRoot} in ${Math.round(elapsed / 1000)} s (${attempt} attempts; last: ${cause}).`,
            `Check that this machine can reach it (curl ${apiRoot}) through its firewall, and that`,
            "TELEGRAM_API_ROOT is right (empty means Telegram's own). The bot does not use HTTPS_PROXY:",
            'behind a proxy, point TELEGRAM_API_ROOT at a Bot API server or reverse proxy it can reach.',
            'Nothing was lost: updates wait at Telegram; start again when it can be reached.',
          ].join('\n'),
        );
      logger.warn(
        { attempt, cause, retryInSeconds: delay / 1000 },
        `Telegram not reachable (${cause}); trying again in ${delay / 1000} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** The innermost reason of a failed call: "ECONNREFUSED", "timed out after 15 seconds", "502: …". */
export function failureCause(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code}: ${error.description}`;
  let inner: unknown = error instanceof HttpError ? error.error : error;
  const parts: string[] = [];
  for (let depth = 0; inner && depth < 4; depth++) {
    const e = inner as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string') return e.code;
    if (typeof e.message === 'string' && e.message !== 'fetch failed') parts.push(e.message);
    inner = e.cause;
  }
  return (parts[0] ?? String(error)).replace(/^Request to 'getMe' /, '');
}
