/**
 * npm run calibrate -- [--questions FILE]... [--archive DIR | --no-archive] [--corpus DIR] [--data
 * DIR] [--model DIR|HUB-ID] [--max-false-abstentions 0.1] [--dry-run] [--json]
 *
 * Measures, for the configured model and RETRIEVAL_MODE, the abstention threshold (and in hybrid
 * mode the embedding's weights) on a question set with an archive beside its corpus, and writes
 * them to DATA_DIR/calibration.json, where `npm start` and `npm run ask` read them for that model
 * and mode. Default: the bundled GermanQuAD set (test/eval/germanquad/) with your CORPUS_DIR as
 * the archive, so the threshold is judged against what your archive matches by chance.
 *
 * The weights: the combination whose never-abstaining answers are right most often. The
 * threshold: the highest that turns away no more than --max-false-abstentions of the answerable
 * questions, i.e. the most unanswerable ones turned away within that budget.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_ANSWER } from '../src/answer/answer.js';
import { type Calibration, writeCalibration } from '../src/answer/calibration.js';
import { createEngine, sentenceWeights } from '../src/answer/engine.js';
import {
  type EvalAnswer,
  type EvalQuestion,
  poolReports,
  scoreAnswers,
  thresholdSweep,
} from '../src/answer/evaluate.js';
import { DEFAULT_DENSE_WEIGHT } from '../src/answer/retrieve.js';
import { openSynonyms } from '../src/answer/synonyms.js';
import { resolveModelId } from '../src/config.js';
import { errorMessage } from '../src/errors.js';
import { parseCli, resolveDirs, usageExit } from './cli.js';
import { fallbackMode, loadEnv } from './env.js';
import { buildEnvironment, germanQuadFile, questionSet, readSets, runConfig } from './evalRun.js';

const USAGE =
  'Usage: npm run calibrate -- [--questions FILE]... [--archive DIR | --no-archive] [--corpus DIR] [--data DIR] [--model DIR|HUB-ID] [--max-false-abstentions 0.1] [--dry-run] [--json]';
const { values } = parseCli(USAGE, {
  options: {
    questions: { type: 'string', multiple: true },
    archive: { type: 'string' },
    'no-archive': { type: 'boolean', default: false },
    data: { type: 'string' },
    corpus: { type: 'string' },
    model: { type: 'string' },
    'max-false-abstentions': { type: 'string', default: '0.1' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const budget = Number(values['max-false-abstentions']);
if (!(budget >= 0 && budget < 1))
  usageExit(
    USAGE,
    `--max-false-abstentions must be a share between 0 and 1, e.g. 0.1, got "${values['max-false-abstentions']}"`,
  );
const config = loadEnv();
const root = path.resolve(import.meta.dirname, '..');
const { corpusDir, dataDir } = resolveDirs(config, values);
const archive = values['no-archive']
  ? null
  : values.archive
    ? path.resolve(values.archive)
    : corpusDir;
const files = values.questions?.map((f) => path.resolve(f)) ?? [germanQuadFile(root)];
const missing = files.filter((f) => !existsSync(f));
if (missing.length) usageExit(USAGE, `question file not found: ${missing.join(', ')}`);
const sets = files.map((f) => questionSet(f, corpusDir));
const modelId = values.model ? resolveModelId(values.model, process.cwd()) : config.EMBEDDING_MODEL;
const log = (s: string) => process.stderr.write(`${s}\n`);
// Like npm start: with RETRIEVAL_MODE unset, a model that does not load means keyword search
// (calibrated as such, with one warning); set, it is an error.
const { mode } = await fallbackMode(config, modelId, log);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'belegbot-calibrate-'));

/** Dense weights tried in retrieval and in the sentence scorer (the built-in pair first). */
const DENSE_GRID: ReadonlyArray<[number | null, number | null]> = [
  [DEFAULT_DENSE_WEIGHT, DEFAULT_ANSWER.weights.dense],
  [0, 0],
  [0.3, 0.2],
  [0.5, 0.3],
  [0.7, 0.5],
];
const THRESHOLDS = Array.from({ length: 61 }, (_, i) => Math.round((0.2 + i * 0.01) * 100) / 100);

