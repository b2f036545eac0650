/**
 * npm run eval -- [--questions FILE]... [--corpus DIR] [--model DIR|HUB-ID] [--json]
 * Builds indexes of the corpus in a temp folder and scores every retrieval configuration on the
 * question sets: the shared dev set (../shared/eval/dev-questions.jsonl, when present), this
 * repository's own questions (test/eval/own-questions.jsonl, used while tuning) and its held-out
 * questions (test/eval/heldout*-questions.jsonl, written before the system was run on them; the
 * history in docs/quality.md says how much each was looked at since). Prints one table per set.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveModelId } from '../src/config.js';
import { createTransformersEmbedder, type Embedder } from '../src/index/embed.js';
import { DEFAULT_ANSWER } from '../src/answer/answer.js';
import { createEngine, type Engine } from '../src/answer/engine.js';
import { errorMessage } from '../src/errors.js';
import { type EvalAnswer, type EvalQuestion, type EvalReport, type QuestionDetail, bm25SentenceBaseline, loadQuestions, poolReports, questionDetails, questionSetFiles, scoreAnswers, separation, thresholdSweep, wilsonInterval } from '../src/answer/evaluate.js';
import { answerJson } from '../src/bot/format.js';
import { buildIndex } from '../src/index/indexer.js';
import { readCorpus } from '../src/ingest/ingest.js';
import { writeTinyModel } from '../src/index/tinyModel.js';
import { openSynonyms } from '../src/answer/synonyms.js';
import { loadEnv } from './env.js';
import { parseCli } from './cli.js';

const USAGE = 'Usage: npm run eval -- [--questions FILE]... [--corpus DIR] [--model DIR|HUB-ID] [--json] [--details FILE]';
const { values } = parseCli(USAGE, {
  options: { questions: { type: 'string', multiple: true }, corpus: { type: 'string' }, model: { type: 'string' }, json: { type: 'boolean', default: false }, details: { type: 'string' } },
});
const config = loadEnv();
const root = path.resolve(import.meta.dirname, '..');
const corpusDir = values.corpus ? path.resolve(values.corpus) : config.CORPUS_DIR;
const known = questionSetFiles(root);
const sets = (values.questions ?? [known.dev, known.own, ...known.heldout]).filter((f) => {
  if (existsSync(f)) return true;
  process.stderr.write(`note: ${f} not found, skipped\n`);
  return false;
});
const NEVER_ABSTAINS = 'hybrid, never abstains';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'belegbot-eval-'));
const log = (s: string) => process.stderr.write(`${s}\n`);

try {
  const { articles } = await readCorpus(corpusDir, { maxBytes: config.MAX_ARTICLE_BYTES });
  const byFile = new Map(articles.map((a) => [a.file, a]));

  // The configured model when it loads; otherwise (offline) a tiny model made from the corpus.
  let embedder: Embedder;
  let modelNote: string;
  const modelId = values.model ? resolveModelId(values.model, process.cwd()) : config.EMBEDDING_MODEL;
  try {
    embedder = await createTransformersEmbedder({ modelId, cacheDir: config.MODEL_CACHE_DIR });
    modelNote = modelId;
  } catch (error) {
    log(`note: ${errorMessage(error).split('. ')[0]}; using a tiny offline model made from the corpus instead`);
    const dir = path.join(tmp, 'tiny-model');
    await writeTinyModel(dir, { texts: articles.map((a) => `${a.meta.title}\n${a.text}`) });
    embedder = await createTransformersEmbedder({ modelId: dir });
    modelNote = 'tiny offline model (npm run make-tiny-model)';
  }
  const denseDir = path.join(tmp, 'dense');
  const lexDir = path.join(tmp, 'lexical');
  await buildIndex({ corpusDir, dataDir: denseDir, embedder });
  await buildIndex({ corpusDir, dataDir: lexDir, embedder: null });

  const synonyms = openSynonyms(config.SYNONYMS_FILE);
  const configs: Array<{ name: string; engine?: Engine; baseline?: (q: string) => EvalAnswer }> = [
    { name: 'hybrid (convex, default)', engine: createEngine({ dataDir: denseDir, mode: 'hybrid', embedder, synonyms, fusion: 'convex' }) },
    { name: 'hybrid (rrf)', engine: createEngine({ dataDir: denseDir, mode: 'hybrid', embedder, synonyms, fusion: 'rrf' }) },
    { name: 'hybrid, no sub-word match', engine: createEngine({ dataDir: denseDir, mode: 'hybrid', embedder, synonyms, splitCompounds: false, answer: { subwordMatch: false } }) },
    { name: 'hybrid, no compound splitting', engine: createEngine({ dataDir: denseDir, mode: 'hybrid', embedder, synonyms, splitCompounds: false }) },
    // Ranking alone, comparable with the baseline, which never abstains either.
    { name: NEVER_ABSTAINS, engine: createEngine({ dataDir: denseDir, mode: 'hybrid', embedder, synonyms, answer: { minScore: 0, abstainOnOtherStates: false } }) },
    { name: 'hybrid, no state check', engine: createEngine({ dataDir: denseDir, mode: 'hybrid', embedder, synonyms, answer: { stateCheck: false } }) },
    { name: 'hybrid, no other-state abstention', engine: createEngine({ dataDir: denseDir, mode: 'hybrid', embedder, synonyms, answer: { abstainOnOtherStates: false } }) },
    { name: 'hybrid, no synonyms', engine: createEngine({ dataDir: denseDir, mode: 'hybrid', embedder, synonyms: null }) },
    { name: 'dense', engine: createEngine({ dataDir: denseDir, mode: 'dense', embedder, synonyms }) },
    { name: 'lexical', engine: createEngine({ dataDir: lexDir, mode: 'lexical', embedder: null, synonyms }) },
    { name: 'baseline: BM25 sentences', baseline: bm25SentenceBaseline(articles) },
  ];

  const results: Row[] = [];
  const unthresholded: Array<{ questions: EvalQuestion[]; answers: EvalAnswer[] }> = [];
  const details: QuestionDetail[] = [];
  const questionsOf = new Map(sets.map((file) => [file, loadQuestions(file)]));
  for (const file of sets) {
    const questions = questionsOf.get(file) ?? [];
    let defaults: EvalAnswer[] = [];
    let withoutThreshold: EvalAnswer[] = [];
    for (const c of configs) {
      const answers: EvalAnswer[] = [];
      for (const q of questions) answers.push(c.engine ? answerJson(await c.engine.answer(q.q)) : (c.baseline as (q: string) => EvalAnswer)(q.q));
      results.push({ set: path.basename(file), config: c.name, report: scoreAnswers(questions, answers, byFile) });
      if (c.name === NEVER_ABSTAINS) {
        unthresholded.push({ questions, answers });
        withoutThreshold = answers;
      }
      if (c === configs[0]) defaults = answers;
    }
    details.push(...questionDetails(path.basename(file), questions, defaults, withoutThreshold));
  }
  // The threshold was calibrated with the tiny model; with another model, this says where to put it.
  const sweep = thresholdSweep(unthresholded, [0.3, 0.34, 0.38, 0.42, 0.44, 0.46, 0.48, 0.5, 0.52, 0.56, 0.6], byFile);
  for (const c of configs) c.engine?.close();
  if (values.details) writeFileSync(values.details, details.map((d) => `${JSON.stringify(d)}\n`).join(''));
  // Threshold-free: can the confidence tell right answers from unanswerable questions at all?
  const separations = { all: separation(details), bySet: Object.fromEntries(sets.map((f) => [path.basename(f), separation(details.filter((d) => d.set === path.basename(f)))])) };
  // All sets together: one number that 30-question sets, each ±15 points, cannot give.
  const pooled = sets.length > 1 ? configs.map((c) => ({ set: 'all sets', config: c.name, report: poolReports(results.filter((r) => r.config === c.name).map((r) => r.report)) })) : [];

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ model: modelNote, corpus: corpusDir, date: new Date().toISOString(), results, pooled, thresholds: sweep.map((t) => ({ threshold: t.threshold, answerable: t.report.answerable, unanswerable: t.report.unanswerable })),
      separation: separations })}\n`);
  } else {
    process.stdout.write(`Model: ${modelNote}\nCorpus: ${corpusDir} (${articles.length} articles)\n`);
    for (const file of sets) printTable(path.basename(file), results.filter((r) => r.set === path.basename(file)), questionsOf.get(file) ?? []);
    if (pooled.length) {
      printTable(`all ${sets.length} sets together`, pooled, [...questionsOf.values()].flat(), false);
      const main = pooled[0]?.report;
      if (main) {
        const rate = (k: number, n: number) => {
          const [lo, hi] = wilsonInterval(k, n);
          return `${pct(k, n).trim()} (95 % interval ${Math.round(lo * 100)}-${Math.round(hi * 100)} %)`;
        };
        process.stdout.write(`"${pooled[0]?.config}" over all sets: quote@1 ${rate(main.answerable.quoteAt1, main.answerable.questions)}, ` +
          `false abstentions ${rate(main.answerable.falseAbstentions, main.answerable.questions)}, abstention ${rate(main.unanswerable.abstained, main.unanswerable.questions)}\n`);
      }
    }
    const row = ({ threshold, report: r }: (typeof sweep)[number]) =>
      `${threshold.toFixed(2)}${threshold === DEFAULT_ANSWER.minScore ? '*' : ' '} ${pct(r.answerable.quoteAt1, r.answerable.questions)} ${pct(r.answerable.falseAbstentions, r.answerable.questions)} ${pct(r.unanswerable.abstained, r.unanswerable.questions)}`;
    process.stdout.write(`\nabstention threshold (* = the default; all ${sets.length} sets): quote@1 de | false abst | abstain\n${sweep.map(row).join('\n')}\n`);
    const auc = (s: ReturnType<typeof separation>) => (s ? `${s.auc.toFixed(2)} (${s.right} right, ${s.unanswerable} unanswerable)` : '–');
    process.stdout.write(`\nseparation (chance that a right answer scores above an unanswerable question; 0.5 = no threshold helps, 1 = one separates them): all sets ${auc(separations.all)}\n`);
    for (const [set, s] of Object.entries(separations.bySet)) process.stdout.write(`  ${set.padEnd(28)} ${auc(s)}\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function pct(n: number, d: number): string {
  return d === 0 ? '   –  ' : `${((100 * n) / d).toFixed(0).padStart(4)} %`;
}

interface Row { set: string; config: string; report: EvalReport }

function printTable(set: string, rows: Row[], questions: EvalQuestion[], misses = true): void {
  const kinds = [...new Set(questions.map((q) => q.kind))].filter((k) => k !== 'unanswerable');
  const count = (k: string) => questions.filter((q) => q.kind === k).length;
  process.stdout.write(`\n${set}: ${questions.length} questions (${[...kinds, 'unanswerable'].map((k) => `${count(k)} ${k}`).join(', ')})\n`);
  const head = ['configuration'.padEnd(28), 'q@1 de', 'q@3 de', ...kinds.map((k) => `q@1 ${k.slice(0, 5)}`), 'abstain', 'false abst', 'verbatim viol.'];
  process.stdout.write(`${head.join(' | ')}\n`);
  for (const r of rows) {
    const a = r.report.answerable;
    const u = r.report.unanswerable;
    const cells = [
      r.config.padEnd(28), pct(a.quoteAt1, a.questions), pct(a.quoteAt3, a.questions),
      ...kinds.map((k) => pct(r.report.byKind[k]?.quoteAt1 ?? 0, r.report.byKind[k]?.questions ?? 0).padStart(9)),
      pct(u.abstained, u.questions).padStart(7), pct(a.falseAbstentions, a.questions).padStart(10), String(r.report.verbatimViolations).padStart(14),
    ];
    process.stdout.write(`${cells.join(' | ')}\n`);
  }
  const main = rows[0];
  const a = main?.report.answerable;
  if (a?.falseAbstentions) process.stdout.write(`false abstentions of "${main?.config}" naming an article that holds the answer first: ${a.falseAbstentionsNamingIt} of ${a.falseAbstentions}\n`);
  if (misses && main && main.report.failures.length) {
    process.stdout.write(`misses of "${main.config}":\n`);
    for (const f of main.report.failures) process.stdout.write(`  ${f.id} ${f.q} → ${f.got}\n`);
  }
}
