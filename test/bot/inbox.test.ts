import { statSync } from 'node:fs';
import path from 'node:path';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { createDispatcher, idempotentReplies } from '../../src/bot/dispatcher.js';
import { chatKey, openInbox } from '../../src/bot/inbox.js';
import { createLogger } from '../../src/logger.js';
import { tempDir } from '../helpers.js';

const question = (updateId: number, chat: number, text = `Frage ${updateId}`): Update => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: 0,
    chat: { id: chat, type: 'private', first_name: 'A' },
    from: { id: chat, is_bot: false, first_name: 'A' },
    text,
  },
});

const silent = createLogger('silent');
const until = async (check: () => boolean, ms = 5000) => {
  for (const deadline = Date.now() + ms; !check();) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('openInbox', () => {
  it('stores each update once (a re-delivery is ignored), hands out one per chat, oldest first', () => {
    const inbox = openInbox(path.join(tempDir(), 'inbox.sqlite'));
    expect(inbox.put([question(1, 7), question(2, 7), question(3, 8)])).toBe(3);
    expect(inbox.put([question(2, 7)])).toBe(0);
    const first = inbox.take(10);
    expect(first.map((u) => [u.updateId, u.attempts])).toEqual([
      [1, 1],
      [3, 1],
    ]);
    expect(inbox.take(10)).toEqual([]); // chat 7's next waits for its first
    inbox.settle(1);
    expect(inbox.take(10).map((u) => u.updateId)).toEqual([2]);
    expect(inbox.stats()).toEqual({ waiting: 0, inFlight: 2, givenUp24h: 0 });
    inbox.settle(2);
    inbox.settle(3);
    expect(inbox.put([question(1, 7)])).toBe(0); // settled today: still known
    inbox.close();
  });

  it('a retry waits until it is due and does not hold up its chat; a process that stopped leaves nothing in flight', () => {
    const file = path.join(tempDir(), 'inbox.sqlite');
    const inbox = openInbox(file);
    inbox.put([question(1, 7), question(2, 7)], 0);
    expect(inbox.take(10, 0).map((u) => u.updateId)).toEqual([1]);
    inbox.retry(1, 10_000, 'boom');
    expect(inbox.take(10, 5000).map((u) => u.updateId)).toEqual([2]);
    inbox.settle(2, 5000);
    expect(inbox.take(10, 5000)).toEqual([]);
    expect(inbox.nextDue()).toBe(10_000);
    const again = inbox.take(10, 10_000);
    expect(again.map((u) => [u.updateId, u.attempts])).toEqual([[1, 2]]);
    inbox.close();
    // The process dies with update 1 in flight: the next start has it waiting again.
    const reopened = openInbox(file);
    expect(reopened.recover()).toBe(1);
    expect(reopened.take(10, 10_000).map((u) => [u.updateId, u.attempts])).toEqual([[1, 3]]);
    reopened.close();
  });

  it('orders by chat, by user for callback queries, not at all for inline queries', () => {
    expect(chatKey(question(1, 42))).toBe('c42');
    expect(
      chatKey({
        update_id: 2,
        callback_query: { id: 'q', from: { id: 5 }, chat_instance: 'c', data: 'x' },
      } as Update),
    ).toBe('u5');
    expect(
      chatKey({
        update_id: 3,
        inline_query: { id: 'i', from: { id: 5 }, query: 'x', offset: '' },
      } as Update),
    ).toBe('x3');
  });

  it('10,000 stored updates: recovered and handed out in well under 5 s, each chat in order', () => {
    const file = path.join(tempDir(), 'inbox.sqlite');
    const inbox = openInbox(file);
    const updates = Array.from({ length: 10_000 }, (_, i) => question(i + 1, i % 100));
    inbox.put(updates, 0);
    inbox.take(50, 0); // some were in flight when the process died
    inbox.close();
    const started = performance.now();
    const reopened = openInbox(file);
    reopened.recover();
    const firstBatch = reopened.take(16, 0);
    const startup = performance.now() - started;
    expect(startup).toBeLessThan(5000);
    expect(firstBatch).toHaveLength(16);
    // Drain, settling each: every chat's updates come out in update order.
    const seen = new Map<number, number>();
    let handled = 0;
    for (let batch = firstBatch; batch.length > 0; batch = reopened.take(16, 0)) {
      for (const u of batch) {
        const chat = u.update.message?.chat.id ?? -1;
        expect(u.updateId).toBeGreaterThan(seen.get(chat) ?? 0);
        seen.set(chat, u.updateId);
        reopened.settle(u.updateId, 0);
        handled++;
      }
    }
    expect(handled).toBe(10_000);
    reopened.close();
  });

  it('stays small: 10,000 settled updates keep no text, and a day later are gone', () => {
    const file = path.join(tempDir(), 'inbox.sqlite');
    const inbox = openInbox(file);
    const text = 'Wie viele Panzer hat Russland seit Beginn des Krieges verloren? '.repeat(3);
    for (let i = 0; i < 100; i++) {
      inbox.put(
        Array.from({ length: 100 }, (_, k) => question(i * 100 + k + 1, k, text)),
        0,
      );
      for (const u of inbox.take(100, 0)) inbox.settle(u.updateId, 0);
    }
    expect(inbox.stats(0)).toEqual({ waiting: 0, inFlight: 0, givenUp24h: 0 });
    expect(inbox.purge(86_400_001)).toBe(10_000);
    inbox.close(); // checkpoints the WAL
    expect(statSync(file).size).toBeLessThan(2_000_000);
  });
});

describe('createDispatcher', () => {
  it('a poison update is tried again after a pause, then given up with one apology; the others are answered meanwhile', async () => {
    const inbox = openInbox(path.join(tempDir(), 'inbox.sqlite'));
    const answered: number[] = [];
    const apologized: number[] = [];
    const tries = new Map<number, number>();
    const dispatcher = createDispatcher({
      inbox,
      logger: silent,
      settings: { concurrency: 4, maxAttempts: 3, backoffMs: [20, 40], handlerTimeoutMs: 1000 },
      handle: async (u) => {
        tries.set(u.update_id, (tries.get(u.update_id) ?? 0) + 1);
        if (u.message?.text === 'BOOM') throw new Error('handler broke');
        answered.push(u.update_id);
      },
      apologize: async (u) => void apologized.push(u.update_id),
    });
    inbox.put([question(1, 7, 'BOOM'), question(2, 7), question(3, 8)]);
    dispatcher.start();
    await until(() => apologized.length === 1);
    expect(tries.get(1)).toBe(3);
    expect(apologized).toEqual([1]);
    expect(answered.sort()).toEqual([2, 3]); // chat 7's next question did not wait for the poison
    expect(inbox.stats()).toEqual({ waiting: 0, inFlight: 0, givenUp24h: 1 });
    await dispatcher.stop(1000);
    inbox.close();
  });

  it('a reply sent before the handler failed is not sent again when the update is handled again', async () => {
    const inbox = openInbox(path.join(tempDir(), 'inbox.sqlite'));
    const sent: string[] = [];
    const uncertain: number[] = [];
    const send = idempotentReplies(inbox, (updateId) => void uncertain.push(updateId));
    const prev = (async (_method: string, payload: { text: string }) => {
      sent.push(payload.text);
      return { ok: true, result: { message_id: sent.length } };
    }) as never;
    let tries = 0;
    const dispatcher = createDispatcher({
      inbox,
      logger: silent,
      settings: { backoffMs: [10] },
      handle: async () => {
        tries++;
        const first = (await send(prev, 'sendMessage', { text: 'Antwort' } as never)) as {
          result: { message_id: number };
        };
        expect(first.result.message_id).toBe(1); // the recorded result, the second time
        if (tries === 1) throw new Error('failed after the reply');
        await send(prev, 'sendMessage', { text: 'Nachtrag' } as never);
      },
    });
    inbox.put([question(1, 7)]);
    dispatcher.start();
    await until(() => inbox.stats().waiting === 0 && inbox.stats().inFlight === 0);
    expect(tries).toBe(2);
    expect(sent).toEqual(['Antwort', 'Nachtrag']);
    expect(uncertain).toEqual([]);
    // A send under way when the process died is sent again, and said to be uncertain.
    inbox.put([question(2, 8)]);
    const [taken] = inbox.take(1);
    inbox.sending(taken?.updateId ?? 2, 0, 'sendMessage');
    inbox.recover();
    await dispatcher.stop(100);
    const again = createDispatcher({
      inbox,
      logger: silent,
      handle: async () => void (await send(prev, 'sendMessage', { text: 'Neu' } as never)),
    });
    again.start();
    await until(() => sent.length === 3);
    expect(uncertain).toEqual([2]);
    await again.stop(100);
    inbox.close();
  });

  it('an update that ended the process on each try is given up, not tried for ever', async () => {
    const file = path.join(tempDir(), 'inbox.sqlite');
    const crashing = openInbox(file);
    crashing.put([question(1, 7)]);
    for (let i = 0; i < 3; i++) {
      crashing.recover(); // a start; the take counts a try; then the process dies
      crashing.take(1);
    }
    crashing.close();
    const inbox = openInbox(file);
    const handled: number[] = [];
    const apologized: number[] = [];
    const dispatcher = createDispatcher({
      inbox,
      logger: silent,
      settings: { maxAttempts: 3 },
      handle: async (u) => void handled.push(u.update_id),
      apologize: async (u) => void apologized.push(u.update_id),
    });
    dispatcher.start();
    await until(() => apologized.length === 1);
    expect(handled).toEqual([]);
    expect(inbox.stats().givenUp24h).toBe(1);
    await dispatcher.stop(100);
    inbox.close();
  });

  it('a handler that hangs fails its try after the timeout and is given up in the end', async () => {
    const inbox = openInbox(path.join(tempDir(), 'inbox.sqlite'));
    const apologized: number[] = [];
    const dispatcher = createDispatcher({
      inbox,
      logger: silent,
      settings: { maxAttempts: 2, backoffMs: [10], handlerTimeoutMs: 50 },
      handle: () => new Promise<void>(() => undefined),
      apologize: async (u) => void apologized.push(u.update_id),
    });
    inbox.put([question(1, 7)]);
    dispatcher.start();
    await until(() => apologized.length === 1);
    expect(inbox.stats().givenUp24h).toBe(1);
    await dispatcher.stop(100);
    inbox.close();
  });

  it('a graceful stop hands back what is still running: the next start handles it, its try not counted', async () => {
    const file = path.join(tempDir(), 'inbox.sqlite');
    const inbox = openInbox(file);
    let release: () => void = () => undefined;
    const dispatcher = createDispatcher({
      inbox,
      logger: silent,
      handle: () => new Promise<void>((resolve) => (release = resolve)),
    });
    inbox.put([question(1, 7)]);
    dispatcher.start();
    await until(() => dispatcher.inFlight() === 1);
    await dispatcher.stop(50);
    expect(inbox.stats()).toMatchObject({ waiting: 1, inFlight: 0 });
    release();
    const handled: number[] = [];
    const next = createDispatcher({
      inbox,
      logger: silent,
      handle: async (u) => void handled.push(u.update_id),
    });
    next.start();
    await until(() => handled.length === 1);
    expect(inbox.take(10)).toEqual([]);
    await next.stop(100);
    inbox.close();
  });
});
