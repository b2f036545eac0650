/**
 * The claim check in Telegram: `/check text`, `/check` as a reply to the message to check (in
 * groups too), and any text a non-admin forwards to the bot in a private chat (an admin is asked
 * first, src/bot/admin.ts). One reply per text, shortened at statement boundaries to fit.
 */
import { type Context, Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { Engine } from '../answer/engine.js';
import { MAX_CLAIMS, checkClaims } from '../answer/claims.js';
import type { Logger } from '../logger.js';
import { claimsHtml } from './format.js';
import { type Lang, userLanguage } from './replies.js';
import { replyOptions, topicOptions } from './triggers.js';

const T = {
  de: {
    usage:
      'Zum Prüfen: <code>/check Behauptung</code>, oder <code>/check</code> als Antwort auf die Nachricht, die ich prüfen soll. Weitergeleitete Beiträge prüfe ich direkt.',
    noText: 'Der Beitrag enthält keinen Text, den ich prüfen kann.',
  },
  en: {
    usage:
      'To check: <code>/check claim</code>, or <code>/check</code> as a reply to the message to check. Forwarded posts I check right away.',
    noText: 'The post holds no text I could check.',
  },
};

/** The text of a message to check: its text or a media caption. */
export function checkableText(message: Pick<Message, 'text' | 'caption'> | undefined): string {
  return (message?.text ?? message?.caption ?? '').trim();
}

export interface ClaimCheckSettings {
  maxQuestionLength: number;
  /** Per-user limit shared with questions: true when this check may run. */
  allow: (ctx: Context) => Promise<boolean>;
}

/** Check `text` and reply in the chat it came from (a reply to the message). */
export async function replyWithClaimCheck(
  ctx: Context,
  engine: Pick<Engine, 'answer' | 'current' | 'synonyms'>,
  text: string,
  settings: Pick<ClaimCheckSettings, 'maxQuestionLength'>,
  logger: Logger,
): Promise<void> {
  const lang: Lang = userLanguage(ctx.from?.language_code);
  const reply = (html: string) =>
    ctx.reply(html, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...replyOptions(ctx.msg),
    });
  if (!text) {
    await reply(T[lang].noText);
    return;
  }
  const started = performance.now();
  await ctx.replyWithChatAction('typing', topicOptions(ctx.msg)).catch(() => undefined);
  const check = await checkClaims(engine, text, {
    maxClaims: MAX_CLAIMS,
    maxStatementChars: settings.maxQuestionLength,
    now: new Date(),
  });
  await reply(claimsHtml(check, lang));
  logger.info(
    {
      update_id: ctx.update.update_id,
      chat_type: ctx.chat?.type,
      claims: check.claims.length,
      verdicts: check.claims.map((c) => c.verdict),
      unchecked: check.unchecked,
      latency_ms: Math.round(performance.now() - started),
    },
    'claims checked',
  );
}

export function createClaimFeature(options: {
  engine: Engine;
  settings: ClaimCheckSettings;
  logger: Logger;
  isAdmin: (ctx: Context) => boolean;
}): Composer<Context> {
  const { engine, settings, logger } = options;
  const feature = new Composer<Context>();
  const run = async (ctx: Context, text: string) => {
    if (!(await settings.allow(ctx))) return;
    await replyWithClaimCheck(ctx, engine, text, settings, logger);
  };
  feature.command('check', async (ctx) => {
    const own = String(ctx.match ?? '').trim();
    const replied = ctx.msg.reply_to_message;
    if (own) return run(ctx, own);
    if (replied) return run(ctx, checkableText(replied));
    await ctx.reply(T[userLanguage(ctx.from?.language_code)].usage, {
      parse_mode: 'HTML',
      ...topicOptions(ctx.msg),
    });
  });
  // A post forwarded by a non-admin in a private chat: check it (an admin is asked,
  // src/bot/admin.ts).
  feature.chatType('private').on('message', async (ctx, next) => {
    if (!ctx.msg.forward_origin || options.isAdmin(ctx)) return next();
    return run(ctx, checkableText(ctx.msg));
  });
  return feature;
}
