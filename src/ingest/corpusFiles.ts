/**
 * Changing the corpus folder on behalf of admins: safe file names (no path traversal, no hidden
 * files), atomic writes (temp file + rename), no silent overwrite, removal by id or file name.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { InputError } from '../errors.js';
import { type ArticleMeta, SUPPORTED_EXTENSIONS } from './ingest.js';

const MAX_NAME = 80;

/**
 * A safe file name for an uploaded article, or an InputError. Names with path parts, "..",
 * control characters or a leading dot are refused outright (someone is trying something);
 * ordinary names are folded to lower-case ASCII letters, digits, "-" and "_".
 */
export function safeArticleName(original: string): string {
  const name = original.normalize('NFC').trim();
  if (!name) throw new InputError('Der Dateiname fehlt. / The file has no name.');
  if (/[/\\]|\.\.|\p{Cc}/u.test(name) || name.startsWith('.')) {
    throw new InputError(
      `Dateiname abgelehnt: „${name.slice(0, 60)}“ enthält Pfadangaben oder Steuerzeichen. / File name refused: it contains path parts or control characters.`,
    );
  }
  const ext = path.extname(name).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InputError(
      `Dateityp „${ext || '(keiner)'}“ wird nicht unterstützt (erlaubt: ${SUPPORTED_EXTENSIONS.join(', ')}). / Unsupported file type.`,
    );
  }
  const stem = name
    .slice(0, name.length - ext.length)
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/Ä/g, 'Ae')
    .replace(/Ö/g, 'Oe')
    .replace(/Ü/g, 'Ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, MAX_NAME);
  if (!stem)
    throw new InputError(
      'Der Dateiname enthält keine verwendbaren Zeichen. / The file name has no usable characters.',
    );
  return `${stem}${ext === '.htm' ? '.html' : ext === '.markdown' ? '.md' : ext}`;
}

/** Write an article into the corpus. Refuses to replace an existing file unless `overwrite`. */
export async function saveArticle(
  corpusDir: string,
  name: string,
  content: Buffer | string,
  overwrite = false,
): Promise<string> {
  const target = path.join(corpusDir, name);
  if (path.dirname(target) !== path.resolve(corpusDir))
    throw new InputError('Dateiname abgelehnt. / File name refused.');
  if (!overwrite && existsSync(target)) throw new FileExistsError(name);
  await fs.mkdir(corpusDir, { recursive: true });
  const tmp = path.join(corpusDir, `.${name}.${process.pid}.part`);
  await fs.writeFile(tmp, content);
  await fs.rename(tmp, target);
  return name;
}

export class FileExistsError extends InputError {
  constructor(readonly fileName: string) {
    super(`Eine Datei „${fileName}“ gibt es schon. / A file "${fileName}" already exists.`);
  }
}

/** Markdown with front matter: how articles from URLs and forwarded messages are stored. */
export function markdownArticle(meta: Partial<ArticleMeta>, text: string): string {
  const fields = Object.fromEntries(
    Object.entries(meta).filter(([, v]) => v !== undefined && v !== ''),
  );
  return `---\n${YAML.stringify(fields).trimEnd()}\n---\n${text.trim()}\n`;
}

/**
 * Find a corpus file by article id ("politik/a") or file name ("politik/a.md"); never outside the
 * folder.
 */
export async function findCorpusFile(corpusDir: string, idOrFile: string): Promise<string | null> {
  const wanted = idOrFile.trim().replace(/^\/+/, '');
  if (!wanted || wanted.includes('..')) return null;
  const walk = async (rel: string): Promise<string[]> => {
    const out: string[] = [];
    for (const e of await fs.readdir(path.join(corpusDir, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) out.push(...(await walk(child)));
      else if (e.isFile()) out.push(child);
    }
    return out;
  };
  const files = await walk('');
  return (
    files.find((f) => f === wanted) ??
    files.find((f) => f.replace(/\.[^./]+$/, '') === wanted) ??
    null
  );
}

export async function removeCorpusFile(corpusDir: string, file: string): Promise<void> {
  await fs.rm(path.join(corpusDir, file));
}
