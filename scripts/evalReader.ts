/**
 * The reader set of `npm run eval`: questions in readers' own words and forwarded claims over a
 * real news archive (../shared/eval/reader-dev/README.md). Each configuration answers them twice:
 * with only the articles the set cites (and the seeds) indexed, and with the whole archive, the
 * set's real setting. Scripts only: it builds indexes in a temp folder.
 */
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type Verdict, checkClaims } from '../src/answer/claims.js';
import type { Engine } from '../src/answer/engine.js';
import { type EvalAnswer, loadQuestions } from '../src/answer/evaluate.js';
import {
  type ClaimCase,
  type ClaimReport,
  type ReaderReport,
  loadClaims,
  overallVerdict,
  readerSweep,
  rightWrongSeparation,
  scoreClaims,
  scoreReader,
} from '../src/answer/evaluateReader.js';
import type { Synonyms } from '../src/answer/synonyms.js';
import { answerJson } from '../src/bot/format.js';
import { type ModelChoice, CONFIGS, buildEnvironment } from './evalRun.js';

/** The reader set's files: questions, claims, and the folders whose articles make its archive. */
export interface ReaderSet {
  readonly dir: string;
  readonly questions: string;
  readonly claims: string | null;
  /** Folders indexed together, flat: the set's own corpus/, else ../../corpus-news + ../../corpus-seeds. */
  readonly corpora: readonly string[];
}

/** The shared reader dev set beside the repository, when present. */
export function defaultReaderDir(root: string): string | null {
  const dir = path.join(root, '../shared/eval/reader-dev');
  return existsSync(path.join(dir, 'questions.jsonl')) ? dir : null;
}

export function readerSet(dir: string): ReaderSet {
  const questions = path.join(dir, 'questions.jsonl');
  if (!existsSync(questions)) throw new Error(`${dir} holds no questions.jsonl`);
  const claims = path.join(dir, 'claims.jsonl');
  const own = path.join(dir, 'corpus');
  const shared = ['../../corpus-news', '../../corpus-seeds'].map((d) => path.resolve(dir, d));
  const corpora = existsSync(own) ? [own] : shared.filter((d) => existsSync(d));
  if (corpora.length === 0)
    throw new Error(`${dir}: no corpus/ beside the questions and no ../../corpus-news`);
  return { dir, questions, claims: existsSync(claims) ? claims : null, corpora };
}

export interface ReaderRow {
  env: 'cited' | 'archive';
  articles: number;
  config: string;
  report: ReaderReport;
  separation: { auc: number; right: number; wrong: number } | null;
  sweep: Array<{ threshold: number; report: ReaderReport }>;
  claims: ClaimReport | null;
}

/** Thresholds the reader sweep reports. */
const THRESHOLDS = Array.from({ length: 15 }, (_, i) => Math.round((0.26 + 0.02 * i) * 100) / 100);

/** The configurations the reader set is answered with, and their never-abstaining twins. */
const READER_CONFIGS = [
  { key: 'lexical', never: 'lexical-never' },
  { key: 'default', never: 'never' },
] as const;

/**
 * Index the set's archive (all of it, and only the cited articles) and score every configuration
 * on it.
 */
export async function evaluateReaderSet(
  set: ReaderSet,
  tmp: string,
  model: ModelChoice,
  synonyms: Synonyms | null,
  log: (s: string) => void,
): Promise<ReaderRow[]> {
  const questions = loadQuestions(set.questions);
  const claims = set.claims ? loadClaims(set.claims) : [];
  const cited = new Set([...questions, ...claims].flatMap((q) => q.src));
  const rows: ReaderRow[] = [];
  for (const env of ['cited', 'archive'] as const) {
    const folder = path.join(tmp, `reader-${env}`);
    mkdirSync(folder, { recursive: true });
    for (const dir of set.corpora)
      for (const name of readdirSync(dir)) {
        if (name.startsWith('.') || /^readme\.md$/i.test(name)) continue;
        const stem = name.replace(/\.[^.]+$/, '');
        // The seeds come with every environment: the set asks about them too.
        const seed = dir.endsWith('corpus-seeds');
        if (env === 'cited' && !seed && !cited.has(stem)) continue;
        cpSync(path.join(dir, name), path.join(folder, name), { recursive: true });
      }
    log(`reader set: indexing ${env === 'cited' ? 'the cited articles' : 'the whole archive'} …`);
    const built = await buildEnvironment(tmp, `reader-env-${env}`, folder, null, model, log);
    for (const { key, never } of READER_CONFIGS) {
      const config = CONFIGS.find((c) => c.key === key);
      const twin = CONFIGS.find((c) => c.key === never);
      if (!config || !twin) continue;
      const engine = config.make(built, synonyms).engine;
      const unthresholded = twin.make(built, synonyms).engine;
      if (!engine || !unthresholded) continue;
      const answers = await answerAll(
        engine,
        questions.map((q) => q.q),
      );
      const loose = await answerAll(
        unthresholded,
        questions.map((q) => q.q),
      );
      rows.push({
        env,
        articles: built.articles.length,
        config: config.name,
        report: scoreReader(questions, answers),
        separation: rightWrongSeparation(questions, loose),
        sweep: readerSweep(questions, loose, THRESHOLDS),
        claims: claims.length ? await scoreClaimSet(engine, claims) : null,
      });
      engine.close();
      unthresholded.close();
    }
  }
  return rows;
}

