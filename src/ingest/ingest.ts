/**
 * ingest: corpus files → Articles. Reads .txt, .md (optional YAML front matter) and .html
 * (Readability + linkedom), strips web-page boilerplate line by line (the body that remains is
 * character-exact), derives metadata the text states, and turns every bad file into one warning.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import YAML from 'yaml';
import { InputError } from '../errors.js';
import { tokenize } from '../text.js';

export interface ArticleMeta {
  title: string;
  source?: string;
  author?: string;
  /** ISO date (YYYY-MM-DD) when known. */
  date?: string;
  url?: string;
  lang?: string;
}

export interface Article {
  /** Stable id: the path relative to the corpus folder without its extension. */
  readonly id: string;
  /** Path relative to the corpus folder, with "/" separators. */
  readonly file: string;
  readonly meta: ArticleMeta;
  /** The article body; every quote is a slice of this string. */
  readonly text: string;
  /** sha256 of text + metadata: what incremental indexing compares. */
  readonly hash: string;
}

export interface IngestWarning {
  readonly file: string;
  readonly message: string;
}

export interface IngestOptions {
  /** Files larger than this are truncated (at a paragraph break) with a warning. */
  maxBytes: number;
}

export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.html', '.htm'] as const;
export const DEFAULT_MAX_ARTICLE_BYTES = 5_000_000;

/** Read every article below `dir`. Bad files become warnings; nothing throws for one bad file. */
export async function readCorpus(
  dir: string,
  options: IngestOptions = { maxBytes: DEFAULT_MAX_ARTICLE_BYTES },
): Promise<{ articles: Article[]; warnings: IngestWarning[] }> {
  const files = await listFiles(dir);
  const articles: Article[] = [];
  const warnings: IngestWarning[] = [];
  const seenIds = new Map<string, string>();
  const seenText = new Map<string, string>();
  for (const file of files) {
    const warn = (message: string) => warnings.push({ file, message });
    const ext = path.extname(file).toLowerCase();
    if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
      warn(
        `skipped: unsupported file type "${ext || '(none)'}" (supported: ${SUPPORTED_EXTENSIONS.join(', ')})`,
      );
      continue;
    }
    try {
      const bytes = await readHead(path.join(dir, file), options.maxBytes);
      const article = parseArticle(file, bytes.data, {
        ...options,
        truncated: bytes.truncated,
        onWarning: warn,
      });
      const idOwner = seenIds.get(article.id);
      if (idOwner) {
        warn(`skipped: same id "${article.id}" as ${idOwner}; rename one of them`);
        continue;
      }
      const textOwner = seenText.get(article.text);
      if (textOwner) {
        warn(`skipped: duplicate of ${textOwner} (same article text)`);
        continue;
      }
      seenIds.set(article.id, file);
      seenText.set(article.text, file);
      articles.push(article);
    } catch (error) {
      if (error instanceof InputError) warn(error.message);
      else
        warn(
          `skipped: could not be read (${error instanceof Error ? error.message : String(error)})`,
        );
    }
  }
  return { articles, warnings };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      // Hidden files (.gitkeep, editor swap files) and partial uploads are not articles.
      if (entry.name.startsWith('.') || entry.name.endsWith('.part')) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

async function readHead(
  file: string,
  maxBytes: number,
): Promise<{ data: Buffer; truncated: boolean }> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const data = Buffer.alloc(length);
    await handle.read(data, 0, length, 0);
    return { data, truncated: size > maxBytes };
  } finally {
    await handle.close();
  }
}

interface ParseOptions {
  truncated?: boolean;
  onWarning?: (message: string) => void;
}

