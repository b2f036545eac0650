/** Helpers shared by the command-line scripts. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../src/config.js';

export function resolveDirs(config: Config, flags: { corpus?: string | undefined; data?: string | undefined }): { corpusDir: string; dataDir: string } {
  return {
    corpusDir: flags.corpus ? path.resolve(flags.corpus) : config.CORPUS_DIR,
    dataDir: flags.data ? path.resolve(flags.data) : config.DATA_DIR,
  };
}

/** Download progress of a hub model, one line per file every few seconds (first run only). */
export function downloadProgress(): (e: { file: string; loaded: number; total: number }) => void {
  const last = new Map<string, number>();
  return (e) => {
    const now = Date.now();
    if (now - (last.get(e.file) ?? 0) < 2000 && e.loaded < e.total) return;
    last.set(e.file, now);
    const mb = (n: number) => (n / 1e6).toFixed(1);
    process.stderr.write(`downloading ${e.file}: ${mb(e.loaded)}/${mb(e.total)} MB\n`);
  };
}

/**
 * The arguments after `node` of a package.json script such as "start" (`node --import
 * ./src/preload.mjs --import tsx src/main.ts`), with paths made absolute: the bench and the
 * process tests run exactly what `npm start` / `npm run ask` run, from any working directory.
 */
export function scriptNodeArgs(root: string, name: string): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [bin, ...args] = (scripts[name] ?? '').split(/\s+/);
  if (bin !== 'node') throw new Error(`package.json script ${name} does not start with node: ${scripts[name]}`);
  return args.map((a, i) => {
    if (args[i - 1] === '--import') return a === 'tsx' ? import.meta.resolve('tsx') : pathToFileURL(path.resolve(root, a)).href;
    return a.startsWith('-') ? a : path.resolve(root, a);
  });
}