async function answerAll(engine: Engine, questions: readonly string[]): Promise<EvalAnswer[]> {
  const out: EvalAnswer[] = [];
  for (const q of questions) out.push(answerJson(await engine.answer(q)));
  return out;
}

async function scoreClaimSet(engine: Engine, cases: readonly ClaimCase[]): Promise<ClaimReport> {
  const verdicts: Verdict[] = [];
  for (const c of cases) {
    const check = await checkClaims(engine, c.text, {
      maxClaims: 5,
      maxStatementChars: 1000,
      now: new Date(),
    });
    verdicts.push(overallVerdict(check));
  }
  return scoreClaims(cases, verdicts);
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((100 * n) / d)} %`);

/** The reader tables: one row per configuration, cells "cited articles | whole archive". */
export function readerText(set: ReaderSet, rows: readonly ReaderRow[]): string {
  const out: string[] = [];
  const first = rows[0]?.report;
  if (!first) return '';
  const cited = rows.find((r) => r.env === 'cited')?.articles ?? 0;
  const all = rows.find((r) => r.env === 'archive')?.articles ?? 0;
  out.push(
    `\nreader set ${set.dir}: ${first.questions} questions (${first.german.questions} German answerable, ${first.unanswerable.questions} unanswerable, ${first.english.questions} English); cells: ${cited} cited articles | whole archive (${all})`,
  );
  const configs = [...new Set(rows.map((r) => r.config))];
  const cell = (config: string, f: (r: ReaderRow) => string) =>
    (['cited', 'archive'] as const)
      .map((env) => {
        const r = rows.find((x) => x.config === config && x.env === env);
        return (r ? f(r) : '–').padStart(6);
      })
      .join(' |');
  const columns: Array<[string, (r: ReaderRow) => string]> = [
    ['WRONG', (r) => pct(r.report.wrong, r.report.questions)],
    ['q@1 German', (r) => pct(r.report.german.quoteAt1, r.report.german.questions)],
    ['q@1 English', (r) => pct(r.report.english.quoteAt1, r.report.english.questions)],
    [
      'unanswerable turned away',
      (r) => pct(r.report.unanswerable.turnedAway, r.report.unanswerable.questions),
    ],
    ['false abst (de)', (r) => pct(r.report.german.falseAbstentions, r.report.german.questions)],
    ['precision', (r) => pct(r.report.right, r.report.answered)],
    ['AUC right/wrong', (r) => (r.separation ? r.separation.auc.toFixed(2) : '–')],
  ];
  for (const config of configs) {
    out.push(`  ${config}`);
    for (const [name, f] of columns) out.push(`    ${name.padEnd(26)} ${cell(config, f)}`);
    const claimRows = (['cited', 'archive'] as const).map(
      (env) => rows.find((x) => x.config === config && x.env === env)?.claims,
    );
    if (claimRows.some(Boolean)) {
      out.push(
        `    ${'claims right'.padEnd(26)} ${claimRows.map((c) => (c ? `${c.right}/${c.claims}` : '–').padStart(6)).join(' |')}`,
      );
      out.push(
        `    ${'false differs / matches'.padEnd(26)} ${claimRows.map((c) => (c ? `${c.falseDiffers}/${c.falseMatches}` : '–').padStart(6)).join(' |')}`,
      );
    }
  }
  for (const r of rows.filter((x) => x.env === 'archive')) {
    out.push(
      `\nthreshold sweep, ${r.config}, whole archive: WRONG | q@1 German | turned away | precision`,
    );
    for (const { threshold, report: s } of r.sweep)
      out.push(
        `  ${threshold.toFixed(2)}  ${pct(s.wrong, s.questions).padStart(5)} | ${pct(s.german.quoteAt1, s.german.questions).padStart(5)} | ${pct(s.unanswerable.turnedAway, s.unanswerable.questions).padStart(5)} | ${pct(s.right, s.answered).padStart(5)}`,
      );
  }
  for (const r of rows.filter((x) => x.env === 'archive')) {
    out.push(`\nmisses of "${r.config}" with the whole archive (${r.report.failures.length}):`);
    for (const f of r.report.failures)
      out.push(`  ${f.id} [${f.kind}] ${f.q} → ${f.confidence.toFixed(2)} ${f.got}`);
    for (const f of r.claims?.failures ?? [])
      out.push(`  ${f.id} [claim ${f.gold} → ${f.got}] ${f.text}`);
  }
  return `${out.join('\n')}\n`;
}
