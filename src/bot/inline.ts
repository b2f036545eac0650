/**
 * Inline mode: `@bot Frage` in any chat, the bot a member or not. Telegram sends a query per
 * keystroke, so a query is answered only when it has three words or more and no newer one of the
 * same user came within the debounce; identical questions are answered from a cache (and
 * Telegram caches them for `cacheSeconds` too); each user has a rate limit. Too short, superseded
 * or over the limit: silence, which Telegram shows as no results. Each result is one quote as the
 * same HTML answer a chat gets; an abstention is one result that says so.
 */
import { type Context, Composer } from 'grammy';
import type { InlineQueryResultArticle } from 'grammy/types';
import type { Answer, Quote } from '../answer/answer.js';
import type { Engine } from '../answer/engine.js';
import { InputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { tokenize } from '../text.js';
import type { FeedbackStore } from './feedbackStore.js';
import { answerHtml, formatDate } from './format.js';
import { createRateLimiter } from './rateLimit.js';

export interface InlineSettings {
  /** Inline questions answered per user and minute; more are not answered. */
  rateLimitPerUser: number;
  /** A query is answered when no newer one of the same user came within this many ms. */
  debounceMs: number;
  /** How long Telegram may serve the results to anyone asking the same (cache_time). */
  cacheSeconds: number;
}

export const DEFAULT_INLINE: InlineSettings = {
  rateLimitPerUser: 30,
  debounceMs: 400,
  cacheSeconds: 300,
};

/** Telegram shows at most 50 results; an answer has few quotes worth showing. */
const MAX_RESULTS = 5;
const MIN_WORDS = 3;
const TITLE_CHARS = 64;

const T = {
  de: { none: 'Dazu steht nichts in den Artikeln', rephrase: 'Andere Stichworte versuchen' },
  en: { none: 'The articles do not answer this', rephrase: 'Try other keywords' },
};

/** The start of a quote for a result's title: whole words, "…" when cut. */
export function quoteTitle(text: string, max = TITLE_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.lastIndexOf(' ', max - 1);
  return `${flat.slice(0, cut > max / 2 ? cut : max - 1)}…`;
}

/** The inline results for an answer: a quote each (with its source), or one abstention. */
export function inlineResults(
  answer: Answer,
  topics: readonly string[],
  botUsername?: string,
): InlineQueryResultArticle[] {
  const options = botUsername ? { botUsername } : {};
  const content = (html: string) => ({
    message_text: html,
    parse_mode: 'HTML' as const,
    link_preview_options: { is_disabled: true },
  });
  if (!answer.found) {
    const t = T[answer.language];
    return [
      {
        type: 'article',
        id: 'none',
        title: t.none,
        description: t.rephrase,
        input_message_content: content(answerHtml(answer, topics, options)),
      },
    ];
  }
  const quotes: Quote[] = [...answer.quotes, ...answer.more].slice(0, MAX_RESULTS);
  return quotes.map((q, i) => {
    const one: Answer = {
      ...answer,
      quotes: [{ ...q, sourceNumber: 1 }],
      sources: [q.article],
      more: [],
      moreSources: [],
    };
    const description = [
      q.article.meta.title,
      q.article.meta.source,
      formatDate(q.article.meta.date, answer.language),
    ]
      .filter(Boolean)
      .join(' – ');
    return {
      type: 'article',
      id: `q${i}-${q.article.id}`.slice(0, 64),
      title: quoteTitle(q.text),
      description,
      input_message_content: content(answerHtml(one, topics, options)),
    };
  });
}

export function createInlineFeature(options: {
  engine: Engine;
  settings: InlineSettings;
  logger: Logger;
  feedback?: FeedbackStore | null;
  botUsername: () => string | undefined;
}): Composer<Context> {
  const { engine, settings, logger, feedback } = options;
  const limiter = createRateLimiter(settings.rateLimitPerUser);
  const latest = new Map<number, number>();
  let sequence = 0;
  const cache = new Map<string, { results: InlineQueryResultArticle[]; found: boolean }>();
  const feature = new Composer<Context>();
  feature.on('inline_query', async (ctx) => {
    const question = ctx.inlineQuery.query.replace(/\s+/g, ' ').trim();
    if (tokenize(question).length < MIN_WORDS) return;
    const user = ctx.from.id;
    const mine = ++sequence;
    latest.set(user, mine);
    await new Promise((resolve) => setTimeout(resolve, settings.debounceMs));
    if (latest.get(user) !== mine) return; // the user typed on
    latest.delete(user);
    if (!limiter.hit(String(user))) {
      logger.debug({ update_id: ctx.update.update_id }, 'inline query over the rate limit');
      return;
    }
    const key = `${engine.current().manifest.builtAt}\n${question.toLowerCase()}`;
    let cached = cache.get(key);
    if (!cached) {
      let answer: Answer;
      try {
        answer = await engine.answer(question);
      } catch (error) {
        if (error instanceof InputError) return;
        throw error;
      }
      cached = {
        results: inlineResults(answer, engine.topics(), options.botUsername()),
        found: answer.found,
      };
      if (cache.size >= 500) cache.delete(cache.keys().next().value ?? '');
      cache.set(key, cached);
    }
    try {
      feedback?.recordAsked({ question, found: cached.found, via: 'inline' });
    } catch (error) {
      logger.warn({ err: String(error) }, 'could not record an inline question');
    }
    await ctx.answerInlineQuery(cached.results, {
      cache_time: settings.cacheSeconds,
      is_personal: false,
    });
  });
  return feature;
}
