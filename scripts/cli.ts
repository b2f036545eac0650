/** Helpers shared by the command-line scripts. */
import path from 'node:path';
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
