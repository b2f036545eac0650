/**
 * Reply texts of the bot, as pure functions of their inputs, in German and English. Everything
 * dynamic is HTML-escaped here; handlers only send what these return.
 */
import type { ThresholdInfo } from '../answer/engine.js';
import type { StoredArticle } from '../index/db.js';
import { TELEGRAM_LIMIT, escapeHtml, formatDate, safeUrl, titleHtml } from './format.js';

export type Lang = 'de' | 'en';

/** German for German-speaking users and users without a language, English for everyone else. */
export function userLanguage(languageCode: string | undefined): Lang {
  if (!languageCode) return 'de';
  return languageCode.toLowerCase().startsWith('de') ? 'de' : 'en';
}

export interface CommandSpec {
  command: string;
  description: string;
}

export function commandList(lang: Lang): CommandSpec[] {
  return lang === 'de'
    ? [
        { command: 'ask', description: 'Eine Frage zu den Artikeln stellen' },
        { command: 'sources', description: 'Die Artikel, aus denen zitiert wird' },
        { command: 'neu', description: 'Die neuesten Artikel, mit Beispielfrage' },
        { command: 'check', description: 'Eine Behauptung mit den Artikeln vergleichen' },
        { command: 'about', description: 'Modell, Umfang und Stand des Index' },
        { command: 'help', description: 'So funktioniert der Bot' },
        { command: 'start', description: 'Begrüßung' },
      ]
    : [
        { command: 'ask', description: 'Ask a question about the articles' },
        { command: 'sources', description: 'The articles the bot quotes from' },
        { command: 'latest', description: 'The newest articles, with a sample question' },
        { command: 'check', description: 'Compare a claim with the articles' },
        { command: 'about', description: 'Model, size and date of the index' },
        { command: 'help', description: 'How the bot works' },
        { command: 'start', description: 'Welcome' },
      ];
}

export function startText(lang: Lang, articleCount: number): string {
  return lang === 'de'
    ? `Hallo! Ich beantworte Fragen zu ${articleCount} Nachrichtenartikeln – nur mit wörtlichen Zitaten und nummerierten Quellen. Steht die Antwort nicht in den Artikeln, sage ich das.\n\nSchreiben Sie einfach Ihre Frage, zum Beispiel: <i>Wo trafen sich Putin und Kim?</i>\n\n/help erklärt mehr, /sources zeigt die Artikel.`
    : `Hello! I answer questions about ${articleCount} news articles – only with verbatim quotes and numbered sources. If the articles do not answer, I say so.\n\nJust type your question, for example: <i>Where did Putin and Kim meet?</i>\n\n/help explains more, /sources lists the articles.`;
}

export function helpText(lang: Lang, username: string, maxQuestion: number): string {
  const u = escapeHtml(username);
  return lang === 'de'
    ? [
        '<b>So funktioniert belegbot</b>',
        'Ich suche in den Artikeln die Sätze, die Ihre Frage beantworten, und zitiere sie wörtlich mit Quelle [1]. Ich erfinde nichts: Steht es nicht in den Artikeln, sage ich das.',
        '',
        '<b>Privat</b>: einfach die Frage schreiben.',
        `<b>In Gruppen</b>: <code>/ask Frage</code>, eine Nachricht mit @${u} oder eine Antwort auf eine meiner Nachrichten. Auf alles andere reagiere ich nicht.`,
        `<b>In jedem Chat</b>: <code>@${u} Frage</code> tippen und ein Zitat auswählen.`,
        '<b>Unter jeder Antwort</b>: „Kontext“ zeigt den ganzen Absatz, „Weitere Zitate“ die nächstbesten Stellen, 👍/👎 sagt mir, ob es geholfen hat.',
        '',
        '<b>Für Gruppen-Admins – Privatsphäre-Modus</b>: Mit eingeschaltetem Privatsphäre-Modus (Standard bei @BotFather) sehe ich in Gruppen nur Befehle, Erwähnungen und Antworten auf meine Nachrichten – genau das, was ich brauche. Ausschalten ist nicht nötig.',
        '',
        '<b>Behauptungen prüfen</b>: <code>/check Behauptung</code>, <code>/check</code> als Antwort auf eine Nachricht, oder einen Beitrag an mich weiterleiten. Ich zitiere, was die Artikel dazu sagen, und vergleiche die Zahlen – ein Urteil darüber hinaus fälle ich nicht.',
        `Befehle: /ask, /check, /neu (neueste Artikel), /sources (Artikel), /about (Index), /help. Fragen bis ${maxQuestion} Zeichen. Zeitangaben wie „gestern“, „letzte Woche“ oder „im September 2023“ beziehen sich auf das Datum der Artikel.`,
      ].join('\n')
    : [
        '<b>How belegbot works</b>',
        'I look for the sentences in the articles that answer your question and quote them verbatim with their source [1]. I make nothing up: if the articles do not say it, I tell you.',
        '',
        '<b>Private chat</b>: just type the question.',
        `<b>Groups</b>: <code>/ask question</code>, a message mentioning @${u}, or a reply to one of my messages. I stay silent on everything else.`,
        `<b>Any chat</b>: type <code>@${u} question</code> and pick a quote.`,
        '<b>Under each answer</b>: "Context" shows the whole paragraph, "More quotes" the next best passages, 👍/👎 tells me whether it helped.',
        '',
        '<b>For group admins – privacy mode</b>: with privacy mode on (the @BotFather default) I only see commands, mentions and replies to my messages in groups – exactly what I need. There is no need to turn it off.',
        '',
        '<b>Checking claims</b>: <code>/check claim</code>, <code>/check</code> as a reply to a message, or forward a post to me. I quote what the articles say about it and compare the numbers – I pass no judgement beyond that.',
        `Commands: /ask, /check, /latest (newest articles), /sources (articles), /about (index), /help. Questions up to ${maxQuestion} characters. Times such as "yesterday", "last week" or "in September 2023" refer to the articles' dates.`,
      ].join('\n');
}

