/**
 * The question-answering engine: the live index, the embedder, a retriever and an answerer,
 * built together. `reload()` opens the newest index and swaps it in between two questions, so a
 * question is always answered from one complete index.
 */
import {
  type Answer,
  type AnswerSettings,
  type AskOptions,
  DEFAULT_ANSWER,
  DEFAULT_MIN_SCORE,
  createAnswerer,
} from './answer.js';
import { type Calibration, readCalibration } from './calibration.js';
import type { Config, RetrievalMode } from '../config.js';
import type { Embedder } from '../index/embed.js';
import { type Fusion, createRetriever } from './retrieve.js';
import { DEFAULT_SYNONYMS, type Synonyms, openSynonyms } from './synonyms.js';
import { type LoadedIndex, openIndex } from '../index/store.js';

export interface EngineOptions {
  dataDir: string;
  mode: RetrievalMode;
  /** Required unless mode is 'lexical'. */
  embedder: Embedder | null;
  fusion?: Fusion;
  denseWeight?: number;
  /**
   * Split compounds the index does not know into known parts (default true; `npm run eval` measures
   * without).
   */
  splitCompounds?: boolean;
  answer?: Partial<AnswerSettings>;
  /** German synonyms for sentence scoring. Default: the bundled sets; null turns them off. */
  synonyms?: Synonyms | null;
  /**
   * "Today" for time words in questions ("gestern", "letzte Woche"). Default: the system clock;
   * `ask --now` and tests set it.
   */
  clock?: () => Date;
}

export interface Engine {
  answer(question: string, options?: AskOptions): Promise<Answer>;
  /** The synonyms the answerer matches with (null: none). */
  synonyms(): Synonyms | null;
  /** Titles of the indexed articles, newest first, for "what the articles cover". */
  topics(): string[];
  current(): LoadedIndex;
  /** Open the index CURRENT points to now; the old one closes once its questions are done. */
  reload(): void;
  close(): void;
}

export function createEngine(options: EngineOptions): Engine {
  const modelId = options.mode === 'lexical' ? null : (options.embedder?.modelId ?? null);
  if (options.mode !== 'lexical' && !options.embedder)
    throw new Error(`RETRIEVAL_MODE=${options.mode} needs an embedding model`);
  const synonyms =
    options.synonyms === undefined ? openSynonyms(DEFAULT_SYNONYMS) : options.synonyms;
  const open = () => {
    const index = openIndex(options.dataDir, {
      modelId,
      ...(options.embedder && modelId ? { dimensions: options.embedder.dimensions } : {}),
    });
    const retriever = createRetriever({
      index,
      embedder: options.embedder,
      mode: options.mode,
      ...(options.fusion ? { fusion: options.fusion } : {}),
      ...(options.denseWeight !== undefined ? { denseWeight: options.denseWeight } : {}),
      ...(options.splitCompounds !== undefined ? { splitCompounds: options.splitCompounds } : {}),
    });
    const answerer = createAnswerer({
      retriever,
      index,
      embedder: options.embedder,
      synonyms,
      ...(options.answer ? { settings: options.answer } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const topics = newestFirst(index.store.articles()).map((a) => a.meta.title);
    return { index, answerer, topics, inFlight: 0, retired: false };
  };
  let live = open();
  const release = (gen: typeof live) => {
    if (gen.retired && gen.inFlight === 0) gen.index.close();
  };
  return {
    async answer(question, options) {
      const gen = live;
      gen.inFlight++;
      try {
        return await gen.answerer.answer(question, options);
      } finally {
        gen.inFlight--;
        release(gen);
      }
    },
    synonyms: () => synonyms,
    topics: () => live.topics,
    current: () => live.index,
    reload() {
      const next = open(); // throws before anything changes if the new index is unusable
      const old = live;
      live = next;
      old.retired = true;
      release(old);
    },
    close() {
      live.retired = true;
      release(live);
    },
  };
}

/**
 * Articles by date, newest first, undated ones last (by id): the abstention lists the first
 * few titles as "what the articles cover", and in a growing archive the newest say most.
 */
export function newestFirst<T extends { id: string; meta: { date?: string } }>(
  articles: readonly T[],
): T[] {
  return [...articles].sort(
    (a, b) => (b.meta.date ?? '').localeCompare(a.meta.date ?? '') || a.id.localeCompare(b.id),
  );
}

/**
 * The answerer settings the configuration and the calibration for this model set, for the bot
 * and `npm run ask` alike: MIN_ANSWER_SCORE wins over the calibrated threshold, which wins over
 * the built-in one; a calibrated embedding weight replaces the built-in one, the lexical share
 * taking the rest (the chunk's share stays).
 */
export function answerSettings(
  config: Pick<Config, 'MAX_QUESTION_LENGTH' | 'MIN_ANSWER_SCORE'>,
  calibration: Calibration | null = null,
): Partial<AnswerSettings> {
  const minScore = config.MIN_ANSWER_SCORE ?? calibration?.minScore;
  const dense = calibration?.sentenceDenseWeight;
  return {
    maxQuestionChars: config.MAX_QUESTION_LENGTH,
    ...(minScore !== undefined ? { minScore } : {}),
    ...(dense !== null && dense !== undefined ? { weights: sentenceWeights(dense) } : {}),
  };
}

/**
 * Sentence evidence weights with this embedding weight: the lexical coverage takes what the
 * embedding leaves of the default pair.
 */
export function sentenceWeights(dense: number): AnswerSettings['weights'] {
  const { lexical, dense: builtIn, chunk } = DEFAULT_ANSWER.weights;
  return { lexical: Math.max(0, lexical + builtIn - dense), dense, chunk };
}

/** The abstention threshold in force and where it comes from. */
export interface ThresholdInfo {
  readonly value: number;
  readonly source: 'MIN_ANSWER_SCORE' | 'calibrated' | 'default';
  readonly calibratedAt?: string;
}

/** Where the abstention threshold in force comes from, for /about, the log and `ask --explain`. */
export function thresholdInfo(
  config: Pick<Config, 'MIN_ANSWER_SCORE'>,
  calibration: Calibration | null,
  mode: RetrievalMode,
): ThresholdInfo {
  if (config.MIN_ANSWER_SCORE !== undefined)
    return { value: config.MIN_ANSWER_SCORE, source: 'MIN_ANSWER_SCORE' };
  if (calibration)
    return {
      value: calibration.minScore,
      source: 'calibrated',
      calibratedAt: calibration.calibratedAt,
    };
  return { value: DEFAULT_MIN_SCORE[mode], source: 'default' };
}

/**
 * What the bot and `npm run ask` answer with: the answerer settings and the fusion weight the
 * configuration and DATA_DIR's calibration for this model and mode give, where the threshold
 * comes from, and a calibration file that could not be read (logged, then ignored).
 */
export function configuredAnswering(
  config: Pick<Config, 'MAX_QUESTION_LENGTH' | 'MIN_ANSWER_SCORE'>,
  dataDir: string,
  mode: RetrievalMode,
  modelId: string | null,
): {
  /** For createEngine. */
  options: Pick<EngineOptions, 'answer' | 'denseWeight'>;
  threshold: ThresholdInfo;
  problem: string | null;
} {
  const { calibration, problem } = readCalibration(dataDir, modelId, mode);
  const denseWeight = calibration?.denseWeight;
  return {
    options: {
      answer: answerSettings(config, calibration),
      ...(denseWeight !== null && denseWeight !== undefined ? { denseWeight } : {}),
    },
    threshold: thresholdInfo(config, calibration, mode),
    problem,
  };
}
