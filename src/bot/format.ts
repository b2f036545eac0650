/**
 * format: Answer → the JSON contract, plain text, and Telegram HTML. Pure functions; every
 * dynamic string is escaped, and Telegram replies never exceed 4096 characters.
 */
import type { Answer } from '../answer/answer.js';
import type { CheckedClaim, ClaimCheck } from '../answer/claims.js';
import type { StoredArticle } from '../index/db.js';
import { articleLink } from './deepLink.js';
import { paragraphs, splitSentences } from '../index/chunk.js';

export const TELEGRAM_LIMIT = 4096;

export interface SourceJson {
  id: string;
  file: string;
  title: string;
  source: string | null;
  author: string | null;
  date: string | null;
  url: string | null;
}

export interface AnswerJson {
  question: string;
  found: boolean;
  quotes: Array<{ text: string; score: number; source: SourceJson }>;
  text: string;
  /**
   * Only when found is false and the best sentence came near: the articles closest to the question.
   */
  nearest?: SourceJson[];
  /**
   * Only when the best sentence is about other states than the question asks about
   * (Answer.otherStates).
   */
  otherStates?: true;
  error?: string;
}

export function sourceJson(a: Pick<StoredArticle, 'id' | 'file' | 'meta'>): SourceJson {
  return {
    id: a.id,
    file: a.file,
    title: a.meta.title,
    source: a.meta.source ?? null,
    author: a.meta.author ?? null,
    date: a.meta.date ?? null,
    url: a.meta.url ?? null,
  };
}

/** The `ask --json` line for one answered question (contract in DESIGN.md). */
export function answerJson(answer: Answer, topics: readonly string[] = []): AnswerJson {
  return {
    question: answer.question,
    found: answer.found,
    quotes: answer.quotes.map((q) => ({
      text: q.text,
      score: q.score,
      source: sourceJson(q.article),
    })),
    text: answerText(answer, topics),
    ...(answer.nearest.length ? { nearest: answer.nearest.map(sourceJson) } : {}),
    ...(answer.otherStates ? { otherStates: true as const } : {}),
  };
}

/** The `ask --json` line for a question that could not be asked (empty, too long). */
export function errorJson(question: string, message: string): AnswerJson {
  return { question, found: false, quotes: [], text: message, error: message };
}

const T = {
  de: {
    noWindow: 'Aus diesem Zeitraum gibt es keine Artikel',
    newest: 'die neuesten sind vom',
    undated: 'keiner der Artikel ist datiert',
    noDate: 'ohne Datum',
    asOf: 'Stand',
    digest: 'Das melden die neuesten Artikel',
    none: 'Dazu steht nichts in den Artikeln.',
    otherStates: 'Sie berichten darüber nur für andere Länder als das gefragte.',
    nearest: 'Am nächsten kommen Ihrer Frage',
    covers: 'Die Artikel behandeln',
    rephrase:
      'Versuchen Sie es mit anderen Stichworten, etwa Namen, Orten oder Zahlen aus den Artikeln.',
    sources: 'Quellen',
  },
  en: {
    noWindow: 'There are no articles from that time',
    newest: 'the newest are from',
    undated: 'none of the articles is dated',
    noDate: 'undated',
    asOf: 'as of',
    digest: 'The newest articles report',
    none: 'The articles do not answer this.',
    otherStates: 'They report on it only for other countries than the one asked about.',
    nearest: 'Closest to your question',
    covers: 'The articles cover',
    rephrase: 'Try other keywords, such as names, places or numbers from the articles.',
    sources: 'Sources',
  },
};

export function formatDate(date: string | undefined, language: 'de' | 'en'): string | undefined {
  if (!date) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || language === 'en') return date;
  return `${m[3]}.${m[2]}.${m[1]}`;
}

function sourceLine(a: StoredArticle, language: 'de' | 'en'): string[] {
  // An undated source says so: a reader weighs a figure by when it was given.
  const date = formatDate(a.meta.date, language) ?? T[language].noDate;
  return [a.meta.source, a.meta.author, date].filter((x): x is string => Boolean(x));
}