export function askUsage(lang: Lang): string {
  return lang === 'de'
    ? 'Bitte die Frage nach dem Befehl schreiben, z. B. <code>/ask Wo trafen sich Putin und Kim?</code>'
    : 'Please put the question after the command, e.g. <code>/ask Where did Putin and Kim meet?</code>';
}

/** The indexed articles, newest first, cut to fit one message. */
export function sourcesText(
  lang: Lang,
  articles: readonly Pick<StoredArticle, 'id' | 'meta'>[],
  limit = TELEGRAM_LIMIT,
): string {
  const head =
    lang === 'de'
      ? `<b>${articles.length} Artikel im Index</b>`
      : `<b>${articles.length} articles in the index</b>`;
  const sorted = [...articles].sort(
    (a, b) => (b.meta.date ?? '').localeCompare(a.meta.date ?? '') || a.id.localeCompare(b.id),
  );
  const lines: string[] = [head];
  let length = head.length;
  for (const [i, a] of sorted.entries()) {
    const rest = [a.meta.source, formatDate(a.meta.date, lang)].filter(Boolean).join(', ');
    const title =
      a.meta.url && /^https?:\/\//.test(a.meta.url)
        ? `<a href="${escapeHtml(a.meta.url)}">${escapeHtml(a.meta.title)}</a>`
        : escapeHtml(a.meta.title);
    const line = `• ${title}${rest ? ` – ${escapeHtml(rest)}` : ''} <code>${escapeHtml(a.id)}</code>`;
    const more =
      lang === 'de' ? `… und ${sorted.length - i} weitere` : `… and ${sorted.length - i} more`;
    if (length + line.length + 1 + more.length + 1 > limit) {
      lines.push(more);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

export interface AboutInfo {
  model: string | null;
  /** The configured model that could not be loaded, when the bot runs without it. */
  missingModel?: string | null;
  /** The abstention threshold in force and where it comes from. */
  threshold?: ThresholdInfo | null;
  mode: string;
  articles: number;
  chunks: number;
  builtAt: string;
  /** Articles indexed without vectors (the model was missing); embedded when it is back. */
  pendingVectors?: number;
}

/**
 * A hub id as it is; a local folder by its last part (the server's paths are not the users'
 * business).
 */
function modelName(model: string): string {
  return model.startsWith('/') ? (model.split('/').pop() ?? model) : model;
}

/** "5 davon noch ohne Vektoren …": articles indexed while the model was missing. */
export function pendingLine(lang: Lang, pending: number | undefined): string {
  if (!pending) return '';
  return lang === 'de'
    ? `\n${pending} davon noch ohne Vektoren (nur über ihre Wörter auffindbar, bis das Modell wieder lädt)`
    : `\n${pending} of them still without vectors (found by their words only until the model loads again)`;
}

export function aboutText(lang: Lang, info: AboutInfo): string {
  const date = info.builtAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const model = info.model
    ? escapeHtml(
        info.model.startsWith('/') ? `lokales Modell ${modelName(info.model)}` : info.model,
      )
    : info.missingModel
      ? lang === 'de'
        ? `keins – ${escapeHtml(modelName(info.missingModel))} konnte nicht geladen werden, der Bot läuft ohne Modell (nur Stichwortsuche)`
        : `none – ${escapeHtml(modelName(info.missingModel))} could not be loaded, the bot runs without the model (keyword search only)`
      : lang === 'de'
        ? 'keins (nur Stichwortsuche)'
        : 'none (keyword search only)';
  const t = info.threshold;
  const threshold = !t
    ? ''
    : lang === 'de'
      ? `\nSchwelle für Antworten: ${t.value} (${t.source === 'calibrated' ? `kalibriert am ${escapeHtml((t.calibratedAt ?? '').slice(0, 10))}` : t.source === 'MIN_ANSWER_SCORE' ? 'MIN_ANSWER_SCORE' : 'Voreinstellung'})`
      : `\nAnswer threshold: ${t.value} (${t.source === 'calibrated' ? `calibrated on ${escapeHtml((t.calibratedAt ?? '').slice(0, 10))}` : t.source === 'MIN_ANSWER_SCORE' ? 'MIN_ANSWER_SCORE' : 'built-in default'})`;
  return lang === 'de'
    ? `<b>belegbot</b>\nModell: ${model}\nSuche: ${escapeHtml(info.mode)}\nArtikel: ${info.articles}, Abschnitte: ${info.chunks}${pendingLine(lang, info.pendingVectors)}\nIndex vom: ${escapeHtml(date)}${threshold}`
    : `<b>belegbot</b>\nModel: ${model}\nSearch: ${escapeHtml(info.mode)}\nArticles: ${info.articles}, chunks: ${info.chunks}${pendingLine(lang, info.pendingVectors)}\nIndex built: ${escapeHtml(date)}${threshold}`;
}

export function tooLongText(lang: Lang, length: number, max: number): string {
  return lang === 'de'
    ? `Die Frage ist zu lang (${length} Zeichen, höchstens ${max}). Bitte kürzer fassen.`
    : `The question is too long (${length} characters, at most ${max}). Please shorten it.`;
}

export function rateLimitedText(lang: Lang, perMinute: number): string {
  return lang === 'de'
    ? `Bitte etwas langsamer – höchstens ${perMinute} Fragen pro Minute. Gleich geht es weiter.`
    : `Please slow down – at most ${perMinute} questions per minute. Try again in a moment.`;
}

export function nonTextHint(lang: Lang): string {
  return lang === 'de'
    ? 'Ich verstehe nur Text. Schreiben Sie Ihre Frage als Nachricht.'
    : 'I only understand text. Please type your question.';
}

export function unknownCommandText(lang: Lang): string {
  return lang === 'de'
    ? 'Diesen Befehl kenne ich nicht. /help zeigt, was ich kann.'
    : 'I do not know that command. /help shows what I can do.';
}

export function apologyText(lang: Lang): string {
  return lang === 'de'
    ? 'Entschuldigung, da ist etwas schiefgegangen. Bitte versuchen Sie es noch einmal.'
    : 'Sorry, something went wrong. Please try again.';
}

export function noWordsText(lang: Lang): string {
  return lang === 'de'
    ? 'Bitte eine Frage mit Worten stellen.'
    : 'Please ask a question with words.';
}

export function unknownButtonText(lang: Lang): string {
  return lang === 'de'
    ? 'Diese Schaltfläche kenne ich nicht (mehr).'
    : 'I do not know this button (any more).';
}

/**
 * An article's card, opened by a source line's deep link: title, source, date, link and a question
 * it answers.
 */
export function articleCardText(
  lang: Lang,
  article: Pick<StoredArticle, 'id' | 'meta'>,
  sample: string | null,
): string {
  const m = article.meta;
  const url = safeUrl(m.url);
  const lines = [
    `<b>${escapeHtml(m.title)}</b>`,
    [m.source, m.author, formatDate(m.date, lang) ?? (lang === 'de' ? 'ohne Datum' : 'undated')]
      .filter(Boolean)
      .map((x) => escapeHtml(String(x)))
      .join(', '),
    url ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : '',
    `<code>${escapeHtml(article.id)}</code>`,
    sample
      ? lang === 'de'
        ? `Beispielfrage: <i>${escapeHtml(sample)}</i>`
        : `Sample question: <i>${escapeHtml(sample)}</i>`
      : '',
  ];
  return lines.filter(Boolean).join('\n');
}

/** /neu: the newest dated articles, each with a question the bot verifiably answers from it. */
export function latestText(
  lang: Lang,
  items: ReadonlyArray<{ article: Pick<StoredArticle, 'id' | 'meta'>; sample: string | null }>,
  limit = TELEGRAM_LIMIT,
): string {
  if (items.length === 0)
    return lang === 'de'
      ? 'Keiner der Artikel hat ein Datum. /sources zeigt alle.'
      : 'None of the articles is dated. /sources lists them all.';
  const lines = [lang === 'de' ? '<b>Die neuesten Artikel</b>' : '<b>The newest articles</b>'];
  for (const { article, sample } of items) {
    const m = article.meta;
    const title = titleHtml(m);
    const rest = [m.source, formatDate(m.date, lang)].filter(Boolean).join(', ');
    const entry = `• ${title}${rest ? ` – ${escapeHtml(rest)}` : ''}${sample ? `\n  ${lang === 'de' ? 'Zum Beispiel' : 'For example'}: <i>${escapeHtml(sample)}</i>` : ''}`;
    if (lines.join('\n').length + entry.length + 1 > limit) break;
    lines.push(entry);
  }
  return lines.join('\n');
}
