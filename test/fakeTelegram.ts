/**
 * A local fake of the Telegram Bot API over node:http, for end-to-end tests: getMe, long-polling
 * getUpdates, sendMessage with Telegram's HTML and 4096-character checks, inline keyboards
 * (callback data of 1-64 bytes), editMessageText (only of a message sent, never unchanged),
 * answerCallbackQuery (toasts up to 200 characters), answerInlineQuery (at most 50 results,
 * unique ids of 1-64 bytes, each message checked like a sent one), setMyCommands, sendChatAction,
 * webhook calls, getFile + file download, and errors in Telegram's {ok:false, error_code,
 * description} shape. Faults can be queued per method.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update, UserFromGetMe } from 'grammy/types';

export interface SentMessage {
  message_id: number;
  chat_id: number;
  text: string;
  parse_mode?: string;
  reply_to?: number;
  message_thread_id?: number;
  reply_markup?: unknown;
  method: string;
}

export interface Fault {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

const ALLOWED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-spoiler',
  'span',
  'tg-emoji',
]);

/** Telegram's HTML rules, as far as replies use them. Returns the visible text or an error. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i] ?? '';
    if (ch === '<') {
      const m = /^<(\/?)([a-zA-Z-]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>/.exec(html.slice(i));
      if (!m)
        return {
          error: `Bad Request: can't parse entities: Unexpected end tag at byte offset ${i}`,
        };
      const [all, closing, rawName] = m;
      const name = (rawName ?? '').toLowerCase();
      if (!ALLOWED_TAGS.has(name))
        return {
          error: `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${i}`,
        };
      if (closing) {
        if (stack.pop() !== name)
          return {
            error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${name}"`,
          };
      } else stack.push(name);
      i += all.length;
    } else if (ch === '>') {
      return { error: `Bad Request: can't parse entities: Unexpected ">" at byte offset ${i}` };
    } else if (ch === '&') {
      const m = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/.exec(html.slice(i));
      if (!m)
        return {
          error: `Bad Request: can't parse entities: Character entity expected at byte offset ${i}`,
        };
      text += { lt: '<', gt: '>', amp: '&', quot: '"' }[m[1] as 'lt'] ?? '?';
      i += m[0].length;
    } else {
      text += ch;
      i++;
    }
  }
  if (stack.length)
    return {
      error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${stack[stack.length - 1]}"`,
    };
  return { text };
}

export class FakeTelegram {
  readonly token = '123456:TEST_token_for_the_fake_telegram_server';
  readonly botInfo: UserFromGetMe = {
    id: 999,
    is_bot: true,
    first_name: 'Belegbot',
    username: 'belegbot_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  } as UserFromGetMe;
  readonly sent: SentMessage[] = [];
  readonly calls: Array<{ method: string; payload: Record<string, unknown> }> = [];
  readonly files = new Map<string, { path: string; content: Buffer }>();
  /** answerInlineQuery calls accepted, in order. */
  readonly inlineAnswers: Array<{
    inline_query_id: string;
    results: Array<Record<string, unknown>>;
    cache_time?: number;
    is_personal?: boolean;
  }> = [];
  /** answerCallbackQuery calls accepted, in order. */
  readonly callbackAnswers: Array<{ callback_query_id: string; text?: string }> = [];
  private server: Server;
  private updates: Update[] = [];
  /**
   * Update ids go on from one fake to the next, as a real bot's do: a bot started again on the
   * same data folder must not see its first update ids again.
   */
  private static idBlocks = 0;
  private nextUpdateId = 1 + 1_000_000 * FakeTelegram.idBlocks++;
  private nextMessageId = 1000;
  private waiters: Array<() => void> = [];
  private faults = new Map<string, Fault[]>();
  private sentListeners: Array<() => void> = [];
  /** How long one getUpdates waits at most (ms), whatever timeout the client asks for. */
  pollCapMs = 1000;
  url = '';

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const w of this.waiters.splice(0)) w();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queue a fault for the next call of `method`. */
  failNext(method: string, fault: Fault): void {
    const list = this.faults.get(method) ?? [];
    list.push(fault);
    this.faults.set(method, list);
  }

  /** Queue an update; returns it. `message` fields are filled with sane defaults. */
  pushUpdate(update: Omit<Update, 'update_id'>): Update {
    const full = { update_id: this.nextUpdateId++, ...update };
    this.updates.push(full);
    for (const w of this.waiters.splice(0)) w();
    void this.deliver();
    return full;
  }

  /** The update ids getUpdates has handed out so far (some perhaps more than once). */
  readonly fetched = new Set<number>();
  /** Webhook mode: where updates are posted instead of the URL's host (the bot's local server). */
  webhookTarget: string | null = null;
  /** Webhook requests that got a 2xx, and those that failed or timed out (and were posted again). */
  readonly webhookPosts = { ok: 0, failed: 0 };
  /** How long a webhook request may take before it counts as failed (ms), and the pause after. */
  webhookTimeoutMs = 2000;
  webhookRetryMs = 100;
  private webhook: { url: string; secret: string } | null = null;
  private delivering = false;

  /**
   * Post the pending updates to the webhook, a few at a time, as Telegram does: an update leaves
   * only when its request got a 2xx; a failed or timed-out one is posted again after a pause.
   */
  private async deliver(): Promise<void> {
    if (this.delivering || !this.webhook || !this.webhookTarget) return;
    this.delivering = true;
    try {
      while (this.webhook && this.webhookTarget && this.updates.length > 0) {
        const { url, secret } = this.webhook;
        const target = `${this.webhookTarget}${new URL(url).pathname}`;
        const batch = this.updates.slice(0, 4);
        const results = await Promise.all(
          batch.map(async (u) => {
            try {
              const res = await fetch(target, {
                method: 'POST',
                headers: {
                  'content-type': 'application/json',
                  'x-telegram-bot-api-secret-token': secret,
                },
                body: JSON.stringify(u),
                signal: AbortSignal.timeout(this.webhookTimeoutMs),
              });
              await res.arrayBuffer().catch(() => undefined);
              return res.ok;
            } catch {
              return false;
            }
          }),
        );
        const delivered = new Set(batch.filter((_, i) => results[i]).map((u) => u.update_id));
        this.webhookPosts.ok += delivered.size;
        this.webhookPosts.failed += batch.length - delivered.size;
        this.updates = this.updates.filter((u) => !delivered.has(u.update_id));
        if (delivered.size < batch.length)
          await new Promise((resolve) => setTimeout(resolve, this.webhookRetryMs));
      }
    } finally {
      this.delivering = false;
    }
  }

  /** A text message update from a user in a chat. */
  message(opts: {
    chatId: number;
    chatType?: 'private' | 'group' | 'supergroup';
    text: string;
    userId?: number;
    lang?: string;
    entities?: unknown[];
    replyTo?: unknown;
    threadId?: number;
    document?: unknown;
    caption?: string;
    forwardOrigin?: unknown;
  }): Update {
    const userId = opts.userId ?? 42;
    const chatType = opts.chatType ?? 'private';
    const message: Record<string, unknown> = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat:
        chatType === 'private'
          ? { id: opts.chatId, type: 'private', first_name: 'Ada' }
          : {
              id: opts.chatId,
              type: chatType,
              title: 'Redaktion',
              ...(opts.threadId ? { is_forum: true } : {}),
            },
      from: {
        id: userId,
        is_bot: false,
        first_name: 'Ada',
        ...(opts.lang ? { language_code: opts.lang } : {}),
      },
    };
    if (opts.document) message.document = opts.document;
    else message.text = opts.text;
    if (opts.caption) message.caption = opts.caption;
    if (opts.forwardOrigin) message.forward_origin = opts.forwardOrigin;
    const entities =
      opts.entities ??
      (opts.text.startsWith('/')
        ? [{ type: 'bot_command', offset: 0, length: opts.text.split(/\s/)[0]?.length ?? 0 }]
        : undefined);
    if (entities && !opts.document) message.entities = entities;
    if (opts.replyTo) message.reply_to_message = opts.replyTo;
    if (opts.threadId) {
      message.message_thread_id = opts.threadId;
      message.is_topic_message = true;
    }
    return this.pushUpdate({ message } as unknown as Omit<Update, 'update_id'>);
  }

  /** Register a file users can "upload": returns the Document to put into a message. */
  addFile(
    fileName: string,
    content: Buffer | string,
  ): { file_id: string; file_unique_id: string; file_name: string; file_size: number } {
    const id = `file${this.files.size + 1}`;
    const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
    this.files.set(id, { path: `documents/${id}.bin`, content: buffer });
    return { file_id: id, file_unique_id: `u${id}`, file_name: fileName, file_size: buffer.length };
  }

  /** A button press on one of the bot's messages (`messageId`, default 1). */
  callback(opts: {
    chatId: number;
    userId: number;
    data: string;
    messageId?: number;
    chatType?: 'private' | 'group' | 'supergroup';
    lang?: string;
  }): Update {
    const chat =
      (opts.chatType ?? 'private') === 'private'
        ? { id: opts.chatId, type: 'private', first_name: 'Ada' }
        : { id: opts.chatId, type: opts.chatType, title: 'Redaktion' };
    return this.pushUpdate({
      callback_query: {
        id: `cb${this.nextUpdateId}`,
        chat_instance: 'ci',
        data: opts.data,
        from: {
          id: opts.userId,
          is_bot: false,
          first_name: 'Ada',
          ...(opts.lang ? { language_code: opts.lang } : {}),
        },
        message: { message_id: opts.messageId ?? 1, date: 0, chat, from: this.botInfo, text: '?' },
      },
    } as unknown as Omit<Update, 'update_id'>);
  }

  /** Press the button labelled `label` under a message the bot sent. */
  press(
    message: SentMessage,
    label: string,
    userId: number,
    opts: { chatType?: 'private' | 'group' | 'supergroup'; lang?: string } = {},
  ): Update {
    const button = buttonsOf(message).find((b) => b.text === label);
    if (!button)
      throw new Error(
        `no button "${label}" under message ${message.message_id}: ${JSON.stringify(buttonsOf(message).map((b) => b.text))}`,
      );
    return this.callback({
      chatId: message.chat_id,
      userId,
      data: button.callback_data,
      messageId: message.message_id,
      ...opts,
    });
  }

  /** An inline query (`@bot text` typed in any chat). */
  inlineQuery(opts: { userId: number; query: string; lang?: string }): Update {
    return this.pushUpdate({
      inline_query: {
        id: `iq${this.nextUpdateId}`,
        from: {
          id: opts.userId,
          is_bot: false,
          first_name: 'Ada',
          ...(opts.lang ? { language_code: opts.lang } : {}),
        },
        query: opts.query,
        offset: '',
      },
    });
  }

  /** Wait until `n` inline queries were answered. */
  async waitForInline(n: number, ms = 15_000): Promise<FakeTelegram['inlineAnswers']> {
    const deadline = Date.now() + ms;
    while (this.inlineAnswers.length < n) {
      if (Date.now() > deadline)
        throw new Error(`expected ${n} inline answers, got ${this.inlineAnswers.length}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.inlineAnswers;
  }

  /** Wait until `n` button presses were answered. */
  async waitForCallbackAnswers(n: number, ms = 15_000): Promise<FakeTelegram['callbackAnswers']> {
    const deadline = Date.now() + ms;
    while (this.callbackAnswers.length < n) {
      if (Date.now() > deadline)
        throw new Error(
          `expected ${n} callback answers, got ${JSON.stringify(this.callbackAnswers)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.callbackAnswers;
  }

  /** Wait until a message or edit to `chatId`, sent at index `from` or later, matches `test`. */
  async waitFor(
    chatId: number,
    test: (text: string) => boolean,
    from = 0,
    ms = 60_000,
  ): Promise<SentMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.sent.slice(from).find((m) => m.chat_id === chatId && test(m.text));
      if (hit) return hit;
      if (Date.now() > deadline)
        throw new Error(
          `no message to ${chatId} matched; got ${JSON.stringify(this.sent.filter((m) => m.chat_id === chatId).map((m) => m.text.slice(0, 80)))}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.sentListeners.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait until at least `n` messages were sent (or edited), or fail after `ms`. */
  async waitForSent(n: number, ms = 15_000): Promise<SentMessage[]> {
    const deadline = Date.now() + ms;
    while (this.sent.length < n) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `expected ${n} sent messages, got ${this.sent.length}: ${JSON.stringify(this.sent.map((s) => s.text.slice(0, 60)))}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.sentListeners.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.sent;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? '');
    if (fileMatch) {
      const file = [...this.files.values()].find((f) => f.path === fileMatch[2]);
      if (!file || fileMatch[1] !== this.token) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file.content);
      return;
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const body = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (d) => {
        data += String(d);
      });
      req.on('end', () => resolve(data));
    });
    const reply = (status: number, json: unknown) => {
      if (!res.writableEnded && !res.destroyed)
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    if (!m) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    // Telegram answers a well-formed request with a token it does not know with 401.
    if (m[1] !== this.token)
      return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2] ?? '';
    let payload: Record<string, unknown> = {};
    try {
      payload = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return reply(400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
    }
    this.calls.push({ method, payload });
    const fault = this.faults.get(method)?.shift();
    if (fault) return reply(fault.error_code, { ok: false, ...fault });
    const ok = (result: unknown) => reply(200, { ok: true, result });
    const bad = (description: string) => reply(400, { ok: false, error_code: 400, description });
    switch (method) {
      case 'getMe':
        return ok(this.botInfo);
      case 'setWebhook':
        this.webhook = { url: asText(payload.url), secret: asText(payload.secret_token) };
        void this.deliver();
        return ok(true);
      case 'deleteWebhook':
        this.webhook = null;
        return ok(true);
      case 'setMyCommands':
      case 'sendChatAction':
        return ok(true);
      case 'answerCallbackQuery': {
        const text = payload.text === undefined ? undefined : asText(payload.text);
        if (text !== undefined && text.length > 200) return bad('Bad Request: MESSAGE_TOO_LONG');
        if (this.callbackAnswers.some((a) => a.callback_query_id === payload.callback_query_id))
          return bad(
            'Bad Request: query is too old and response timeout expired or query ID is invalid',
          );
        this.callbackAnswers.push({
          callback_query_id: String(payload.callback_query_id),
          ...(text !== undefined ? { text } : {}),
        });
        return ok(true);
      }
      case 'answerInlineQuery': {
        const results = Array.isArray(payload.results)
          ? (payload.results as Array<Record<string, unknown>>)
          : null;
        if (!results) return bad('Bad Request: RESULTS_INVALID');
        if (results.length > 50) return bad('Bad Request: RESULTS_TOO_MUCH');
        const ids = new Set<string>();
        for (const r of results) {
          const id = asText(r.id);
          if (Buffer.byteLength(id) < 1 || Buffer.byteLength(id) > 64)
            return bad('Bad Request: RESULT_ID_INVALID');
          if (ids.has(id)) return bad('Bad Request: RESULT_ID_DUPLICATE');
          ids.add(id);
          if (r.type !== 'article' || !asText(r.title).trim())
            return bad('Bad Request: RESULT_TITLE_EMPTY');
          const content = r.input_message_content as
            { message_text?: string; parse_mode?: string } | undefined;
          const problem = messageProblem(String(content?.message_text ?? ''), content?.parse_mode);
          if (problem) return bad(problem);
          const markupProblem = keyboardProblem(r.reply_markup);
          if (markupProblem) return bad(markupProblem);
        }
        this.inlineAnswers.push({
          inline_query_id: String(payload.inline_query_id),
          results,
          ...(payload.cache_time !== undefined ? { cache_time: Number(payload.cache_time) } : {}),
          ...(payload.is_personal !== undefined
            ? { is_personal: Boolean(payload.is_personal) }
            : {}),
        });
        return ok(true);
      }
      case 'getUpdates': {
        const offset = Number(payload.offset ?? 0);
        this.updates = this.updates.filter((u) => u.update_id >= offset);
        if (this.updates.length === 0) {
          const wait = Math.min(Number(payload.timeout ?? 0) * 1000, this.pollCapMs);
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, wait);
            this.waiters.push(() => {
              clearTimeout(t);
              resolve();
            });
            req.on('close', () => {
              clearTimeout(t);
              resolve();
            });
          });
        }
        const batch = this.updates.slice(0, Number(payload.limit ?? 100));
        for (const u of batch) this.fetched.add(u.update_id);
        return ok(batch);
      }
      case 'getFile': {
        const file = this.files.get(String(payload.file_id));
        if (!file) return bad('Bad Request: invalid file_id');
        return ok({
          file_id: payload.file_id,
          file_unique_id: `u${asText(payload.file_id)}`,
          file_size: file.content.length,
          file_path: file.path,
        });
      }
      case 'sendMessage':
      case 'editMessageText': {
        const raw = asText(payload.text);
        const problem =
          messageProblem(raw, payload.parse_mode) ?? keyboardProblem(payload.reply_markup);
        if (problem) return bad(problem);
        const visible =
          payload.parse_mode === 'HTML' ? (parseTelegramHtml(raw) as { text: string }).text : raw;
        if (method === 'editMessageText') {
          const before = [...this.sent]
            .reverse()
            .find(
              (m) =>
                m.chat_id === Number(payload.chat_id) &&
                m.message_id === Number(payload.message_id),
            );
          if (!before) return bad('Bad Request: message to edit not found');
          if (
            before.text === raw &&
            JSON.stringify(before.reply_markup ?? null) ===
              JSON.stringify(payload.reply_markup ?? null)
          )
            return bad(
              'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
            );
        }
        const replyTo = (payload.reply_parameters as { message_id?: number } | undefined)
          ?.message_id;
        const id = method === 'editMessageText' ? Number(payload.message_id) : this.nextMessageId++;
        this.sent.push({
          message_id: id,
          chat_id: Number(payload.chat_id),
          text: raw,
          method,
          ...(payload.parse_mode ? { parse_mode: asText(payload.parse_mode) } : {}),
          ...(replyTo ? { reply_to: replyTo } : {}),
          ...(payload.message_thread_id
            ? { message_thread_id: Number(payload.message_thread_id) }
            : {}),
          ...(payload.reply_markup ? { reply_markup: payload.reply_markup } : {}),
        });
        for (const l of this.sentListeners.splice(0)) l();
        return ok({
          message_id: id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(payload.chat_id), type: 'private' },
          from: this.botInfo,
          text: visible,
        });
      }
      default:
        return reply(404, {
          ok: false,
          error_code: 404,
          description: `Not Found: method ${method} not found`,
        });
    }
  }
}