/** Parse one file's bytes into an Article. Throws InputError with a "skipped: …" message. */
export function parseArticle(file: string, bytes: Buffer, options: ParseOptions = {}): Article {
  let data = bytes;
  if (options.truncated) {
    // Cut at a character boundary: drop a trailing partial UTF-8 sequence.
    let end = data.length;
    let back = 0;
    while (end > 0 && back < 4 && ((data[end - 1] ?? 0) & 0xc0) === 0x80) {
      end--;
      back++;
    }
    if (end > 0 && ((data[end - 1] ?? 0) & 0x80) !== 0) end--;
    data = data.subarray(0, end);
  }
  if (data.length === 0 || data.toString('latin1').trim() === '')
    throw new InputError('skipped: empty file');
  if (data.subarray(0, 8192).includes(0))
    throw new InputError('skipped: binary file (contains NUL bytes), not a text article');
  let raw: string;
  try {
    raw = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new InputError('skipped: not valid UTF-8 text (save the file as UTF-8)');
  }
  raw = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (options.truncated) {
    const cut = raw.lastIndexOf('\n\n');
    if (cut > raw.length / 2) raw = raw.slice(0, cut);
    options.onWarning?.(
      `truncated: larger than the limit of ${bytes.length} bytes; only the first part is indexed`,
    );
  }

  const ext = path.extname(file).toLowerCase();
  let meta: Partial<ArticleMeta> = {};
  let body = raw;
  if (ext === '.md' || ext === '.markdown') ({ meta, body } = splitFrontMatter(raw));
  else if (ext === '.html' || ext === '.htm') ({ meta, body } = extractHtml(raw));

  const cleaned = cleanBody(body, ext === '.md' || ext === '.markdown');
  const text = cleaned.text;
  if (text.trim() === '')
    throw new InputError('skipped: no article text left after removing page boilerplate');
  const derived = cleaned.derived;
  const fullMeta: ArticleMeta = {
    title: meta.title || derived.title || fallbackTitle(text),
    ...pick('source', meta.source || derived.source),
    ...pick('author', meta.author || derived.author),
    ...pick('date', meta.date || derived.date || stampDate(text)),
    ...pick('url', meta.url),
    ...pick('lang', meta.lang || guessLanguage(text)),
  };
  const id = file.replace(/\.[^./]+$/, '');
  const hash = createHash('sha256')
    .update(JSON.stringify([fullMeta, text]))
    .digest('hex');
  return { id, file, meta: fullMeta, text, hash };
}

function pick<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

const META_KEYS = ['title', 'source', 'author', 'date', 'url', 'lang'] as const;

function splitFrontMatter(raw: string): { meta: Partial<ArticleMeta>; body: string } {
  const m = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(raw);
  if (!m) {
    if (/^---[ \t]*\n/.test(raw))
      throw new InputError(
        'skipped: broken front matter (opening "---" without a closing "---" line)',
      );
    return { meta: {}, body: raw };
  }
  let data: unknown;
  try {
    data = YAML.parse(m[1] ?? '');
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`skipped: broken front matter (${reason})`);
  }
  if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
    throw new InputError(
      'skipped: broken front matter (expected "key: value" lines such as "title: …")',
    );
  }
  const meta: Partial<ArticleMeta> = {};
  for (const key of META_KEYS) {
    const value = (data as Record<string, unknown> | null)?.[key];
    if (value === undefined || value === null || value === '') continue;
    if (value instanceof Date) meta[key] = value.toISOString().slice(0, 10);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      meta[key] = String(value).trim();
    else
      throw new InputError(
        `skipped: broken front matter ("${key}" must be one line of text, not a list or a mapping)`,
      );
  }
  if (meta.date) meta.date = normalizeDate(meta.date); // a date that is none is left out, not kept as text
  return { meta, body: raw.slice(m[0].length) };
}

const BLOCK_TAGS = new Set([
  'P',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'LI',
  'BLOCKQUOTE',
  'PRE',
  'TD',
  'FIGCAPTION',
  'DT',
  'DD',
]);