function topicList(topics: readonly string[]): string {
  const shown = topics.slice(0, 5).map((t) => `„${t}“`);
  return shown.join(', ') + (topics.length > 5 ? ` (+${topics.length - 5})` : '');
}

/**
 * The sentence after "nothing answers this": the nearest articles when the best sentence came
 * near (linked in HTML), else what the articles cover.
 */
function abstentionPointer(answer: Answer, topics: readonly string[], html: boolean): string {
  const t = T[answer.language];
  const esc = (text: string) => (html ? escapeHtml(text) : text);
  if (answer.nearest.length) {
    const named = answer.nearest.map((a) => {
      const url = safeUrl(a.meta.url);
      const title =
        html && url
          ? `<a href="${escapeHtml(url)}">${escapeHtml(a.meta.title)}</a>`
          : `„${esc(a.meta.title)}“`;
      const rest = [...sourceLine(a, answer.language), ...(html || !url ? [] : [url])];
      return `${title}${rest.length ? ` (${esc(rest.join(', '))})` : ''}`;
    });
    return `${t.nearest}: ${named.join(', ')}.`;
  }
  return topics.length ? esc(`${t.covers}: ${topicList(topics)}.`) : '';
}

/**
 * "Nothing answers this", and why: no article of the time asked about, or the articles speak of
 * other countries.
 */
function abstentionLead(answer: Answer): string {
  const t = T[answer.language];
  if (answer.noArticlesInWindow) {
    const newest = answer.noArticlesInWindow.newest;
    return `${t.noWindow}; ${newest ? `${t.newest} ${formatDate(newest, answer.language)}` : t.undated}.`;
  }
  return answer.otherStates ? `${t.none} ${t.otherStates}` : t.none;
}

/**
 * After the [n] of the two quotes whose figures differ (the first two): their articles' dates
 * ("Stand: 13.09.2023").
 */
function asOf(answer: Answer, article: StoredArticle, index: number): string {
  const date =
    answer.figuresDiffer && index < 2 ? formatDate(article.meta.date, answer.language) : undefined;
  return date ? ` (${T[answer.language].asOf}: ${date})` : '';
}

/** The line before a digest's quotes. */
function digestLead(answer: Answer): string | null {
  return answer.digest ? `${T[answer.language].digest}:` : null;
}

/** Plain text: quotes with [n] markers, then the numbered sources; or the abstention. */
export function answerText(answer: Answer, topics: readonly string[] = []): string {
  const t = T[answer.language];
  if (!answer.found)
    return [abstentionLead(answer), abstentionPointer(answer, topics, false), t.rephrase]
      .filter(Boolean)
      .join(' ');
  const quotes = answer.quotes.map(
    (q, i) => `„${q.text}“ [${q.sourceNumber}]${asOf(answer, q.article, i)}`,
  );
  const sources = answer.sources.map(
    (a, i) =>
      `[${i + 1}] ${[a.meta.title, ...sourceLine(a, answer.language), a.meta.url].filter(Boolean).join(' – ')}`,
  );
  const lead = digestLead(answer);
  return `${lead ? `${lead}\n\n` : ''}${quotes.join('\n\n')}\n\n${t.sources}:\n${sources.join('\n')}`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The URL when it is a plain http(s) address, safe to put into an href. */
export function safeUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s"<>]+$/i.test(url) ? url : undefined;
}

/**
 * An article's title as Telegram HTML: a link to its page when it has a safe address, else bold.
 */
export function titleHtml(meta: Pick<StoredArticle['meta'], 'title' | 'url'>): string {
  const url = safeUrl(meta.url);
  return url
    ? `<a href="${escapeHtml(url)}">${escapeHtml(meta.title)}</a>`
    : `<b>${escapeHtml(meta.title)}</b>`;
}

/**
 * A numbered source line: "[n] title – source, author, date", and the card's deep link with a bot
 * name.
 */