try {
  const questionsOf = readSets(sets);
  const synonyms = openSynonyms(config.SYNONYMS_FILE);
  type Runs = Array<{ questions: EvalQuestion[]; answers: EvalAnswer[] }>;
  let chosen: {
    denseWeight: number | null;
    sentenceDenseWeight: number | null;
    quoteAt1: number;
    runs: Runs;
  } | null = null;
  let usedModel: string | null = null;
  const corpora = [...new Set(sets.map((s) => s.corpus))];
  const envs = [];
  for (const [i, corpus] of corpora.entries()) {
    const model = mode === 'lexical' ? null : { modelId, cacheDir: config.MODEL_CACHE_DIR };
    const env = await buildEnvironment(tmp, `c${i}`, corpus, archive, model, log, {
      fallback: false,
    });
    usedModel = env.embedder?.modelId ?? null;
    envs.push({ env, sets: sets.filter((s) => s.corpus === corpus) });
  }
  const byFile = new Map(envs.flatMap(({ env }) => [...env.byFile]));
  const grid: ReadonlyArray<[number | null, number | null]> =
    mode === 'lexical'
      ? [[null, null]]
      : mode === 'dense'
        ? DENSE_GRID.map(([, sentence]) => [null, sentence])
        : DENSE_GRID;
  for (const [denseWeight, sentenceDense] of grid) {
    const these: Runs = [];
    for (const { env, sets: here } of envs) {
      const engine = createEngine({
        dataDir: mode === 'lexical' ? env.lexicalDir : env.denseDir,
        mode,
        embedder: env.embedder,
        synonyms,
        ...(denseWeight !== null ? { denseWeight } : {}),
        answer: {
          minScore: 0,
          ...(sentenceDense !== null ? { weights: sentenceWeights(sentenceDense) } : {}),
        },
      });
      for (const set of here) {
        const questions = questionsOf.get(set) ?? [];
        these.push({ questions, answers: await runConfig({ engine }, questions) });
      }
      engine.close();
    }
    const pooled = poolReports(these.map((r) => scoreAnswers(r.questions, r.answers, byFile)));
    const quoteAt1 = pooled.answerable.quoteAt1 / Math.max(1, pooled.answerable.questions);
    if (grid.length > 1)
      log(
        `weights: dense ${denseWeight ?? '–'}, sentence ${sentenceDense ?? '–'}: quote@1 never abstaining ${(100 * quoteAt1).toFixed(1)} %`,
      );
    if (!chosen || quoteAt1 > chosen.quoteAt1 + 1e-9)
      chosen = { denseWeight, sentenceDenseWeight: sentenceDense, quoteAt1, runs: these };
  }
  if (!chosen) throw new Error('nothing was measured');
  const sweep = thresholdSweep(chosen.runs, THRESHOLDS, byFile);
  const within = sweep.filter(
    (t) => t.report.answerable.falseAbstentions <= budget * t.report.answerable.questions,
  );
  const pick = within.at(-1) ?? sweep[0];
  if (!pick) throw new Error('no threshold could be measured');
  const a = pick.report.answerable;
  const u = pick.report.unanswerable;
  if (u.questions === 0)
    usageExit(
      USAGE,
      'the question sets have no unanswerable questions: a threshold cannot be calibrated without them',
    );
  const share = (k: number, n: number) => Math.round((1000 * k) / Math.max(1, n)) / 1000;
  const calibration: Calibration = {
    modelId: mode === 'lexical' ? null : usedModel,
    mode,
    minScore: pick.threshold,
    denseWeight: mode === 'hybrid' ? chosen.denseWeight : null,
    sentenceDenseWeight: mode === 'lexical' ? null : chosen.sentenceDenseWeight,
    calibratedAt: new Date().toISOString(),
    questions: files.map((f) => path.relative(process.cwd(), f) || f),
    archive: archive ? path.relative(process.cwd(), archive) || archive : null,
    maxFalseAbstentions: budget,
    measured: {
      quoteAt1: share(a.quoteAt1, a.questions),
      quoteAt3: share(a.quoteAt3, a.questions),
      falseAbstentions: share(a.falseAbstentions, a.questions),
      abstention: share(u.abstained, u.questions),
      questions: a.questions + u.questions,
      unanswerable: u.questions,
    },
  };
  let written: string | null = null;
  if (!values['dry-run']) {
    mkdirSync(dataDir, { recursive: true });
    written = writeCalibration(dataDir, calibration);
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ ...calibration, file: written })}\n`);
  else {
    const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
    process.stdout.write(
      `Calibrated ${mode}${calibration.modelId ? ` with ${calibration.modelId}` : ''} on ${calibration.measured.questions} questions${archive ? ` with ${archive} beside them` : ''}:\n` +
        `  threshold ${calibration.minScore}${mode === 'hybrid' ? `, dense weight ${calibration.denseWeight} (retrieval) / ${calibration.sentenceDenseWeight} (sentences)` : ''}\n` +
        `  measured: quote@1 ${pct(calibration.measured.quoteAt1)}, quote@3 ${pct(calibration.measured.quoteAt3)}, false abstentions ${pct(calibration.measured.falseAbstentions)} (at most ${pct(budget)}), abstention ${pct(calibration.measured.abstention)}\n` +
        (written
          ? `  written to ${written}; npm start and npm run ask use it for this model and mode (MIN_ANSWER_SCORE overrides it).\n`
          : '  (dry run: nothing written)\n'),
    );
  }
} catch (error) {
  process.stderr.write(`error: ${errorMessage(error)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