function extractHtml(raw: string): { meta: Partial<ArticleMeta>; body: string } {
  const { document } = parseHTML(raw);
  const metaContent = (selector: string) =>
    document.querySelector(selector)?.getAttribute('content')?.trim() || undefined;
  const meta: Partial<ArticleMeta> = {
    title: metaContent('meta[property="og:title"]'),
    source: metaContent('meta[property="og:site_name"]'),
    author: metaContent('meta[name="author"]'),
    date:
      metaContent('meta[property="article:published_time"]') ??
      jsonLdDate(document) ??
      metaContent('meta[name="date"]'),
    url:
      document.querySelector('link[rel="canonical"]')?.getAttribute('href')?.trim() ||
      metaContent('meta[property="og:url"]'),
    lang: document.documentElement?.getAttribute('lang')?.slice(0, 2) || undefined,
  };
  // Readability mutates the document; it is ours to throw away.
  const parsed = new Readability(document).parse();
  if (!parsed?.content)
    throw new InputError('skipped: no readable article text found in the HTML page');
  meta.title ||= parsed.title?.trim() || undefined;
  meta.author ||= parsed.byline?.replace(/^(von|by)\s*:?\s*/i, '').trim() || undefined;
  meta.source ||= parsed.siteName?.trim() || undefined;
  if (meta.date) meta.date = normalizeDate(meta.date);
  const { document: content } = parseHTML(`<html><body>${parsed.content}</body></html>`);
  const blocks: string[] = [];
  const walk = (node: Element) => {
    for (const child of Array.from(node.children)) {
      if (BLOCK_TAGS.has(child.tagName)) {
        const text = (child.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (text) blocks.push(text);
      } else walk(child);
    }
  };
  walk(content.body);
  if (blocks.length === 0) {
    const text = (content.body?.textContent ?? '').replace(/[ \t]+/g, ' ').trim();
    if (text) blocks.push(text);
  }
  return { meta, body: blocks.join('\n\n') };
}

const MONTHS = [
  'januar',
  'februar',
  'märz',
  'april',
  'mai',
  'juni',
  'juli',
  'august',
  'september',
  'oktober',
  'november',
  'dezember',
];
const MONTHS_EN = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DATE_LINE = new RegExp(
  `^(?:\\d{1,2}\\.\\s*(?:${MONTHS.join('|')})\\s+\\d{4}|\\d{1,2}\\.\\d{1,2}\\.\\d{4}|\\d{4}-\\d{2}-\\d{2}|(?:${MONTHS_EN.join('|')})\\s+\\d{1,2},\\s+\\d{4})(?:\\s*[,|–-]?\\s*\\d{1,2}[:.]\\d{2}(?:\\s*Uhr)?)?$`,
  'i',
);

/**
 * German, numeric or ISO date → YYYY-MM-DD; undefined when it is not a date we understand or not
 * a day of the calendar ("31.02.2023", month 13): an article then has no date, never a made-up
 * one (and never the file's modification time).
 */
export function normalizeDate(value: string): string | undefined {
  const v = value.trim();
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = (y: number, m: number, d: number) => {
    const t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
      ? `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`
      : undefined;
  };
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
  if (iso) return day(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const de = /^(\d{1,2})\.\s*([A-Za-zäÄ]+)\s+(\d{4})/.exec(v);
  if (de) {
    const month = MONTHS.indexOf((de[2] ?? '').toLowerCase());
    if (month >= 0) return day(Number(de[3]), month + 1, Number(de[1]));
  }
  const num = /^(\d{1,2})\.(\d{1,2})\.(\d{4})/.exec(v);
  if (num) return day(Number(num[3]), Number(num[2]), Number(num[1]));
  const en = /^([A-Za-z]+)\s+(\d{1,2}),\s+(\d{4})/.exec(v);
  if (en) {
    const month = MONTHS_EN.indexOf((en[1] ?? '').toLowerCase());
    if (month >= 0) return day(Number(en[3]), month + 1, Number(en[2]));
  }
  return undefined;
}

/**
 * An agency stamp's date, the last one in the text: "(APA, 19.5.2016)", "(red, 12.3.2016)",
 * "(2.1.2016)" (news agencies and many newsrooms close an article with one).
 */
export function stampDate(text: string): string | undefined {
  const stamps = [
    ...text.matchAll(/\((?:[^()\n]{1,40}?[,;]\s*)?(\d{1,2}\.\s?\d{1,2}\.\s?\d{4})\)/gu),
  ];
  for (const m of stamps.reverse()) {
    const date = normalizeDate((m[1] ?? '').replace(/\s/gu, ''));
    if (date) return date;
  }
  return undefined;
}

/**
 * datePublished of the page's JSON-LD (schema.org NewsArticle and the like), also inside @graph or
 * a list.
 */
function jsonLdDate(document: {
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
}): string | undefined {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const n of node) visit(n);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.datePublished === 'string') found.push(o.datePublished);
      if (o['@graph']) visit(o['@graph']);
    }
  };
  for (const script of Array.from(
    document.querySelectorAll('script[type="application/ld+json"]'),
  )) {
    try {
      visit(JSON.parse(script.textContent ?? ''));
    } catch {
      // A broken JSON-LD block is the page's problem, not a reason to drop the article.
    }
  }
  return found[0];
}