function sourceHtml(
  a: StoredArticle,
  n: number,
  language: 'de' | 'en',
  botUsername?: string,
): string {
  const rest = sourceLine(a, language);
  const info = botUsername ? ` <a href="${escapeHtml(articleLink(botUsername, a.id))}">ⓘ</a>` : '';
  return `[${n}] ${titleHtml(a.meta)}${rest.length ? ` – ${escapeHtml(rest.join(', '))}` : ''}${info}`;
}

export interface HtmlOptions {
  /** Longest reply (Telegram's 4096 by default). */
  limit?: number;
  /** The bot's username: each source line then links to the article's card (`/start src_<id>`). */
  botUsername?: string;
}

/**
 * Telegram HTML for an answer. Over the limit, extra quotes go first, then the last quote is
 * shortened to whole sentences (then words) with "…" outside the quoted text, never mid-tag.
 */
export function answerHtml(
  answer: Answer,
  topics: readonly string[] = [],
  options: HtmlOptions = {},
): string {
  const limit = options.limit ?? TELEGRAM_LIMIT;
  const t = T[answer.language];
  if (!answer.found) {
    const compose = (pointer: string) =>
      `${escapeHtml(abstentionLead(answer))}${pointer ? `\n\n${pointer}` : ''}\n${escapeHtml(t.rephrase)}`;
    const html = compose(abstentionPointer(answer, topics, true));
    // Titles are as long as their front matter says: past the limit, leave them out.
    return html.length <= limit ? html : compose('');
  }
  const lead = digestLead(answer);
  const render = (quotes: Array<{ text: string; cut: boolean; n: number }>) => {
    const used = new Set(quotes.map((q) => q.n));
    const dated = (n: number, i: number) => {
      const article = answer.sources[n - 1];
      return article ? escapeHtml(asOf(answer, article, i)) : '';
    };
    const body =
      (lead ? `<i>${escapeHtml(lead)}</i>\n` : '') +
      quotes
        .map(
          (q, i) =>
            `<blockquote>${escapeHtml(q.text)}${q.cut ? ' […]' : ''}</blockquote> [${q.n}]${dated(q.n, i)}`,
        )
        .join('\n');
    const sources = answer.sources
      .map((a, i) => ({ a, n: i + 1 }))
      .filter(({ n }) => used.has(n))
      .map(({ a, n }) => sourceHtml(a, n, answer.language, options.botUsername));
    return `${body}\n\n<i>${escapeHtml(t.sources)}:</i>\n${sources.join('\n')}`;
  };
  let quotes = answer.quotes.map((q) => ({ text: q.text, cut: false, n: q.sourceNumber }));
  let html = render(quotes);
  while (html.length > limit && quotes.length > 1) {
    quotes = quotes.slice(0, -1);
    html = render(quotes);
  }
  const only = quotes[0];
  if (html.length > limit && only) {
    const overhead = html.length - escapeHtml(only.text).length;
    const room = Math.max(0, limit - overhead - 8);
    quotes = [{ text: shortenVerbatim(only.text, room), cut: true, n: only.n }];
    html = render(quotes);
  }
  // Only reachable with absurdly long titles: fall back to plain text that surely fits.
  return html.length > limit
    ? escapeHtml(shortenVerbatim(answerText(answer, topics), limit - 16))
    : html;
}

/**
 * A prefix of `text` whose escaped form fits `room`: whole sentences if possible, else whole words.
 */
