/**
 * npm run --silent check-claims -- [--data DIR] [--json] [--now YYYY-MM-DD] ["text"]
 * Checks the statements of a text (a forwarded post) against the articles, like the bot's
 * /check: per statement "matches", "differs" (with the numbers) or "not_found", and the quotes.
 * Without a text argument, all of standard input is the one text. --json prints one object per
 * input (contract in docs/architecture.md).
 */
import { readFileSync } from 'node:fs';
import { MAX_CLAIMS, checkClaims } from '../src/answer/claims.js';
import { questionLanguage } from '../src/answer/answer.js';
import { claimsJson, claimsText } from '../src/bot/format.js';
import { fixedClock, parseCli, resolveDirs } from './cli.js';
import { loadEnv, openCliEngine } from './env.js';

const USAGE =
  'Usage: npm run --silent check-claims -- [--data DIR] [--json] [--now YYYY-MM-DD] ["text"]\n  Without a text, all of standard input is the text to check.';
const { values, positionals } = parseCli(USAGE, {
  options: {
    data: { type: 'string' },
    json: { type: 'boolean', default: false },
    now: { type: 'string' },
  },
  allowPositionals: true,
});
const clock = values.now === undefined ? () => new Date() : fixedClock(USAGE, values.now);
const config = loadEnv();
const { dataDir } = resolveDirs(config, values);
const text = positionals.length > 0 ? positionals.join(' ') : readFileSync(0, 'utf8');
const engine = await openCliEngine(config, dataDir, { clock });
const check = await checkClaims(engine, text.trim(), {
  maxClaims: MAX_CLAIMS,
  maxStatementChars: config.MAX_QUESTION_LENGTH,
  now: clock(),
});
process.stdout.write(
  values.json
    ? `${JSON.stringify(claimsJson(check))}\n`
    : `${claimsText(check, questionLanguage(text))}\n`,
);
engine.close();