/**
 * Why Telegram would refuse this message text (HTML errors, empty, over 4096 visible characters),
 * or null.
 */
function messageProblem(raw: string, parseMode: unknown): string | null {
  let visible = raw;
  if (parseMode === 'HTML') {
    const parsed = parseTelegramHtml(raw);
    if ('error' in parsed) return parsed.error;
    visible = parsed.text;
  }
  if (visible.trim() === '') return 'Bad Request: message text is empty';
  if (visible.length > 4096) return 'Bad Request: message is too long';
  return null;
}

/**
 * Why Telegram would refuse this inline keyboard (callback data of 1-64 bytes, a text on every
 * button), or null.
 */
function keyboardProblem(markup: unknown): string | null {
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (markup === undefined || rows === undefined) return null;
  if (!Array.isArray(rows)) return 'Bad Request: REPLY_MARKUP_INVALID';
  for (const row of rows) {
    if (!Array.isArray(row)) return 'Bad Request: REPLY_MARKUP_INVALID';
    for (const b of row as Array<{ text?: string; callback_data?: string; url?: string }>) {
      if (!b.text) return 'Bad Request: BUTTON_TEXT_INVALID';
      if (
        b.callback_data !== undefined &&
        (Buffer.byteLength(b.callback_data) < 1 || Buffer.byteLength(b.callback_data) > 64)
      )
        return 'Bad Request: BUTTON_DATA_INVALID';
    }
  }
  return null;
}

/** The callback buttons under a sent message. */
export function buttonsOf(message: SentMessage): Array<{ text: string; callback_data: string }> {
  const rows =
    (
      message.reply_markup as
        { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined
    )?.inline_keyboard ?? [];
  return rows
    .flat()
    .filter(
      (b): b is { text: string; callback_data: string } => typeof b.callback_data === 'string',
    );
}

/**
 * A JSON field as the text Telegram reads it: strings and numbers as they are, absent as '', and
 * anything else as its JSON (which then fails the checks it is meant for, instead of passing as
 * "[object Object]").
 */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