export function shortenVerbatim(text: string, room: number): string {
  const fits = (s: string) => escapeHtml(s).length <= room;
  let best = '';
  for (const m of text.matchAll(/[.!?…]["“”»«)]*(?=\s)/g)) {
    const cand = text.slice(0, m.index + m[0].length);
    if (fits(cand)) best = cand;
    else break;
  }
  if (best) return best;
  const words = text.split(/(?<=\s)/);
  for (const w of words) {
    if (!fits(best + w)) break;
    best += w;
  }
  return best.trimEnd();
}

/** A paragraph longer than this is no context but the article: Kontext shows ±2 sentences. */
const PARAGRAPH_CONTEXT_CHARS = 1200;

/**
 * The paragraph (or paragraphs) around a quote, the quoted part in bold, as Telegram HTML: every
 * character a slice of the article. Over the limit, the text around the quote is cut at words,
 * "[…]" marking each cut outside the article's text.
 */
export function contextHtml(
  article: StoredArticle,
  start: number,
  end: number,
  language: 'de' | 'en',
  limit = TELEGRAM_LIMIT,
): string {
  const text = article.text;
  const ranges = paragraphs(text).filter(([a, b]) => a < end && start < b);
  const paragraphFrom = Math.min(start, ranges[0]?.[0] ?? start);
  const paragraphTo = Math.max(end, ranges[ranges.length - 1]?.[1] ?? end);
  let [from, to] = [paragraphFrom, paragraphTo];
  // An article without paragraphs (one block of text): two sentences on either side instead.
  if (to - from > PARAGRAPH_CONTEXT_CHARS) {
    const sentences = splitSentences(text);
    const first = sentences.findIndex((s) => s.end > start);
    const last = sentences.findLastIndex((s) => s.start < end);
    from = Math.min(start, sentences[Math.max(0, first - 2)]?.start ?? start);
    to = Math.max(end, sentences[Math.min(sentences.length - 1, last + 2)]?.end ?? end);
  }
  const caption = `<i>${language === 'de' ? 'Kontext' : 'Context'}:</i> ${escapeHtml([article.meta.title, ...sourceLine(article, language)].join(', '))}`;
  const render = (a: number, b: number, quote = text.slice(start, end)) =>
    `<blockquote>${a > paragraphFrom ? '[…] ' : ''}${escapeHtml(text.slice(a, start))}<b>${escapeHtml(quote)}</b>${escapeHtml(text.slice(end, b))}${b < paragraphTo ? ' […]' : ''}</blockquote>\n${caption}`;
  let [a, b] = [from, to];
  let html = render(a, b);
  while (html.length > limit && (a < start || b > end)) {
    const cut = Math.max(20, Math.ceil((html.length - limit) / 2) + 8);
    a = Math.min(start, a + cut);
    if (a < start) {
      const space = text.indexOf(' ', a);
      a = space < 0 || space >= start ? start : space + 1;
    }
    b = Math.max(end, b - cut);
    if (b > end) {
      const space = text.lastIndexOf(' ', b);
      b = space <= end ? end : space;
    }
    html = render(a, b);
  }
  // Only a quote longer than a message is left: its start, at whole sentences or words.
  return html.length <= limit
    ? html
    : render(
        start,
        end,
        `${shortenVerbatim(text.slice(start, end), limit - render(start, end, '').length - 8)}`,
      );
}

const VERDICTS = {
  de: {
    matches: 'stimmt mit den Artikeln überein',
    differs: 'weicht ab',
    not_found: 'dazu steht nichts in den Artikeln',
    name: 'die Artikel nennen',
    post: 'der Beitrag',
    asOf: 'Stand',
    none: 'Ich habe darin keine Aussage gefunden, die sich prüfen lässt (Zahlen, Namen, Daten).',
    more: (n: number) => `${n} weitere ${n === 1 ? 'Aussage' : 'Aussagen'} nicht geprüft.`,
  },
  en: {
    matches: 'matches the articles',
    differs: 'differs',
    not_found: 'the articles say nothing about this',
    name: 'the articles give',
    post: 'the post',
    asOf: 'as of',
    none: 'I found no statement in it that can be checked (numbers, names, dates).',
    more: (n: number) => `${n} more ${n === 1 ? 'statement' : 'statements'} not checked.`,
  },
};

/** "weicht ab: die Artikel nennen 4.313 Panzer (Stand 13.09.2023), der Beitrag 10.000 Panzer". */
export function verdictText(claim: CheckedClaim, language: 'de' | 'en'): string {
  const v = VERDICTS[language];
  if (claim.verdict !== 'differs') return v[claim.verdict];
  const parts = claim.numbers.map(
    (n) =>
      `${v.name} ${n.article}${n.date ? ` (${v.asOf} ${formatDate(n.date, language)})` : ''}, ${v.post} ${n.claim}`,
  );
  return `${v.differs}: ${parts.join('; ')}`;
}

/** The `check-claims --json` object for one input (contract in docs/architecture.md). */
export function claimsJson(check: ClaimCheck): {
  text: string;
  claims: Array<{
    text: string;
    verdict: CheckedClaim['verdict'];
    quotes: AnswerJson['quotes'];
    numbers: CheckedClaim['numbers'];
  }>;
  unchecked: number;
} {
  return {
    text: check.text,
    claims: check.claims.map((c) => ({
      text: c.text,
      verdict: c.verdict,
      numbers: c.numbers,
      quotes:
        c.verdict === 'not_found'
          ? []
          : c.answer.quotes.map((q) => ({
              text: q.text,
              score: q.score,
              source: sourceJson(q.article),
            })),
    })),
    unchecked: check.unchecked,
  };
}

/**
 * The claim check as one Telegram HTML reply: per statement the statement, the verdict, and the
 * quotes behind it (cited, numbered across the reply, dated in the sources), then the sources;
 * past the limit, whole statements are left out from the end and counted.
 */
export function claimsHtml(
  check: ClaimCheck,
  language: 'de' | 'en',
  options: HtmlOptions = {},
): string {
  const limit = options.limit ?? TELEGRAM_LIMIT;
  const v = VERDICTS[language];
  if (check.claims.length === 0) return escapeHtml(v.none);
  const render = (count: number) => {
    const sources: StoredArticle[] = [];
    const blocks = check.claims.slice(0, count).map((c, i) => {
      const lines = [
        `<b>${i + 1}. „${escapeHtml(c.text)}“</b>`,
        `→ ${escapeHtml(verdictText(c, language))}`,
      ];
      if (c.verdict !== 'not_found') {
        for (const q of c.answer.quotes.slice(0, 2)) {
          let n = sources.findIndex((s) => s.id === q.article.id);
          if (n < 0) n = sources.push(q.article) - 1;
          lines.push(`<blockquote>${escapeHtml(q.text)}</blockquote> [${n + 1}]`);
        }
      }
      return lines.join('\n');
    });
    const sourceLines = sources.map((a, i) => sourceHtml(a, i + 1, language));
    const left = check.unchecked + check.claims.length - count;
    return [
      blocks.join('\n\n'),
      sourceLines.length
        ? `<i>${escapeHtml(T[language].sources)}:</i>\n${sourceLines.join('\n')}`
        : '',
      left > 0 ? `<i>${escapeHtml(v.more(left))}</i>` : '',
    ]
      .filter(Boolean)
      .join('\n\n');
  };
  for (let count = check.claims.length; count >= 1; count--) {
    const html = render(count);
    if (html.length <= limit) return html;
  }
  // One statement with its quotes is over the limit: the statement and its verdict alone.
  const first = check.claims[0];
  return first
    ? `<b>1. „${escapeHtml(shortenVerbatim(first.text, limit / 2 - 20))}“</b>\n→ ${escapeHtml(shortenVerbatim(verdictText(first, language), limit / 2 - 20))}`
    : escapeHtml(v.none);
}

/** The claim check as plain text (the command line). */
export function claimsText(check: ClaimCheck, language: 'de' | 'en'): string {
  const v = VERDICTS[language];
  if (check.claims.length === 0) return v.none;
  const blocks = check.claims.map((c, i) => {
    const quotes =
      c.verdict === 'not_found'
        ? []
        : c.answer.quotes
            .slice(0, 2)
            .map(
              (q) =>
                `  „${q.text}“ – ${[q.article.meta.title, ...sourceLine(q.article, language)].join(', ')}`,
            );
    return [`${i + 1}. „${c.text}“`, `  → ${verdictText(c, language)}`, ...quotes].join('\n');
  });
  return [...blocks, ...(check.unchecked > 0 ? [v.more(check.unchecked)] : [])].join('\n\n');
}