const SKIP_LINK = /^(?:\d+\.\s*)?(?:(?:zum|zur|zu)\s.+\s(?:springen|wechseln)|skip\s+to\s.+)$/i;
const SOURCE_IN_SKIP_LINK = /Angeboten\s+(?:der|des|von)\s+(.+?)\s+springen$/i;
const SECTION_SKIP = /^Den nächsten Abschnitt .+ überspringen$/i;
const TIMESTAMP = /^\d{1,2}:\d{2}(?::\d{2})?$/;
const VIDEO_NOTICE =
  /browser does not support the video|Browser unterstützt (?:das|kein) Video|^Video abspielen$|^Zum Video$/i;
const CAPTION = /(?:^|\S)(?:Bild|Foto|Fotos|Quelle|Image|Photo):\s/;
const NAV_LABELS =
  /^(?:Top-Thema|Weitere Themen|Mehr zum Thema|Mehr zu diesem Thema|Anzeige|Werbung|Teilen|Drucken|Artikel teilen|Jetzt teilen|Teilen auf (?:Facebook|Twitter|X|WhatsApp)|Per E-Mail (?:teilen|versenden)|Lesen Sie auch:?|Auch interessant:?|Das könnte Sie auch interessieren:?|Advertisement|Share(?: on (?:Facebook|Twitter))?|Tweet)$/i;
/**
 * Junk inside a line: links of embedded tweets ("pic.twitter.com/…", "https://t.co/…"), a tweet's
 * attribution ("— Name (@handle) September 6, 2015") and photo credits in brackets ("(Foto: APA)").
 * They are removed with the space before them; the words around stay as they are.
 */
const INLINE_JUNK =
  /\s*(?:(?:https?:\/\/)?pic\.twitter\.com\/\w+|https?:\/\/t\.co\/\w+|—\s[^—\n]{1,60}\(@\w{1,30}\)\s+\p{L}+\s+\d{1,2},\s+\d{4}|\((?:Foto|Fotos|Bild|Grafik|Video|Quelle|Photo|Image):\s[^)\n]{1,80}\))/gu;
