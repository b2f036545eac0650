/**
 * What `npm run eval` and `npm run calibrate` share: the question sets and the corpus each is
 * about, an evaluation environment per corpus (the corpus alone, or with an archive of unrelated
 * articles beside it: its index, dense and lexical, and the model), and the configurations run
 * on it. Scripts only: it builds indexes in a temp folder and loads models.
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type AnswerSettings } from '../src/answer/answer.js';
import { type Engine, createEngine } from '../src/answer/engine.js';
import {
  type EvalAnswer,
  type EvalQuestion,
  bm25SentenceBaseline,
  loadQuestions,
  questionSetFiles,
} from '../src/answer/evaluate.js';
import type { Synonyms } from '../src/answer/synonyms.js';
import { answerJson } from '../src/bot/format.js';
import { errorMessage } from '../src/errors.js';
import { type Embedder, createTransformersEmbedder } from '../src/index/embed.js';
import { buildIndex } from '../src/index/indexer.js';
import { writeTinyModel } from '../src/index/tinyModel.js';
import { type Article, readCorpus } from '../src/ingest/ingest.js';

/** A question file and the corpus its questions are about. */
export interface QuestionSet {
  readonly file: string;
  /** Short name for tables: the file name, with its folder for sets that bring their own corpus. */
  readonly name: string;
  readonly corpus: string;
  /**
   * Sets that bring their own corpus are external (written by nobody on the team); the rest are the
   * seed sets.
   */
  readonly family: 'seed' | 'external';
}

/**
 * A set brings its own corpus when a `corpus/` folder stands beside its question file
 * (GermanQuAD-style: `germanquad-dev/questions.jsonl` + `germanquad-dev/corpus/`); otherwise it
 * is about `defaultCorpus`.
 */
export function questionSet(file: string, defaultCorpus: string): QuestionSet {
  const own = path.join(path.dirname(file), 'corpus');
  if (existsSync(own))
    return {
      file,
      name: `${path.basename(path.dirname(file))}/${path.basename(file)}`,
      corpus: own,
      family: 'external',
    };
  return { file, name: path.basename(file), corpus: defaultCorpus, family: 'seed' };
}

/**
 * The GermanQuAD dev set copied into the repository (CC BY 4.0, test/eval/germanquad/README.md),
 * with its corpus.
 */
export function germanQuadFile(root: string): string {
  return path.join(root, 'test/eval/germanquad/questions.jsonl');
}

/** The sets `npm run eval` scores by default: the seed sets, then the external one. */
export function defaultQuestionFiles(root: string): string[] {
  const known = questionSetFiles(root);
  return [known.dev, known.own, ...known.heldout, germanQuadFile(root)].filter((f) =>
    existsSync(f),
  );
}

/** The archive indexed beside every set by default: the shared real news archive, when present. */
export function defaultArchive(root: string): string | null {
  const dir = path.join(root, '../shared/corpus-news');
  return existsSync(dir) ? dir : null;
}

/** One corpus, indexed: alone ('own') or with the archive beside it ('archive'). */
export interface Environment {
  readonly key: string;
  readonly corpus: string;
  readonly withArchive: boolean;
  readonly articles: readonly Article[];
  readonly byFile: ReadonlyMap<string, Article>;
  /** null when built for lexical mode only (then denseDir holds no index). */
  readonly embedder: Embedder | null;
  readonly denseDir: string;
  readonly lexicalDir: string;
}

export interface ModelChoice {
  /** Hub id or folder to try first (EMBEDDING_MODEL or --model). */
  readonly modelId: string;
  readonly cacheDir?: string | undefined;
}

/**
 * Index `corpus` (and `archive` beside it, both copied into one folder as `own/` and
 * `archive/`) with the chosen model, or, when it cannot be loaded (offline), a tiny model made
 * from exactly the indexed texts. Returns the environment and what model it used.
 */
export async function buildEnvironment(
  tmp: string,
  key: string,
  corpus: string,
  archive: string | null,
  model: ModelChoice | null,
  log: (s: string) => void,
  options: { fallback: boolean } = { fallback: true },
): Promise<Environment & { modelNote: string }> {
  const dir = path.join(tmp, key);
  let corpusDir = corpus;
  if (archive) {
    corpusDir = path.join(dir, 'corpus');
    mkdirSync(corpusDir, { recursive: true });
    cpSync(corpus, path.join(corpusDir, 'own'), { recursive: true });
    cpSync(archive, path.join(corpusDir, 'archive'), {
      recursive: true,
      filter: (src) =>
        !path.basename(src).startsWith('.') && !/^readme\.md$/i.test(path.basename(src)),
    });
  }
  const { articles } = await readCorpus(corpusDir);
  let embedder: Embedder | null = null;
  let modelNote = 'none (lexical)';
  if (model)
    try {
      embedder = await createTransformersEmbedder({
        modelId: model.modelId,
        cacheDir: model.cacheDir,
      });
      modelNote = model.modelId;
    } catch (error) {
      if (!options.fallback) throw error;
      log(
        `note: ${errorMessage(error).split('. ')[0]}; using a tiny offline model made from the indexed corpus instead`,
      );
      const modelDir = path.join(dir, 'tiny-model');
      await writeTinyModel(modelDir, { texts: articles.map((a) => `${a.meta.title}\n${a.text}`) });
      embedder = await createTransformersEmbedder({ modelId: modelDir });
      modelNote = 'tiny offline model made from the indexed corpus (npm run make-tiny-model)';
    }
  const denseDir = path.join(dir, 'dense');
  const lexicalDir = path.join(dir, 'lexical');
  if (embedder) await buildIndex({ corpusDir, dataDir: denseDir, embedder });
  await buildIndex({ corpusDir, dataDir: lexicalDir, embedder: null });
  return {
    key,
    corpus,
    withArchive: archive !== null,
    articles,
    byFile: new Map(articles.map((a) => [a.file, a])),
    embedder,
    denseDir,
    lexicalDir,
    modelNote,
  };
}

