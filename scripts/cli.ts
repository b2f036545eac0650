/** Helpers shared by the command-line scripts. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Config } from '../src/config.js';
import { errorMessage } from '../src/errors.js';
import { type DownloadProgress, throttledProgress } from '../src/index/embed.js';

/** Command-line arguments a script cannot take; the message says which and why. */
export class UsageError extends Error {}

type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/**
 * `parseArgs` for people at a terminal: `--help` or `-h` (before a `--`) asks for the usage
 * (null); an unknown option, a missing value or a stray argument is a UsageError naming it,
 * not Node's stack trace.
 */
export function readCli<T extends ParseArgsConfig>(
  config: T,
  argv: readonly string[],
): Parsed<T> | null {
  const end = argv.indexOf('--');
  if (argv.slice(0, end < 0 ? argv.length : end).some((a) => a === '--help' || a === '-h'))
    return null;
  try {
    return parseArgs({ ...config, args: [...argv] }) as Parsed<T>;
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
}

/**
 * readCli on this process' arguments: prints the usage and exits 0 for --help, exits 2 with the
 * problem and the usage otherwise.
 */
export function parseCli<T extends ParseArgsConfig>(usage: string, config: T): Parsed<T> {
  try {
    const parsed = readCli(config, process.argv.slice(2));
    if (parsed) return parsed;
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  } catch (error) {
    return usageExit(usage, errorMessage(error));
  }
}

/** `raw` is a whole number of at least `min` ("12", not "12.5", "x" or ""). */
export function isWholeNumber(raw: string, min: number): boolean {
  const n = Number(raw);
  return raw.trim() !== '' && Number.isInteger(n) && n >= min;
}

/**
 * The value of `--flag` as a whole number of at least `min`; otherwise the script stops with the
 * usage (exit 2).
 */
export function wholeNumber(usage: string, flag: string, raw: string, min: number): number {
  if (!isWholeNumber(raw, min))
    usageExit(usage, `--${flag} must be a whole number ≥ ${min}, got "${raw}"`);
  return Number(raw);
}

/**
 * `--now YYYY-MM-DD` as a clock fixed at noon UTC of that day; anything else stops the script with
 * the usage (exit 2).
 */
export function fixedClock(usage: string, raw: string): () => Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12)) : null;
  if (!m || !date || date.getUTCDate() !== Number(m[3]) || date.getUTCMonth() !== Number(m[2]) - 1)
    usageExit(usage, `--now must be a date YYYY-MM-DD, got "${raw}"`);
  return () => date;
}

/** The one way a script turns down its arguments: the problem, the usage, exit code 2. */
export function usageExit(usage: string, problem: string): never {
  process.stderr.write(`error: ${problem}\n${usage}\n`);
  process.exit(2);
}

export function resolveDirs(
  config: Config,
  flags: { corpus?: string | undefined; data?: string | undefined },
): { corpusDir: string; dataDir: string } {
  return {
    corpusDir: flags.corpus ? path.resolve(flags.corpus) : config.CORPUS_DIR,
    dataDir: flags.data ? path.resolve(flags.data) : config.DATA_DIR,
  };
}

/** Download progress of a hub model, one line per file every few seconds (first run only). */
export function downloadProgress(): (e: DownloadProgress) => void {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return throttledProgress(
    (e) => process.stderr.write(`downloading ${e.file}: ${mb(e.loaded)}/${mb(e.total)} MB\n`),
    2000,
  );
}

/**
 * The arguments after `node` of a package.json script such as "start" (`node --import
 * ./src/preload.mjs --import tsx src/main.ts`), with paths made absolute: the bench and the
 * process tests run exactly what `npm start` / `npm run ask` run, from any working directory.
 */
export function scriptNodeArgs(root: string, name: string): string[] {
  const scripts = (
    JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const [bin, ...args] = (scripts[name] ?? '').split(/\s+/);
  if (bin !== 'node')
    throw new Error(`package.json script ${name} does not start with node: ${scripts[name]}`);
  return args.map((a, i) => {
    if (args[i - 1] === '--import')
      return a === 'tsx' ? import.meta.resolve('tsx') : pathToFileURL(path.resolve(root, a)).href;
    return a.startsWith('-') ? a : path.resolve(root, a);
  });
}
