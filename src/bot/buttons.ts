/**
 * The buttons under an answer: "Kontext" (the quote's paragraph), "Weitere Zitate" (the next
 * best quotes) and 👍/👎. Their callback data names the stored answer and a quote's position in
 * it (`k:<answer>:<position>`, `w:<answer>`, `v:<answer>:+`), so they work after a restart;
 * each press is checked against the message the answer was sent as, and each quote against the
 * index in force (the article may be gone or changed since: the reader is told so).
 */
import { type Context, Composer, InlineKeyboard } from 'grammy';
import { type Answer, type Quote, citedQuotes } from '../answer/answer.js';
import type { Engine } from '../answer/engine.js';
import type { StoredArticle } from '../index/db.js';
import type { Logger } from '../logger.js';
import { type FeedbackStore, type QuoteRef, quoteHash } from './feedbackStore.js';
import { answerHtml, contextHtml } from './format.js';
import { type Lang, userLanguage } from './replies.js';

export type Button =
  | { kind: 'context'; answer: number; position: number }
  | { kind: 'more'; answer: number }
  | { kind: 'vote'; answer: number; up: boolean };

/** Telegram's limit for callback data, in bytes. */
export const CALLBACK_DATA_LIMIT = 64;

export function buttonData(button: Button): string {
  switch (button.kind) {
    case 'context':
      return `k:${button.answer}:${button.position}`;
    case 'more':
      return `w:${button.answer}`;
    case 'vote':
      return `v:${button.answer}:${button.up ? '+' : '-'}`;
  }
}

/** The button a callback's data names, or null for anything else (another feature's, or forged). */
export function parseButton(data: string): Button | null {
  const m = /^(?:k:(\d{1,16}):(\d{1,2})|w:(\d{1,16})|v:(\d{1,16}):([+-]))$/.exec(data);
  if (!m) return null;
  if (m[1] !== undefined) return { kind: 'context', answer: Number(m[1]), position: Number(m[2]) };
  if (m[3] !== undefined) return { kind: 'more', answer: Number(m[3]) };
  return { kind: 'vote', answer: Number(m[4]), up: m[5] === '+' };
}

/**
 * Where each quote of an answer stands: the shown ones first, then those kept for "Weitere Zitate".
 */
export function quoteRefs(answer: Pick<Answer, 'quotes' | 'more'>): QuoteRef[] {
  const ref = (q: Quote, position: number, shown: boolean): QuoteRef => ({
    position,
    shown,
    articleId: q.article.id,
    start: q.start,
    end: q.end,
    textHash: quoteHash(q.text),
  });
  return [
    ...answer.quotes.map((q, i) => ref(q, i, true)),
    ...answer.more.map((q, i) => ref(q, answer.quotes.length + i, false)),
  ];
}

const LABELS = {
  de: { context: 'Kontext', more: 'Weitere Zitate' },
  en: { context: 'Context', more: 'More quotes' },
};

/**
 * Kontext per quote (numbered when there are several), Weitere Zitate when there are more, and the
 * votes.
 */
export function answerKeyboard(
  answerId: number,
  refs: readonly QuoteRef[],
  lang: Lang,
  votes = true,
): InlineKeyboard {
  const shown = refs.filter((r) => r.shown);
  const keyboard = new InlineKeyboard();
  shown.forEach((r, i) =>
    keyboard.text(
      shown.length > 1 ? `${LABELS[lang].context} ${i + 1}` : LABELS[lang].context,
      buttonData({ kind: 'context', answer: answerId, position: r.position }),
    ),
  );
  if (refs.some((r) => !r.shown))
    keyboard.text(LABELS[lang].more, buttonData({ kind: 'more', answer: answerId }));
  if (votes)
    keyboard
      .row()
      .text('👍', buttonData({ kind: 'vote', answer: answerId, up: true }))
      .text('👎', buttonData({ kind: 'vote', answer: answerId, up: false }));
  return keyboard;
}

/** A stored quote in the index in force: its article, or why it cannot be shown any more. */
export function resolveQuote(
  engine: Engine,
  ref: QuoteRef,
): { article: StoredArticle } | { missing: 'gone' | 'changed' } {
  const article = engine.current().store.articleById(ref.articleId);
  if (!article) return { missing: 'gone' };
  if (quoteHash(article.text.slice(ref.start, ref.end)) !== ref.textHash)
    return { missing: 'changed' };
  return { article };
}

