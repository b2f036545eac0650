import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER, DEFAULT_MIN_SCORE } from '../../src/answer/answer.js';
import {
  CALIBRATION_FILE,
  type Calibration,
  readCalibration,
  writeCalibration,
} from '../../src/answer/calibration.js';
import { answerSettings, configuredAnswering, thresholdInfo } from '../../src/answer/engine.js';
import { loadQuestions } from '../../src/answer/evaluate.js';
import { buildIndex } from '../../src/index/indexer.js';
import type { AnswerJson } from '../../src/bot/format.js';
import { CORPUS, ROOT, npmScriptArgs, parseJson, tempDir } from '../helpers.js';

const sample = (over: Partial<Calibration> = {}): Calibration => ({
  modelId: 'Xenova/multilingual-e5-small',
  mode: 'hybrid',
  minScore: 0.41,
  denseWeight: 0.5,
  sentenceDenseWeight: 0.3,
  calibratedAt: '2026-12-01T10:00:00.000Z',
  questions: ['test/eval/germanquad/questions.jsonl'],
  archive: 'corpus',
  maxFalseAbstentions: 0.1,
  measured: {
    quoteAt1: 0.6,
    quoteAt3: 0.7,
    falseAbstentions: 0.1,
    abstention: 0.8,
    questions: 709,
    unanswerable: 145,
  },
  ...over,
});

describe('readCalibration / writeCalibration', () => {
  it('keeps one calibration per model and mode, replaces it on a new run, and reads only the matching one', () => {
    const dir = tempDir();
    expect(readCalibration(dir, 'x', 'hybrid')).toEqual({ calibration: null, problem: null });
    writeCalibration(dir, sample());
    writeCalibration(
      dir,
      sample({
        modelId: null,
        mode: 'lexical',
        minScore: 0.5,
        denseWeight: null,
        sentenceDenseWeight: null,
      }),
    );
    writeCalibration(dir, sample({ minScore: 0.44 }));
    const stored = parseJson<{ calibrations: Calibration[] }>(
      readFileSync(path.join(dir, CALIBRATION_FILE), 'utf8'),
    );
    expect(stored.calibrations).toHaveLength(2);
    expect(
      readCalibration(dir, 'Xenova/multilingual-e5-small', 'hybrid').calibration?.minScore,
    ).toBe(0.44);
    expect(
      readCalibration(dir, 'Xenova/multilingual-e5-small', 'lexical').calibration?.minScore,
    ).toBe(0.5); // lexical needs no model
    expect(readCalibration(dir, '/models/tiny', 'hybrid').calibration).toBeNull(); // another model's threshold is never used
    expect(readCalibration(dir, 'Xenova/multilingual-e5-small', 'dense').calibration).toBeNull();
  });

  it('a broken file is reported and ignored, never a crash; a new calibration replaces it', () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, CALIBRATION_FILE),
      '{"formatVersion": 1, "calibrations": [{"minScore": 7}]}',
    );
    const { calibration, problem } = readCalibration(dir, 'm', 'hybrid');
    expect(calibration).toBeNull();
    expect(problem).toMatch(
      /calibration\.json cannot be used \(calibrations\.0\.modelId: .*\); the built-in threshold applies\. Run npm run calibrate again, or delete the file\./,
    );
    writeFileSync(path.join(dir, CALIBRATION_FILE), 'not json');
    expect(readCalibration(dir, 'm', 'hybrid').problem).toMatch(/cannot be used/);
    writeCalibration(dir, sample({ modelId: 'm' }));
    expect(readCalibration(dir, 'm', 'hybrid')).toMatchObject({
      calibration: { minScore: 0.41 },
      problem: null,
    });
  });
});

