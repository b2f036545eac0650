/**
 * Hands the inbox's updates to the bot: several chats at a time, one update at a time per chat
 * (their questions are answered in order), an update settled only when its handler finished. An
 * update whose handler throws or hangs is tried again after a pause (1 s, then 10 s), then given
 * up with one log line and, when it was a question, a short apology; it never holds up the
 * updates behind it, and since each attempt is counted before it runs, one that crashes the whole
 * process is given up too. A graceful stop waits for the updates in flight until a deadline and
 * hands back the rest (waiting again, their attempt not counted).
 *
 * Replies are sent at most once per update: every message a handler sends is recorded (by update
 * and order) before the call and after it; a handler run again after a crash gets the recorded
 * result instead of sending again. Only a crash during the one call itself can leave a reply whose
 * fate is unknown; it is sent again (docs/operations.md, "What is guaranteed").
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RawApi, Transformer } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import type { Inbox, InboxUpdate } from './inbox.js';

export interface DispatcherSettings {
  /** Updates handled at the same time (of different chats). */
  readonly concurrency: number;
  /** Tries before an update is given up. */
  readonly maxAttempts: number;
  /** Pauses before the second, third, … try (ms). */
  readonly backoffMs: readonly number[];
  /** A handler that takes longer has failed this try (ms). */
  readonly handlerTimeoutMs: number;
}

export const DEFAULT_DISPATCHER: DispatcherSettings = {
  concurrency: 16,
  maxAttempts: 3,
  backoffMs: [1000, 10_000],
  handlerTimeoutMs: 60_000,
};

export interface Dispatcher {
  /** Start handling (after recovering updates left in flight). */
  start(): void;
  /** New updates were stored: look now rather than at the next timer. */
  wake(): void;
  /**
   * Stop taking updates; wait for those in flight until `deadlineMs`, then hand back the rest.
   * Resolves when nothing of this dispatcher runs any more that could touch the inbox.
   */
  stop(deadlineMs: number): Promise<void>;
  /** Updates being handled now. */
  inFlight(): number;
}

/** Which update a handler call belongs to, and how many replies it has sent so far. */
interface Handling {
  readonly updateId: number;
  seq: number;
}

const handling = new AsyncLocalStorage<Handling>();

/** The API methods whose calls are replies (sent at most once per update). */
const REPLY_METHODS = new Set([
  'sendMessage',
  'sendDocument',
  'sendPhoto',
  'copyMessage',
  'forwardMessage',
  'editMessageText',
]);

/**
 * The API transformer that makes replies idempotent: install it last (outermost), so that retries
 * and throttling happen inside one recorded call.
 */
export function idempotentReplies(
  inbox: Inbox,
  /** A reply whose send was under way when the process stopped is sent again: it may arrive twice. */
  onUncertain?: (updateId: number, seq: number) => void,
): Transformer<RawApi> {
  return async (prev, method, payload, signal) => {
    const h = handling.getStore();
    if (!h || !REPLY_METHODS.has(method)) return prev(method, payload, signal);
    const seq = h.seq++;
    const before = inbox.reply(h.updateId, seq);
    if (before?.state === 'sent' && before.result !== null)
      return { ok: true, result: JSON.parse(before.result) as never };
    if (before?.state === 'sending') onUncertain?.(h.updateId, seq);
    inbox.sending(h.updateId, seq, method);
    const res = await prev(method, payload, signal);
    if (res.ok) inbox.sent(h.updateId, seq, JSON.stringify(res.result));
    return res;
  };
}

export function createDispatcher(options: {
  inbox: Inbox;
  handle: (update: Update) => Promise<void>;
  logger: Logger;
  /** A question given up on gets this apology (by the update's chat); errors are only logged. */
  apologize?: (update: Update) => Promise<void>;
  settings?: Partial<DispatcherSettings>;
}): Dispatcher {
  const { inbox, logger } = options;
  const settings = { ...DEFAULT_DISPATCHER, ...options.settings };
  const running = new Map<number, Promise<void>>();
  let stopped = true;
  let timer: NodeJS.Timeout | null = null;
  let pumping = false;

  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    const due = inbox.nextDue();
    if (due === null) return;
    timer = setTimeout(pump, Math.max(0, Math.min(due - Date.now(), 60_000)));
    timer.unref();
  };

  const pump = () => {
    if (stopped || pumping) return;
    pumping = true;
    try {
      const free = settings.concurrency - running.size;
      for (const item of inbox.take(free)) running.set(item.updateId, run(item));
    } catch (error) {
      logger.error({ err: message(error) }, 'inbox unreadable');
    } finally {
      pumping = false;
    }
    schedule();
  };

  const run = async (item: InboxUpdate): Promise<void> => {
    let outcome: 'done' | 'failed' | 'stopped' = 'done';
    let failure = '';
    try {
      // Tried as often as allowed and never settled or failed: each try ended the process.
      if (item.attempts > settings.maxAttempts)
        throw new Error(`the process stopped during each of ${item.attempts - 1} tries`);
      await withTimeout(
        handling.run({ updateId: item.updateId, seq: 0 }, () => options.handle(item.update)),
        settings.handlerTimeoutMs,
      );
    } catch (error) {
      outcome = stopped ? 'stopped' : 'failed';
      failure = message(error);
    }
    try {
      if (outcome === 'done') inbox.settle(item.updateId);
      else if (outcome === 'stopped') inbox.handBack(item.updateId);
      else if (item.attempts < settings.maxAttempts) {
        const pause = settings.backoffMs[item.attempts - 1] ?? settings.backoffMs.at(-1) ?? 1000;
        inbox.retry(item.updateId, Date.now() + pause, failure);
        logger.warn(
          { update_id: item.updateId, attempt: item.attempts, err: failure, retry_in_ms: pause },
          'update failed, will try again',
        );
      } else {
        inbox.giveUp(item.updateId, failure);
        logger.error(
          {
            update_id: item.updateId,
            chat: chatOf(item.update),
            attempts: item.attempts,
            err: failure,
          },
          'update given up',
        );
        await options.apologize?.(item.update).catch(() => undefined);
      }
    } catch (error) {
      logger.error({ update_id: item.updateId, err: message(error) }, 'inbox unwritable');
    } finally {
      running.delete(item.updateId);
      pump();
    }
  };

  return {
    start() {
      if (!stopped) return;
      const recovered = inbox.recover();
      if (recovered)
        logger.info({ updates: recovered }, 'updates left in flight are waiting again');
      stopped = false;
      pump();
    },
    wake: () => pump(),
    async stop(deadlineMs) {
      stopped = true;
      if (timer) clearTimeout(timer);
      const all = Promise.allSettled([...running.values()]);
      const late = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), deadlineMs).unref()),
      ]);
      // Whatever still runs is handed back: the next start handles it again.
      if (late) for (const id of running.keys()) inbox.handBack(id);
      running.clear();
    },
    inFlight: () => running.size,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`the handler took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(t));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function chatOf(update: Update): number | null {
  return update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? null;
}
