/**
 * createBot: the grammY bot as Composers over an Engine. Starts nothing; src/app.ts runs it.
 * One error boundary (first middleware) logs a failing update with its id and apologises.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot, type Context, Composer, GrammyError, type InlineKeyboard } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { type Engine, type ThresholdInfo, newestFirst } from '../answer/engine.js';
import { InputError } from '../errors.js';
import { answerKeyboard, createButtonsFeature, quoteRefs } from './buttons.js';
import { createClaimFeature } from './claimCheck.js';
import { articleFromPayload } from './deepLink.js';
import type { FeedbackStore, QuoteRef } from './feedbackStore.js';
import { answerHtml, answerText } from './format.js';
import { DEFAULT_INLINE, type InlineSettings, createInlineFeature } from './inline.js';
import { sampleQuestion } from '../answer/sampleQuestion.js';
import type { Logger } from '../logger.js';
import { createRateLimiter } from './rateLimit.js';
import { smallTalk, smallTalkText } from './smallTalk.js';
import {
  type Lang,
  aboutText,
  apologyText,
  articleCardText,
  askUsage,
  latestText,
  commandList,
  helpText,
  noWordsText,
  nonTextHint,
  rateLimitedText,
  sourcesText,
  startText,
  tooLongText,
  unknownButtonText,
  unknownCommandText,
  userLanguage,
} from './replies.js';
import { groupTrigger, isFromOneOf, parseCommand, replyOptions, topicOptions } from './triggers.js';

export interface BotSettings {
  token: string;
  apiRoot: string;
  maxQuestionLength: number;
  rateLimitPerUser: number;
  rateLimitPerChat: number;
  logQuestions: boolean;
  /** Model and mode shown by /about. */
  modelId: string | null;
  /** The configured model that could not be loaded (the bot then runs lexical); /about says so. */
  missingModel?: string | null;
  /** The abstention threshold in force and where it comes from; /about shows it. */
  threshold?: ThresholdInfo;
  mode: string;
  /** Admins: their forwarded posts are not checked at once but offered to check or to add. */
  adminIds?: readonly number[];
  /** Extra composers (admin features) installed before the question handlers. */
  features?: Composer<Context>[];
  /** Known bot identity (tests); otherwise fetched with getMe on start. */
  botInfo?: UserFromGetMe;
  /** Delay cap for auto-retry on 429/5xx, seconds. */
  maxRetryDelaySeconds?: number;
  /** Throttle outgoing calls to Telegram's limits (off in unit tests that record calls). */
  throttle?: boolean;
  /** Inline mode's debounce, cache and rate limit (DEFAULT_INLINE). */
  inline?: Partial<InlineSettings>;
  /**
   * What the error boundary does with a failing update after logging it: 'apologize' (the
   * default) tells the user and goes on; 'rethrow' leaves it to the durable dispatcher, which
   * tries again and apologizes only when it gives up.
   */
  errors?: 'apologize' | 'rethrow';
}

/** Articles /neu lists. */
const LATEST = 5;

export interface BotStats {
  answered: number;
  abstained: number;
  startedAt: Date;
}

