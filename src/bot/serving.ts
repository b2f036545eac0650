/**
 * How updates reach the bot, durably: long polling (poller.ts) or a webhook store each update in
 * the inbox before Telegram is told it arrived; the dispatcher hands them to the bot and settles
 * them once handled. The webhook server also answers GET /healthz.
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import {
  type Dispatcher,
  type DispatcherSettings,
  createDispatcher,
  idempotentReplies,
} from './dispatcher.js';
import type { Inbox } from './inbox.js';
import { type Poller, type PollerSettings, startPoller } from './poller.js';
import { apologyText, userLanguage } from './replies.js';

export const ALLOWED_UPDATES = ['message', 'callback_query', 'inline_query'] as const;

/** Largest webhook body accepted (Telegram's updates are far smaller). */
const MAX_BODY_BYTES = 1_000_000;

export interface ServingOptions {
  bot: Bot;
  inbox: Inbox;
  logger: Logger;
  /** Webhook mode: the public URL, its secret and the local port; else long polling. */
  webhook?: { url: string; secret: string; port: number } | null;
  /** The JSON /healthz returns (webhook mode), asked for on each request. */
  health?: () => Record<string, unknown>;
  dispatcher?: Partial<DispatcherSettings>;
  poller?: Partial<PollerSettings>;
}

export interface Serving {
  readonly server: Server | null;
  readonly dispatcher: Dispatcher;
  /**
   * Stop taking updates, finish the ones in flight until the deadline (the rest wait in the
   * inbox for the next start), close the server.
   */
  stop(deadlineMs: number): Promise<void>;
}

export async function startServing(options: ServingOptions): Promise<Serving> {
  const { bot, inbox, logger } = options;
  // Outermost (installed last): throttling and retries happen inside one recorded reply.
  bot.api.config.use(
    idempotentReplies(inbox, (updateId, seq) =>
      logger.warn(
        { update_id: updateId, reply: seq },
        'a reply was being sent when the process stopped; sent again, it may arrive twice',
      ),
    ),
  );
  const dispatcher = createDispatcher({
    inbox,
    logger,
    handle: (update) => bot.handleUpdate(update),
    apologize: async (update) => {
      const message = update.message;
      if (!message?.text) return;
      await bot.api.sendMessage(
        message.chat.id,
        apologyText(userLanguage(message.from?.language_code)),
        {
          reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
          ...(message.is_topic_message && message.message_thread_id !== undefined
            ? { message_thread_id: message.message_thread_id }
            : {}),
        },
      );
    },
    ...(options.dispatcher ? { settings: options.dispatcher } : {}),
  });
  let poller: Poller | null = null;
  let server: Server | null = null;
  dispatcher.start();
  if (options.webhook) {
    const { url, secret, port } = options.webhook;
    const path = new URL(url).pathname;
    server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/healthz') {
        const health = { ok: true, ...options.health?.(), inbox: inbox.stats() };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(health));
        return;
      }
      if (req.method !== 'POST' || req.url !== path) {
        res.writeHead(404).end();
        return;
      }
      if (req.headers['x-telegram-bot-api-secret-token'] !== secret) {
        res.writeHead(401).end();
        return;
      }
      readBody(req)
        .then((body) => {
          const update = JSON.parse(body) as Update;
          if (typeof update?.update_id !== 'number') {
            res.writeHead(400).end();
            return;
          }
          // Stored before the 200: a crash after it loses nothing, one before it makes Telegram
          // send the update again (and a copy of one stored is ignored).
          inbox.put([update]);
          res.writeHead(200).end();
          dispatcher.wake();
        })
        .catch((error: unknown) => {
          const tooLarge = error instanceof BodyTooLarge;
          if (!(error instanceof SyntaxError) && !tooLarge)
            logger.error(
              { err: error instanceof Error ? error.message : String(error) },
              'webhook update not stored',
            );
          if (!res.headersSent)
            res.writeHead(tooLarge ? 413 : error instanceof SyntaxError ? 400 : 500).end();
        });
    });
    await new Promise<void>((resolve) => server?.listen(port, resolve));
    await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: ALLOWED_UPDATES });
    logger.info({ port, path }, 'webhook mode');
  } else {
    await bot.api.deleteWebhook();
    poller = startPoller({
      api: bot.api,
      inbox,
      logger,
      allowedUpdates: ALLOWED_UPDATES,
      stored: () => dispatcher.wake(),
      ...(options.poller ? { settings: options.poller } : {}),
    });
    logger.info({ bot: bot.botInfo.username }, 'long polling');
  }
  return {
    server,
    dispatcher,
    async stop(deadlineMs) {
      poller?.stop();
      if (server) server.close();
      await Promise.all([poller?.done, dispatcher.stop(deadlineMs)]);
      if (server) server.closeAllConnections();
    },
  };
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