/** A configuration `npm run eval` scores: an engine, or the baseline. */
export interface EvalConfig {
  /** Stable key for --configs. */
  readonly key: string;
  readonly name: string;
  readonly make: (
    env: Environment,
    synonyms: Synonyms | null,
  ) => { engine?: Engine; baseline?: (q: string) => EvalAnswer };
}

// No threshold; the verification (and with it the state check) still turns answers away, as it
// does at any threshold.
const NEVER: Partial<AnswerSettings> = { minScore: 0 };

export const CONFIGS: readonly EvalConfig[] = [
  {
    key: 'default',
    name: 'hybrid (default)',
    make: (e, synonyms) => ({
      engine: createEngine({ dataDir: e.denseDir, mode: 'hybrid', embedder: e.embedder, synonyms }),
    }),
  },
  {
    key: 'never',
    name: 'hybrid, never abstains',
    make: (e, synonyms) => ({
      engine: createEngine({
        dataDir: e.denseDir,
        mode: 'hybrid',
        embedder: e.embedder,
        synonyms,
        answer: NEVER,
      }),
    }),
  },
  {
    key: 'lexical',
    name: 'lexical (offline)',
    make: (e, synonyms) => ({
      engine: createEngine({ dataDir: e.lexicalDir, mode: 'lexical', embedder: null, synonyms }),
    }),
  },
  {
    key: 'lexical-never',
    name: 'lexical, never abstains',
    make: (e, synonyms) => ({
      engine: createEngine({
        dataDir: e.lexicalDir,
        mode: 'lexical',
        embedder: null,
        synonyms,
        answer: NEVER,
      }),
    }),
  },
  {
    key: 'rrf',
    name: 'hybrid (rrf)',
    make: (e, synonyms) => ({
      engine: createEngine({
        dataDir: e.denseDir,
        mode: 'hybrid',
        embedder: e.embedder,
        synonyms,
        fusion: 'rrf',
      }),
    }),
  },
  {
    key: 'no-subword',
    name: 'hybrid, no sub-word match',
    make: (e, synonyms) => ({
      engine: createEngine({
        dataDir: e.denseDir,
        mode: 'hybrid',
        embedder: e.embedder,
        synonyms,
        splitCompounds: false,
        answer: { subwordMatch: false },
      }),
    }),
  },
  {
    key: 'no-compounds',
    name: 'hybrid, no compound splitting',
    make: (e, synonyms) => ({
      engine: createEngine({
        dataDir: e.denseDir,
        mode: 'hybrid',
        embedder: e.embedder,
        synonyms,
        splitCompounds: false,
      }),
    }),
  },
  {
    key: 'no-states',
    name: 'hybrid, no state check',
    make: (e, synonyms) => ({
      engine: createEngine({
        dataDir: e.denseDir,
        mode: 'hybrid',
        embedder: e.embedder,
        synonyms,
        answer: { stateCheck: false },
      }),
    }),
  },
  {
    key: 'no-other-states',
    name: 'hybrid, no other-state abstention',
    make: (e, synonyms) => ({
      engine: createEngine({
        dataDir: e.denseDir,
        mode: 'hybrid',
        embedder: e.embedder,
        synonyms,
        answer: { abstainOnOtherStates: false },
      }),
    }),
  },
  {
    key: 'no-synonyms',
    name: 'hybrid, no synonyms',
    make: (e) => ({
      engine: createEngine({
        dataDir: e.denseDir,
        mode: 'hybrid',
        embedder: e.embedder,
        synonyms: null,
      }),
    }),
  },
  {
    key: 'no-chance',
    name: 'lexical, confidence not judged against chance',
    make: (e, synonyms) => ({
      engine: createEngine({
        dataDir: e.lexicalDir,
        mode: 'lexical',
        embedder: null,
        synonyms,
        answer: { chancePrior: 0, minScore: 0.48 },
      }),
    }),
  },
  {
    key: 'dense',
    name: 'dense',
    make: (e, synonyms) => ({
      engine: createEngine({ dataDir: e.denseDir, mode: 'dense', embedder: e.embedder, synonyms }),
    }),
  },
  {
    key: 'baseline',
    name: 'baseline: BM25 sentences',
    make: (e) => ({ baseline: bm25SentenceBaseline(e.articles) }),
  },
];

/** Answers of one configuration to each question, in order. */
export async function runConfig(
  made: { engine?: Engine; baseline?: (q: string) => EvalAnswer },
  questions: readonly EvalQuestion[],
): Promise<EvalAnswer[]> {
  const answers: EvalAnswer[] = [];
  for (const q of questions)
    answers.push(
      made.engine
        ? answerJson(await made.engine.answer(q.q))
        : (made.baseline as (q: string) => EvalAnswer)(q.q),
    );
  return answers;
}

/** The questions of each set, read once. */
export function readSets(sets: readonly QuestionSet[]): Map<QuestionSet, EvalQuestion[]> {
  return new Map(sets.map((s) => [s, loadQuestions(s.file)]));
}