export function createBot(options: {
  engine: Engine;
  settings: BotSettings;
  logger: Logger;
  stats?: BotStats;
  feedback?: FeedbackStore | null;
}): Bot {
  const { engine, settings, logger } = options;
  const feedback = options.feedback ?? null;
  const stats = options.stats ?? { answered: 0, abstained: 0, startedAt: new Date() };
  const bot = new Bot(settings.token, {
    client: { apiRoot: settings.apiRoot },
    ...(settings.botInfo ? { botInfo: settings.botInfo } : {}),
  });
  if (settings.throttle !== false) {
    // Telegram's flood limits apply to messages; a "typing" action must not delay the answer
    // behind it by the per-chat spacing.
    const throttler = apiThrottler();
    bot.api.config.use((prev, method, payload, signal) =>
      method === 'sendChatAction'
        ? prev(method, payload, signal)
        : throttler(prev, method, payload, signal),
    );
  }
  bot.api.config.use(
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: settings.maxRetryDelaySeconds ?? 60 }),
  );

  const perUser = createRateLimiter(settings.rateLimitPerUser);
  const perChat = createRateLimiter(settings.rateLimitPerChat);
  const langOf = (ctx: Context): Lang => userLanguage(ctx.from?.language_code);
  const replyTo = (ctx: Context) => replyOptions(ctx.msg);
  const replyHtml = (ctx: Context, html: string, keyboard?: InlineKeyboard) =>
    ctx.reply(html, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...replyTo(ctx),
      ...(keyboard ? { reply_markup: keyboard } : {}),
    });
  const username = () => bot.botInfo.username;

  // One update at a time per chat (the runner handles chats concurrently): answers keep the
  // order of questions within a chat.
  bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));

  // The error boundary: whatever fails below is logged with its update id, the user gets a short
  // apology, and the bot goes on with the next update.
  bot.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      logger.error(
        {
          update_id: ctx.update.update_id,
          err:
            error instanceof Error ? { message: error.message, name: error.name } : String(error),
        },
        'update failed',
      );
      if (settings.errors === 'rethrow') throw error;
      if (ctx.chat) await ctx.reply(apologyText(langOf(ctx)), replyTo(ctx)).catch(() => undefined);
    }
  });

  /** Within the user's and the group's rate limits; the first time over, the user is told once. */
  const allowed = async (ctx: Context): Promise<boolean> => {
    const userKey = String(ctx.from?.id ?? 'anon');
    const chatKey = String(ctx.chat?.id ?? 'none');
    if (perUser.hit(userKey) && (ctx.chat?.type === 'private' || perChat.hit(chatKey))) return true;
    if (perUser.shouldWarn(`${chatKey}:${userKey}`))
      await replyHtml(ctx, rateLimitedText(langOf(ctx), settings.rateLimitPerUser));
    return false;
  };

  // An example question the articles answer, for small talk: a verified one about the newest
  // article, worked out once per index.
  let example: { builtAt: string; question: string | null } | null = null;
  const exampleQuestion = async (): Promise<string | null> => {
    const { manifest, store } = engine.current();
    if (example?.builtAt !== manifest.builtAt) {
      const newest = newestFirst(store.articles())[0];
      example = {
        builtAt: manifest.builtAt,
        question: newest ? await sampleQuestion(engine, newest) : null,
      };
    }
    return example.question;
  };

  const answer = async (ctx: Context, rawQuestion: string): Promise<void> => {
    const lang = langOf(ctx);
    const question = rawQuestion.trim();
    if (!question) {
      await replyHtml(ctx, askUsage(lang));
      return;
    }
    if (question.length > settings.maxQuestionLength) {
      await replyHtml(ctx, tooLongText(lang, question.length, settings.maxQuestionLength));
      return;
    }
    if (!(await allowed(ctx))) return;
    const talk = smallTalk(question);
    if (talk) {
      const { manifest } = engine.current();
      await replyHtml(ctx, smallTalkText(talk, lang, await exampleQuestion(), manifest.articles));
      return;
    }
    const started = performance.now();
    await ctx.replyWithChatAction('typing', topicOptions(ctx.msg)).catch(() => undefined);
    let result;
    try {
      result = await engine.answer(question);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      await replyHtml(ctx, noWordsText(lang));
      return;
    }
    const topics = engine.topics();
    const html = answerHtml(result, topics, { botUsername: ctx.me.username });
    // Stored before it is sent, so its buttons can name it; a store that fails costs the buttons,
    // not the answer.
    let stored: { id: number; refs: QuoteRef[] } | null = null;
    if (feedback) {
      try {
        const refs = quoteRefs(result);
        stored = {
          id: feedback.recordAsked({
            question,
            found: result.found,
            via: 'chat',
            ...(ctx.chat ? { chatId: ctx.chat.id } : {}),
            quotes: refs,
          }),
          refs,
        };
      } catch (error) {
        logger.warn(
          {
            update_id: ctx.update.update_id,
            err: error instanceof Error ? error.message : String(error),
          },
          'could not record the answer',
        );
      }
    }
    const keyboard =
      stored && result.found ? answerKeyboard(stored.id, stored.refs, lang) : undefined;
    let sent;
    try {
      sent = await replyHtml(ctx, html, keyboard);
    } catch (error) {
      // Telegram rejected the HTML: send the same answer once more as plain text.
      if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
      logger.warn(
        { update_id: ctx.update.update_id, description: error.description },
        'HTML reply rejected, sent as plain text',
      );
      sent = await ctx.reply(answerText(result, topics).slice(0, 4096), {
        link_preview_options: { is_disabled: true },
        ...replyTo(ctx),
        ...(keyboard ? { reply_markup: keyboard } : {}),
      });
    }
    if (stored) {
      try {
        feedback?.attachMessage(stored.id, sent.chat.id, sent.message_id);
      } catch (error) {
        // The answer is out; its buttons bind to the message on their first press (buttons.ts).
        logger.warn(
          {
            update_id: ctx.update.update_id,
            err: error instanceof Error ? error.message : String(error),
          },
          "could not record the answer's message",
        );
      }
    }
    if (result.found) stats.answered++;
    else stats.abstained++;
    logger.info(
      {
        update_id: ctx.update.update_id,
        chat_type: ctx.chat?.type,
        found: result.found,
        quotes: result.quotes.length,
        confidence: result.confidence,
        latency_ms: Math.round(performance.now() - started),
        ...(settings.logQuestions ? { question } : {}),
      },
      'answered',
    );
  };

  const commands = new Composer<Context>();
  commands.command('start', async (ctx) => {
    // A deep link from a source line (`start=src_<id>`) opens the article's card; anything else,
    // the greeting.
    const { store } = engine.current();
    const id = articleFromPayload(
      String(ctx.match ?? '').trim(),
      () => store.articles().map((a) => a.id),
      (x) => store.articleById(x) !== null,
    );
    const article = id ? store.articleById(id) : null;
    if (!article) return replyHtml(ctx, startText(langOf(ctx), engine.current().manifest.articles));
    return replyHtml(
      ctx,
      articleCardText(langOf(ctx), article, await sampleQuestion(engine, article)),
    );
  });
  commands.command('help', (ctx) =>
    replyHtml(ctx, helpText(langOf(ctx), ctx.me.username, settings.maxQuestionLength)),
  );
  commands.command(['neu', 'latest'], async (ctx) => {
    const { store } = engine.current();
    const items = [];
    for (const row of store.articleRowsDated(null, null).slice(0, LATEST)) {
      const article = store.article(row);
      if (article) items.push({ article, sample: await sampleQuestion(engine, article) });
    }
    return replyHtml(ctx, latestText(langOf(ctx), items));
  });
  commands.command('sources', (ctx) =>
    replyHtml(ctx, sourcesText(langOf(ctx), engine.current().store.articles())),
  );
  commands.command('about', (ctx) => {
    const m = engine.current().manifest;
    return replyHtml(
      ctx,
      aboutText(langOf(ctx), {
        model: settings.modelId,
        missingModel: settings.missingModel ?? null,
        threshold: settings.threshold ?? null,
        mode: settings.mode,
        articles: m.articles,
        chunks: m.chunks,
        builtAt: m.builtAt,
        ...(m.pendingVectors ? { pendingVectors: m.pendingVectors } : {}),
      }),
    );
  });
  bot.use(commands);
  const isAdmin = (ctx: Context) => isFromOneOf(settings.adminIds ?? [], ctx.from);
  bot.use(
    createClaimFeature({
      engine,
      logger,
      isAdmin,
      settings: { maxQuestionLength: settings.maxQuestionLength, allow: allowed },
    }),
  );
  for (const feature of settings.features ?? []) bot.use(feature);
  if (feedback) bot.use(createButtonsFeature({ engine, feedback, logger, botUsername: username }));
  bot.use(
    createInlineFeature({
      engine,
      logger,
      feedback,
      botUsername: username,
      settings: { ...DEFAULT_INLINE, ...settings.inline },
    }),
  );
  // A button no feature knows (an old keyboard, forged data): answered, so the client stops
  // waiting.
  bot.on('callback_query', (ctx) =>
    ctx.answerCallbackQuery({ text: unknownButtonText(langOf(ctx)) }),
  );

  const privateChats = bot.chatType('private');
  privateChats.command('ask', (ctx) => answer(ctx, ctx.match));
  privateChats.on('message:text', (ctx) => {
    if (parseCommand(ctx.msg.text, ctx.msg.entities))
      return replyHtml(ctx, unknownCommandText(langOf(ctx)));
    return answer(ctx, ctx.msg.text);
  });
  privateChats.on('message', (ctx) => replyHtml(ctx, nonTextHint(langOf(ctx))));

  const groups = bot.chatType(['group', 'supergroup']);
  groups.on('message:text', (ctx) => {
    const trigger = groupTrigger(ctx.msg, { id: ctx.me.id, username: ctx.me.username });
    return trigger ? answer(ctx, trigger.question) : undefined; // plain chatter: stay silent
  });
  // The explicit last handler: anything else (other update types, group media) is ignored.
  bot.use(() => undefined);
  return bot;
}

export async function registerCommands(bot: Bot): Promise<void> {
  await bot.api.setMyCommands(commandList('en'));
  await bot.api.setMyCommands(commandList('de'), { language_code: 'de' });
}