const T = {
  de: {
    unknown: 'Diese Schaltfläche kenne ich nicht.',
    expired: 'Zu dieser Antwort habe ich nichts mehr gespeichert.',
    foreign: 'Diese Schaltfläche gehört zu einer anderen Nachricht.',
    gone: 'Der Artikel dieses Zitats ist nicht mehr im Index.',
    changed: 'Der Artikel wurde seitdem geändert; die zitierte Stelle steht dort nicht mehr so.',
    noMore: 'Weitere Zitate gibt es dazu nicht (mehr).',
    thanks: 'Danke für Ihre Rückmeldung!',
    changedVote: 'Ihre Stimme ist geändert.',
    same: 'Ihre Stimme ist schon gezählt.',
  },
  en: {
    unknown: 'I do not know this button.',
    expired: 'I no longer keep anything about this answer.',
    foreign: 'This button belongs to another message.',
    gone: 'The article of this quote is no longer in the index.',
    changed: 'The article has changed since; the quoted passage no longer stands there.',
    noMore: 'There are no (longer any) more quotes on this.',
    thanks: 'Thanks for your feedback!',
    changedVote: 'Your vote was changed.',
    same: 'Your vote is already counted.',
  },
};

export function createButtonsFeature(options: {
  engine: Engine;
  feedback: FeedbackStore;
  logger: Logger;
  botUsername: () => string | undefined;
}): Composer<Context> {
  const { engine, feedback, logger } = options;
  const feature = new Composer<Context>();
  feature.on('callback_query:data', async (ctx, next) => {
    const button = parseButton(ctx.callbackQuery.data);
    const lang: Lang = userLanguage(ctx.from.language_code);
    const t = T[lang];
    const toast = (text?: string) => ctx.answerCallbackQuery(text ? { text } : {});
    if (!button) {
      if (/^[kwv]:/.test(ctx.callbackQuery.data)) return toast(t.unknown);
      return next();
    }
    const asked = feedback.asked(button.answer);
    if (!asked) return toast(t.expired);
    const message = ctx.callbackQuery.message;
    // An answer is stored before it is sent and told its message id after: a press in between
    // (or after a crash in between) binds it to the message pressed, in the chat it was sent to.
    if (message && asked.chatId === message.chat.id && asked.messageId === null)
      feedback.attachMessage(asked.id, message.chat.id, message.message_id);
    else if (
      !message ||
      asked.chatId !== message.chat.id ||
      asked.messageId !== message.message_id
    ) {
      logger.info(
        { update_id: ctx.update.update_id, button: button.kind },
        'button pressed on another message than its answer',
      );
      return toast(t.foreign);
    }
    if (button.kind === 'vote') {
      const result = feedback.vote(button.answer, ctx.from.id, button.up);
      return toast(
        result === 'recorded' ? t.thanks : result === 'changed' ? t.changedVote : t.same,
      );
    }
    const refs = feedback.quotes(button.answer);
    const send = (html: string, keyboard?: InlineKeyboard) =>
      ctx.api.sendMessage(message.chat.id, html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
        ...('is_topic_message' in message && message.is_topic_message && message.message_thread_id
          ? { message_thread_id: message.message_thread_id }
          : {}),
        ...(keyboard ? { reply_markup: keyboard } : {}),
      });
    if (button.kind === 'context') {
      const ref = refs.find((r) => r.position === button.position);
      if (!ref) return toast(t.unknown);
      const found = resolveQuote(engine, ref);
      if ('missing' in found) return toast(t[found.missing]);
      await toast();
      await send(contextHtml(found.article, ref.start, ref.end, lang));
      return;
    }
    // Weitere Zitate: those still standing in the index, as an answer of their own.
    const further = refs.filter((r) => !r.shown);
    const standing = further.map((ref) => ({ ref, found: resolveQuote(engine, ref) }));
    const quotes = standing.flatMap(({ ref, found }) =>
      'article' in found ? [{ ref, article: found.article }] : [],
    );
    if (quotes.length === 0) {
      const missing = standing.find(({ found }) => 'missing' in found)?.found;
      return toast(missing && 'missing' in missing ? t[missing.missing] : t.noMore);
    }
    const answer = furtherAnswer(quotes, lang);
    await toast();
    const username = options.botUsername();
    await send(
      answerHtml(answer, [], username ? { botUsername: username } : {}),
      answerKeyboard(
        button.answer,
        quotes.map(({ ref }) => ({ ...ref, shown: true })),
        lang,
        false,
      ),
    );
  });
  return feature;
}

/** Stored quotes shown as an answer of their own, numbered in their order. */
function furtherAnswer(
  quotes: ReadonlyArray<{ ref: QuoteRef; article: StoredArticle }>,
  language: Lang,
): Answer {
  const { quotes: shown, sources } = citedQuotes(
    quotes.map(({ ref, article }) => ({ article, start: ref.start, end: ref.end, score: 0 })),
  );
  return {
    question: '',
    found: true,
    quotes: shown,
    sources,
    more: [],
    moreSources: [],
    nearest: [],
    confidence: 0,
    language,
    otherStates: false,
  };
}
