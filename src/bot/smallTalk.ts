/**
 * Small talk: a greeting, thanks, or "what can you do?" is not a question about the articles.
 * Answered with a short friendly line and an example question, never with a quote or "Dazu steht
 * nichts in den Artikeln". A message is small talk only when nothing else is in it: "Hallo, wie
 * viele Panzer hat Russland verloren?" is a question.
 */
import { escapeHtml } from './format.js';
import type { Lang } from './replies.js';

export type SmallTalk = 'greeting' | 'thanks' | 'capabilities';

/** Phrases by kind, lower case, words separated by one space. */
const PHRASES: Record<SmallTalk, readonly string[]> = {
  capabilities: [
    'was kannst du',
    'was kann der bot',
    'was kannst du so',
    'was machst du',
    'wer bist du',
    'was bist du',
    'wie funktionierst du',
    'wie funktioniert das',
    'wie geht das',
    'hilfe',
    'what can you do',
    'who are you',
    'what are you',
    'how does this work',
    'how do you work',
    'help',
  ],
  thanks: [
    'vielen dank',
    'besten dank',
    'herzlichen dank',
    'danke schön',
    'danke sehr',
    'dankeschön',
    'danke',
    'merci',
    'thx',
    'thank you',
    'thanks',
    'alles klar',
    'super',
    'perfekt',
    'passt',
    'top',
  ],
  greeting: [
    'guten morgen',
    'guten tag',
    'guten abend',
    'grüß gott',
    'grüss gott',
    'grüezi',
    'hallo',
    'hi',
    'hey',
    'servus',
    'moin',
    'hello',
    'good morning',
    'good afternoon',
    'good evening',
  ],
};

/** Words that may stand beside the phrases ("Hallo Bot", "Danke dir!", "Na, was kannst du denn?"). */
const FILLER = new Set([
  'bot',
  'belegbot',
  'du',
  'dir',
  'ihr',
  'euch',
  'zusammen',
  'leute',
  'na',
  'denn',
  'eigentlich',
  'so',
  'alles',
  'mal',
  'bitte',
  'ok',
  'okay',
  'ja',
  'nochmal',
  'noch',
  'einmal',
  'lieber',
  'liebe',
  'sehr',
  'there',
  'you',
  'so',
  'much',
  'very',
  'and',
  'und',
]);

/** What kind of small talk the message is, or null when it says anything else. */
export function smallTalk(message: string): SmallTalk | null {
  const words = message
    .toLowerCase()
    .replace(/@\w+/gu, ' ')
    .replace(/[^\p{L}\s]/gu, ' ')
    .split(/\s+/u)
    .filter(Boolean);
  if (words.length === 0 || words.length > 10) return null;
  const found = new Set<SmallTalk>();
  let i = 0;
  outer: while (i < words.length) {
    for (const kind of ['capabilities', 'thanks', 'greeting'] as const) {
      for (const phrase of PHRASES[kind]) {
        const parts = phrase.split(' ');
        if (parts.every((p, k) => words[i + k] === p)) {
          found.add(kind);
          i += parts.length;
          continue outer;
        }
      }
    }
    if (!FILLER.has(words[i] ?? '')) return null;
    i++;
  }
  if (found.has('capabilities')) return 'capabilities';
  if (found.has('thanks')) return 'thanks';
  return found.has('greeting') ? 'greeting' : null;
}

/** The friendly reply, with an example question the articles answer (HTML). */
export function smallTalkText(
  kind: SmallTalk,
  lang: Lang,
  example: string | null,
  count: number,
): string {
  const ask = example
    ? lang === 'de'
      ? `Fragen Sie zum Beispiel: <i>${escapeHtml(example)}</i>`
      : `Try, for example: <i>${escapeHtml(example)}</i>`
    : lang === 'de'
      ? 'Fragen Sie nach Namen, Orten oder Zahlen aus den Artikeln.'
      : 'Ask about names, places or numbers from the articles.';
  switch (kind) {
    case 'greeting':
      return lang === 'de'
        ? `Hallo! Ich beantworte Fragen zu ${count} Artikeln mit wörtlichen Zitaten und Quellen. ${ask}`
        : `Hello! I answer questions about ${count} articles with verbatim quotes and sources. ${ask}`;
    case 'thanks':
      return lang === 'de'
        ? `Gern geschehen! Noch eine Frage? ${ask}`
        : `You're welcome! Another question? ${ask}`;
    case 'capabilities':
      return lang === 'de'
        ? `Ich suche in ${count} Artikeln nach der Stelle, die Ihre Frage beantwortet, und zitiere sie wörtlich mit Quelle. Steht die Antwort nicht darin, sage ich das. Ich kann auch weitergeleitete Behauptungen prüfen (/check). ${ask}`
        : `I look through ${count} articles for the passage that answers your question and quote it word for word with its source. If the articles do not say, I tell you. I can also check forwarded claims (/check). ${ask}`;
  }
}
