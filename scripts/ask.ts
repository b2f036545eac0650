/**
 * npm run --silent ask -- [--data DIR] [--json] [--explain] [--now YYYY-MM-DD] ["question"]
 * Answers one question, or one per line from stdin. The model is loaded once per process.
 * --explain prints the best-scored candidate sentences and their evidence to stderr; --now sets
 * "today" for time words in questions ("gestern", "letzte Woche").
 */
import { createInterface } from 'node:readline';
import { BelegError, InputError } from '../src/errors.js';
import { answerJson, answerText, errorJson } from '../src/bot/format.js';
import { loadEnv, openCliEngine } from './env.js';
import { fixedClock, parseCli, resolveDirs } from './cli.js';

const USAGE =
  'Usage: npm run --silent ask -- [--data DIR] [--json] [--explain] [--now YYYY-MM-DD] ["question"]\n  Without a question, reads one question per line from standard input. --now sets "today" for time words (gestern, letzte Woche).';
const { values, positionals } = parseCli(USAGE, {
  options: {
    data: { type: 'string' },
    json: { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
    now: { type: 'string' },
  },
  allowPositionals: true,
});
const clock = values.now === undefined ? undefined : fixedClock(USAGE, values.now);
const config = loadEnv();
const { dataDir } = resolveDirs(config, values);

const engine = await openCliEngine(config, dataDir, {
  explain: values.explain,
  ...(clock ? { clock } : {}),
});

async function ask(question: string): Promise<void> {
  try {
    const answer = await engine.answer(question);
    for (const r of answer.ranking ?? []) {
      process.stderr.write(
        `  ${r.score.toFixed(3)} (conf. ${r.confidence.toFixed(3)}) lex ${r.lexical.toFixed(3)} dense ${r.dense?.toFixed(3) ?? '-'} chunk ${r.chunk.toFixed(3)}  ${r.text.slice(0, 110)}\n`,
      );
    }
    process.stdout.write(
      values.json
        ? `${JSON.stringify(answerJson(answer, engine.topics()))}\n`
        : `${answerText(answer, engine.topics())}\n\n`,
    );
  } catch (error) {
    if (!(error instanceof InputError) && !(error instanceof BelegError)) throw error;
    if (values.json)
      process.stdout.write(`${JSON.stringify(errorJson(question, error.message))}\n`);
    else process.stderr.write(`${error.message}\n`);
  }
}

if (positionals.length > 0) {
  await ask(positionals.join(' '));
} else {
  // At a terminal, say what is expected and prompt for each question; from a pipe, just read.
  const terminal = process.stdin.isTTY === true;
  const lines = createInterface({
    input: process.stdin,
    crlfDelay: Infinity,
    ...(terminal ? { output: process.stderr, prompt: 'Frage> ' } : {}),
  });
  if (terminal) {
    process.stderr.write('One question per line; Ctrl-D (or Ctrl-C) ends.\n');
    lines.prompt();
  }
  for await (const line of lines) {
    // Blank lines separate questions, they are not questions.
    if (line.trim() !== '') await ask(line);
    if (terminal) lines.prompt();
  }
}
engine.close();