const BYLINE = /^(?:Von|By)\s*:?\s+(.{1,80})$/i;
const TERMINAL = /[.!?:;"“”»«'’)]$/;

interface Line {
  text: string;
  blank: boolean;
}

/**
 * Remove boilerplate lines, the junk inside lines (INLINE_JUNK), and read the header. Kept lines
 * are only trimmed and cleared of that junk, so every sentence of the result appears in the source
 * file as it is, but for a tweet's link or a photo credit.
 */
export function cleanBody(
  body: string,
  markdown = false,
): { text: string; derived: Partial<ArticleMeta> } {
  const derived: Partial<ArticleMeta> = {};
  const kept: Line[] = [];
  const lastContent = () => {
    for (let i = kept.length - 1; i >= 0; i--) if (!kept[i]?.blank) return i;
    return -1;
  };
  const dropLastIf = (test: (text: string) => boolean) => {
    const i = lastContent();
    const line = kept[i];
    if (line && test(line.text)) kept.splice(i);
  };
  const isLabel = (text: string) => text.length <= 100 && !TERMINAL.test(text);
  let lines = body.split('\n').map((l) => l.trim());
  if (markdown) lines = lines.map((l) => l.replace(/^#{1,6}\s+/, ''));
  for (const line of lines) {
    if (line === '') {
      kept.push({ text: line, blank: true });
      continue;
    }
    const text = line.replace(INLINE_JUNK, '').trim();
    if (text === '') continue;
    if (SKIP_LINK.test(text)) {
      const src = SOURCE_IN_SKIP_LINK.exec(text);
      if (src) derived.source ??= src[1];
      continue;
    }
    if (SECTION_SKIP.test(text) || NAV_LABELS.test(text) || VIDEO_NOTICE.test(text)) continue;
    if (TIMESTAMP.test(text)) {
      dropLastIf(isLabel);
      continue;
    } // a video's title sits above its duration
    // A caption is a short line; a long paragraph that names a photo's source is text.
    if (CAPTION.test(text) && text.length <= 200 && !/[.!?]["“”»«]?$/.test(text)) {
      dropLastIf((t) => isLabel(t) && t.includes(' | '));
      continue;
    }
    const byline = BYLINE.exec(text);
    if (byline && lastContent() === -1) {
      derived.author = byline[1]?.trim();
      continue;
    }
    kept.push({ text, blank: false });
  }
  readHeader(kept, derived);
  const out: string[] = [];
  for (const line of kept) {
    if (line.blank) {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      continue;
    }
    out.push(line.text);
  }
  while (out[out.length - 1] === '') out.pop();
  return { text: out.join('\n'), derived };
}

/** A dated header ("Title / Author aus Ort / 13. September 2023") becomes metadata, not body. */
function readHeader(kept: Line[], derived: Partial<ArticleMeta>): void {
  const content = kept
    .map((l, i) => ({ ...l, i }))
    .filter((l) => !l.blank)
    .slice(0, 6);
  const dateAt = content.findIndex((l) => DATE_LINE.test(l.text));
  if (dateAt < 0) return;
  const dateLine = content[dateAt];
  if (!dateLine) return;
  derived.date = normalizeDate(dateLine.text);
  let titleAt = dateAt - 1;
  const authorLine = content[dateAt - 1];
  const author =
    authorLine &&
    /^(?:Von:?\s+)?((?:\p{Lu}[\p{L}'-]*\s?){1,4})(?:\s+(?:aus|in)\s+.+)?$/u.exec(authorLine.text);
  if (author && authorLine.text.length <= 60) {
    derived.author ??= author[1]?.trim();
    titleAt = dateAt - 2;
  }
  const titleLine = content[titleAt];
  if (titleLine && titleLine.text.split(/\s+/).length >= 2 && !/[.]$/.test(titleLine.text))
    derived.title = titleLine.text;
  kept.splice(0, dateLine.i + 1);
}

function fallbackTitle(text: string): string {
  const first = (text.split('\n').find((l) => l.trim()) ?? '').trim();
  const sentence = /^.{20,}?[.!?](?=\s|$)/.exec(first)?.[0] ?? first;
  if (sentence.length <= 90) return sentence;
  const cut = sentence.slice(0, 90);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40))}…`;
}

function guessLanguage(text: string): string {
  let de = 0;
  let en = 0;
  const sample = tokenize(text.slice(0, 5000));
  for (const t of sample) {
    if (GERMAN_MARKERS.has(t.text)) de++;
    else if (ENGLISH_MARKERS.has(t.text)) en++;
  }
  if (de === 0 && en === 0) return 'und'; // ISO 639 'undetermined'
  return de >= en ? 'de' : 'en';
}

const GERMAN_MARKERS = new Set([
  'der',
  'die',
  'das',
  'und',
  'ist',
  'nicht',
  'mit',
  'sich',
  'auf',
  'für',
  'auch',
  'dem',
  'den',
]);
const ENGLISH_MARKERS = new Set([
  'the',
  'and',
  'is',
  'not',
  'with',
  'for',
  'that',
  'this',
  'of',
  'are',
  'was',
]);
