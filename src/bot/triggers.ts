/**
 * When the bot answers in a group, and what the question is. Pure functions over Telegram
 * message objects, so the rules are tested without a bot.
 */
import type { Message, MessageEntity } from 'grammy/types';

export interface BotIdentity {
  id: number;
  username: string;
}

export type Trigger = {
  kind: 'command' | 'mention' | 'reply' | 'private';
  question: string;
} | null;

/** A leading bot command: `/ask@name rest` → { command: 'ask', target: 'name', rest }. */
export function parseCommand(
  text: string,
  entities: readonly MessageEntity[] = [],
): { command: string; target: string | null; rest: string } | null {
  const first = entities.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!first) return null;
  const raw = text.slice(1, first.length);
  const [command = '', target = null] = raw.split('@');
  return { command: command.toLowerCase(), target, rest: text.slice(first.length).trim() };
}

function isMentioned(
  text: string,
  entities: readonly MessageEntity[],
  me: BotIdentity,
): MessageEntity | undefined {
  return entities.find(
    (e) =>
      (e.type === 'mention' &&
        text.slice(e.offset, e.offset + e.length).toLowerCase() ===
          `@${me.username.toLowerCase()}`) ||
      (e.type === 'text_mention' && e.user.id === me.id),
  );
}

/**
 * The question in a group message, or null to stay silent: `/ask …` (also `/ask@thisbot`), a
 * message mentioning the bot, or a reply to one of the bot's own messages.
 */
export function groupTrigger(
  message: Pick<Message, 'text' | 'entities' | 'reply_to_message'>,
  me: BotIdentity,
): Trigger {
  const text = message.text ?? '';
  const entities = message.entities ?? [];
  const command = parseCommand(text, entities);
  if (command) {
    if (command.target && command.target.toLowerCase() !== me.username.toLowerCase()) return null;
    return command.command === 'ask' ? { kind: 'command', question: command.rest } : null;
  }
  const mention = isMentioned(text, entities, me);
  if (mention) {
    const question = (text.slice(0, mention.offset) + text.slice(mention.offset + mention.length))
      .replace(/\s+/g, ' ')
      .replace(/^[\s,:]+/, '')
      .trim();
    return { kind: 'mention', question };
  }
  const replied = message.reply_to_message;
  // In forum topics every message "replies" to the topic's creation message: that is no reply to
  // us.
  if (replied && replied.from?.id === me.id && !replied.forum_topic_created)
    return { kind: 'reply', question: text.trim() };
  return null;
}

/** Send options that keep a reply in the forum topic the message came from (none elsewhere). */
export function topicOptions(
  message: Pick<Message, 'is_topic_message' | 'message_thread_id'> | undefined,
): { message_thread_id?: number } {
  return message?.is_topic_message && message.message_thread_id
    ? { message_thread_id: message.message_thread_id }
    : {};
}

/**
 * Send options for a reply to `message`: in its forum topic, quoting it (sent also when it is
 * gone).
 */
export function replyOptions(
  message: Pick<Message, 'message_id' | 'is_topic_message' | 'message_thread_id'> | undefined,
): {
  message_thread_id?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply: true };
} {
  return {
    ...topicOptions(message),
    ...(message
      ? { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } }
      : {}),
  };
}

/** Whether the update comes from one of these user ids (the admins). */
export function isFromOneOf(ids: readonly number[], from: { id: number } | undefined): boolean {
  return from !== undefined && ids.includes(from.id);
}
