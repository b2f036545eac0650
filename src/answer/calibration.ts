/**
 * Calibration: the abstention threshold (and the embedding's weights) measured for one model,
 * retrieval mode and archive by `npm run calibrate`, kept beside the index in
 * DATA_DIR/calibration.json and read by `npm start` and `npm run ask`. A score's range belongs to
 * a model: the threshold that suits the tiny offline model need not suit multilingual-e5-small,
 * so a threshold is only ever used for the model and mode it was measured with. MIN_ANSWER_SCORE
 * still overrides it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RetrievalMode } from '../config.js';
import { errorMessage } from '../errors.js';

export const CALIBRATION_FILE = 'calibration.json';
const FORMAT_VERSION = 1;

const measured = z.object({
  quoteAt1: z.number(),
  quoteAt3: z.number(),
  falseAbstentions: z.number(),
  abstention: z.number(),
  questions: z.number().int(),
  unanswerable: z.number().int(),
});

const entry = z.object({
  /** The model's id as EMBEDDING_MODEL resolves it; null for lexical mode. */
  modelId: z.string().nullable(),
  mode: z.enum(['hybrid', 'dense', 'lexical']),
  /** Below this best-sentence score the answer abstains. */
  minScore: z.number().min(0).max(1),
  /** Convex fusion's dense weight in retrieval (hybrid only). */
  denseWeight: z.number().min(0).max(1).nullable(),
  /** The sentence scorer's weight of the embedding (hybrid and dense). */
  sentenceDenseWeight: z.number().min(0).max(1).nullable(),
  calibratedAt: z.string(),
  questions: z.array(z.string()),
  archive: z.string().nullable(),
  maxFalseAbstentions: z.number(),
  /** What the calibration measured at these settings, on its questions with the archive. */
  measured,
});

const file = z.object({ formatVersion: z.literal(FORMAT_VERSION), calibrations: z.array(entry) });

export type Calibration = z.infer<typeof entry>;

/** The calibrations the file holds; throws when it is not JSON or not of this format. */
function readFile(where: string): Calibration[] {
  return file.parse(JSON.parse(readFileSync(where, 'utf8'))).calibrations;
}

/**
 * The calibration for this model and mode, or why there is none to use (`problem`: a file that
 * could not be read).
 */
export function readCalibration(
  dataDir: string,
  modelId: string | null,
  mode: RetrievalMode,
): { calibration: Calibration | null; problem: string | null } {
  const where = path.join(dataDir, CALIBRATION_FILE);
  if (!existsSync(where)) return { calibration: null, problem: null };
  let calibrations: Calibration[];
  try {
    calibrations = readFile(where);
  } catch (error) {
    const why =
      error instanceof z.ZodError
        ? error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')
        : errorMessage(error);
    return {
      calibration: null,
      problem: `${where} cannot be used (${why}); the built-in threshold applies. Run npm run calibrate again, or delete the file.`,
    };
  }
  const found =
    calibrations.find(
      (c) => c.modelId === (mode === 'lexical' ? null : modelId) && c.mode === mode,
    ) ?? null;
  return { calibration: found, problem: null };
}

/**
 * Add or replace the calibration of its model and mode; other models' calibrations stay. Written
 * atomically.
 */
export function writeCalibration(dataDir: string, calibration: Calibration): string {
  const where = path.join(dataDir, CALIBRATION_FILE);
  let others: Calibration[] = [];
  if (existsSync(where)) {
    try {
      others = readFile(where);
    } catch {
      others = []; // an unreadable file is replaced by a good one
    }
  }
  const calibrations = [
    ...others.filter((c) => !(c.modelId === calibration.modelId && c.mode === calibration.mode)),
    entry.parse(calibration),
  ];
  const tmp = `${where}.${process.pid}.tmp`;
  writeFileSync(
    tmp,
    `${JSON.stringify({ formatVersion: FORMAT_VERSION, calibrations }, null, 2)}\n`,
  );
  renameSync(tmp, where);
  return where;
}
