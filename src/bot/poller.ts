/**
 * Long polling that loses nothing: each batch from getUpdates is stored in the inbox before the
 * next getUpdates moves the offset past it (Telegram forgets an update only once the offset has
 * passed it). A crash after the fetch and before the store means Telegram sends the batch again;
 * a crash after the store means the inbox has it (and ignores the copy Telegram sends again).
 * Network trouble is logged with its cause and the next try, and retried with backoff.
 */
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import type { Inbox } from './inbox.js';

export interface Poller {
  /** Resolves when polling has stopped (after stop()). */
  readonly done: Promise<void>;
  stop(): void;
}

export interface PollerSettings {
  /** getUpdates' long-poll timeout, seconds. */
  readonly timeoutSeconds: number;
  /** Pause after a failed getUpdates, doubling up to the cap (ms). */
  readonly retryMs: number;
  readonly retryCapMs: number;
}

export const DEFAULT_POLLER: PollerSettings = {
  timeoutSeconds: 30,
  retryMs: 1000,
  retryCapMs: 30_000,
};

export function startPoller(options: {
  api: Api;
  inbox: Inbox;
  allowedUpdates: readonly string[];
  logger: Logger;
  /** Called after new updates were stored. */
  stored: () => void;
  settings?: Partial<PollerSettings>;
}): Poller {
  const { api, inbox, logger } = options;
  const settings = { ...DEFAULT_POLLER, ...options.settings };
  const abort = new AbortController();
  let offset: number | undefined;
  const loop = async () => {
    let pause = settings.retryMs;
    while (!abort.signal.aborted) {
      let updates: Update[];
      try {
        updates = await api.getUpdates(
          {
            ...(offset !== undefined ? { offset } : {}),
            timeout: settings.timeoutSeconds,
            allowed_updates: options.allowedUpdates as never,
          },
          abort.signal as Parameters<Api['getUpdates']>[1],
        );
        pause = settings.retryMs;
      } catch (error) {
        if (abort.signal.aborted) break;
        logger.warn(
          { err: error instanceof Error ? error.message : String(error), retry_in_ms: pause },
          'getUpdates failed, trying again',
        );
        await sleep(pause, abort.signal);
        pause = Math.min(settings.retryCapMs, pause * 2);
        continue;
      }
      if (updates.length === 0) continue;
      // Stored first: only the next getUpdates, with the offset past them, confirms them.
      const added = inbox.put(updates);
      offset = Math.max(...updates.map((u) => u.update_id)) + 1;
      if (added) options.stored();
    }
  };
  return {
    done: loop(),
    stop: () => abort.abort(),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