describe('answerSettings and thresholdInfo', () => {
  const config = { MAX_QUESTION_LENGTH: 500, MIN_ANSWER_SCORE: undefined };

  it('MIN_ANSWER_SCORE wins over the calibration, which wins over the built-in threshold', () => {
    expect(thresholdInfo(config, null, 'hybrid')).toEqual({
      value: DEFAULT_ANSWER.minScore,
      source: 'default',
    });
    expect(thresholdInfo(config, null, 'lexical')).toEqual({
      value: DEFAULT_MIN_SCORE.lexical,
      source: 'default',
    });
    expect(DEFAULT_MIN_SCORE.lexical).not.toBe(DEFAULT_MIN_SCORE.hybrid);
    expect(thresholdInfo(config, sample(), 'hybrid')).toEqual({
      value: 0.41,
      source: 'calibrated',
      calibratedAt: '2026-12-01T10:00:00.000Z',
    });
    expect(thresholdInfo({ MIN_ANSWER_SCORE: 0.6 }, sample(), 'lexical')).toEqual({
      value: 0.6,
      source: 'MIN_ANSWER_SCORE',
    });
    expect(answerSettings(config, sample())).toMatchObject({
      maxQuestionChars: 500,
      minScore: 0.41,
      weights: { dense: 0.3, chunk: DEFAULT_ANSWER.weights.chunk },
    });
    expect(answerSettings({ ...config, MIN_ANSWER_SCORE: 0.6 }, sample()).minScore).toBe(0.6);
    expect(answerSettings(config, null)).toEqual({ maxQuestionChars: 500 });
  });

  it('a calibrated embedding weight moves weight between the embedding and the words; the total stays', () => {
    const { weights } = answerSettings(config, sample({ sentenceDenseWeight: 0 }));
    const total =
      DEFAULT_ANSWER.weights.lexical + DEFAULT_ANSWER.weights.dense + DEFAULT_ANSWER.weights.chunk;
    expect(weights && weights.lexical + weights.dense + weights.chunk).toBeCloseTo(total, 9);
    expect(weights?.dense).toBe(0);
    const dir = tempDir();
    writeCalibration(dir, sample({ modelId: 'm' }));
    expect(configuredAnswering(config, dir, 'hybrid', 'm')).toMatchObject({
      options: { denseWeight: 0.5 },
      threshold: { source: 'calibrated' },
      problem: null,
    });
    expect(configuredAnswering(config, dir, 'hybrid', 'other').options.denseWeight).toBeUndefined();
  });
});

describe('npm run calibrate', () => {
  it('measures the threshold on a question set, writes it beside the index, and npm run ask uses it until MIN_ANSWER_SCORE overrides it', async () => {
    const data = tempDir();
    await buildIndex({ corpusDir: CORPUS, dataDir: data, embedder: null });
    const questions = path.join(tempDir(), 'questions.jsonl');
    const own = loadQuestions(path.join(ROOT, 'test/eval/own-questions.jsonl'));
    const pick = [
      ...own.filter((q) => q.kind === 'fact').slice(0, 8),
      ...own.filter((q) => q.kind === 'unanswerable').slice(0, 4),
    ];
    writeFileSync(questions, pick.map((q) => JSON.stringify(q)).join('\n'));
    const env = {
      ...process.env,
      RETRIEVAL_MODE: 'lexical',
      CORPUS_DIR: CORPUS,
      MIN_ANSWER_SCORE: '',
    };
    const r = spawnSync(
      process.execPath,
      [
        ...npmScriptArgs('calibrate'),
        '--questions',
        questions,
        '--no-archive',
        '--data',
        data,
        '--max-false-abstentions',
        '0.25',
        '--json',
      ],
      { cwd: ROOT, encoding: 'utf8', env },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Calibration & { file: string };
    expect(out).toMatchObject({
      modelId: null,
      mode: 'lexical',
      maxFalseAbstentions: 0.25,
      file: path.join(data, CALIBRATION_FILE),
      measured: { questions: 12, unanswerable: 4 },
    });
    expect(out.measured.falseAbstentions).toBeLessThanOrEqual(0.25);
    expect(readCalibration(data, null, 'lexical').calibration?.minScore).toBe(out.minScore);

    // A calibration just above a right answer's score turns it away; MIN_ANSWER_SCORE brings it
    // back.
    const ask = (extra: Record<string, string> = {}) =>
      parseJson<AnswerJson>(
        spawnSync(
          process.execPath,
          [...npmScriptArgs('ask'), '--data', data, '--json', 'Wo lehrt Yakov Zinberg?'],
          { cwd: ROOT, encoding: 'utf8', env: { ...env, ...extra } },
        ).stdout,
      );
    writeCalibration(data, { ...out, minScore: 0.3 });
    const before = ask();
    expect(before.found).toBe(true);
    writeCalibration(data, {
      ...out,
      minScore: Math.min(1, (before.quotes[0]?.score ?? 0) + 0.05),
    });
    expect(ask().found).toBe(false);
    expect(ask({ MIN_ANSWER_SCORE: '0.3' }).found).toBe(true);
  });

  it('refuses a budget that is not a share and a missing question file, with the usage (exit 2)', () => {
    const r = spawnSync(
      process.execPath,
      [...npmScriptArgs('calibrate'), '--max-false-abstentions', '10'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RETRIEVAL_MODE: 'lexical' } },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --max-false-abstentions must be a share between 0 and 1, e\.g\. 0\.1, got "10"\nUsage: npm run calibrate/,
    );
    const missing = spawnSync(
      process.execPath,
      [...npmScriptArgs('calibrate'), '--questions', '/nonexistent/q.jsonl'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RETRIEVAL_MODE: 'lexical' } },
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error: question file not found: \/nonexistent\/q\.jsonl\n/);
  });
});
