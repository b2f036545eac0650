/**
 * npm run eval -- [--questions FILE]... [--corpus DIR] [--archive DIR | --no-archive]
 * [--reader DIR | --no-reader | --reader-only] [--configs a,b] [--model DIR|HUB-ID] [--json]
 * [--details FILE]
 *
 * Scores every configuration on each question set twice: on the set's own corpus, and with an
 * archive of unrelated real articles indexed beside it (default ../shared/corpus-news), so a
 * change that helps the small corpus and hurts on an archive is seen at once. A set brings its own
 * corpus when a corpus/ folder stands beside its file (GermanQuAD-style); the others are about
 * the repository's corpus. Sets: the shared dev set, the own and held-out sets (test/eval/, the
 * seed sets) and the external GermanQuAD dev set. Then the reader set (scripts/evalReader.ts):
 * reader questions and forwarded claims over a real archive, headed by the wrong-answer rate; it
 * runs by default when no --questions are given, or with --reader DIR. docs/quality.md explains
 * the numbers.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MIN_SCORE } from '../src/answer/answer.js';
import {
  type EvalAnswer,
  type EvalQuestion,
  type EvalReport,
  type QuestionDetail,
  poolReports,
  questionDetails,
  scoreAnswers,
  separation,
  thresholdSweep,
  wilsonInterval,
} from '../src/answer/evaluate.js';
import { openSynonyms } from '../src/answer/synonyms.js';
import { resolveModelId } from '../src/config.js';
import { errorMessage } from '../src/errors.js';
import { parseCli, usageExit } from './cli.js';
import { loadEnv } from './env.js';
import { defaultReaderDir, evaluateReaderSet, readerSet, readerText } from './evalReader.js';
import {
  CONFIGS,
  type Environment,
  type QuestionSet,
  buildEnvironment,
  defaultArchive,
  defaultQuestionFiles,
  questionSet,
  readSets,
  runConfig,
} from './evalRun.js';

const USAGE =
  'Usage: npm run eval -- [--questions FILE]... [--corpus DIR] [--archive DIR | --no-archive] [--reader DIR | --no-reader | --reader-only] [--configs KEY,KEY] [--model DIR|HUB-ID] [--json] [--details FILE]';
const { values } = parseCli(USAGE, {
  options: {
    questions: { type: 'string', multiple: true },
    corpus: { type: 'string' },
    archive: { type: 'string' },
    'no-archive': { type: 'boolean', default: false },
    reader: { type: 'string' },
    'no-reader': { type: 'boolean', default: false },
    'reader-only': { type: 'boolean', default: false },
    configs: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
    details: { type: 'string' },
  },
});
const config = loadEnv();
const root = path.resolve(import.meta.dirname, '..');
const corpusDir = values.corpus ? path.resolve(values.corpus) : config.CORPUS_DIR;
const archive = values['no-archive']
  ? null
  : values.archive
    ? path.resolve(values.archive)
    : defaultArchive(root);
const files = values['reader-only']
  ? []
  : (values.questions?.map((f) => path.resolve(f)) ?? defaultQuestionFiles(root));
const readerDir = values['no-reader']
  ? null
  : values.reader
    ? path.resolve(values.reader)
    : values.questions
      ? null
      : defaultReaderDir(root);
if (values['reader-only'] && !readerDir)
  usageExit(USAGE, 'no reader set: give --reader DIR, or put it at ../shared/eval/reader-dev');
let reader: ReturnType<typeof readerSet> | null = null;
try {
  reader = readerDir ? readerSet(readerDir) : null;
} catch (error) {
  usageExit(USAGE, errorMessage(error));
}
const missing = files.filter((f) => !existsSync(f));
if (missing.length) usageExit(USAGE, `question file not found: ${missing.join(', ')}`);
const sets = files.map((f) => questionSet(f, corpusDir));
const wanted = values.configs?.split(',').map((k) => k.trim()) ?? null;
const unknown = wanted?.filter((k) => !CONFIGS.some((c) => c.key === k)) ?? [];
if (unknown.length)
  usageExit(
    USAGE,
    `unknown configuration ${unknown.join(', ')}; known: ${CONFIGS.map((c) => c.key).join(', ')}`,
  );
// The default is always first (the misses, the details and the pooled line are its), the
// never-abstaining rows always run (the sweep and the separation are read from them).
const configs = CONFIGS.filter(
  (c) => !wanted || ['default', 'never', 'lexical-never'].includes(c.key) || wanted.includes(c.key),
);
const log = (s: string) => process.stderr.write(`${s}\n`);
if (!archive && !values['no-archive'] && files.length > 0)
  log(
    `note: no archive beside the question sets (looked for ${path.join(root, '../shared/corpus-news')}): each set is scored on its own corpus only. Put a folder of real articles there, or pass --archive DIR.`,
  );
if (!readerDir && !values['no-reader'] && !values.questions)
  log(
    `note: no reader set (looked for ${path.join(root, '../shared/eval/reader-dev')}): the wrong-answer rate is not measured. Pass --reader DIR.`,
  );
const tmp = mkdtempSync(path.join(os.tmpdir(), 'belegbot-eval-'));
const modelId = values.model ? resolveModelId(values.model, process.cwd()) : config.EMBEDDING_MODEL;
const ENVS = archive ? (['own', 'archive'] as const) : (['own'] as const);
type EnvKind = (typeof ENVS)[number];

interface Row {
  set: QuestionSet;
  env: EnvKind;
  config: string;
  report: EvalReport;
}
// The default's answers per set and environment, until the never-abstaining ones are there for the
// details.
const pending = new Map<string, EvalAnswer[]>();

try {
  const questionsOf = readSets(sets);
  const synonyms = openSynonyms(config.SYNONYMS_FILE);
  const results: Row[] = [];
  const details: Array<QuestionDetail & { env: EnvKind }> = [];
  // Never-abstaining answers, for the sweep: keyed by env, family and configuration.
  const unthresholded = new Map<
    string,
    Array<{ questions: EvalQuestion[]; answers: EvalAnswer[] }>
  >();
  const envInfo: Array<{ corpus: string; env: EnvKind; articles: number; model: string }> = [];
  const byFileOf = new Map<string, ReadonlyMap<string, { text: string }>>();
  const corpora = [...new Set(sets.map((s) => s.corpus))];
  for (const [ci, corpus] of corpora.entries()) {
    for (const env of ENVS) {
      const built = await buildEnvironment(
        tmp,
        `${ci}-${env}`,
        corpus,
        env === 'archive' ? archive : null,
        { modelId, cacheDir: config.MODEL_CACHE_DIR },
        log,
      );
      envInfo.push({ corpus, env, articles: built.articles.length, model: built.modelNote });
      byFileOf.set(`${corpus}|${env}`, built.byFile);
      await scoreEnvironment(
        built,
        env,
        sets.filter((s) => s.corpus === corpus),
      );
    }
  }

  async function scoreEnvironment(
    built: Environment,
    env: EnvKind,
    here: QuestionSet[],
  ): Promise<void> {
    for (const c of configs) {
      const made = c.make(built, synonyms);
      for (const set of here) {
        const questions = questionsOf.get(set) ?? [];
        const answers = await runConfig(made, questions);
        results.push({
          set,
          env,
          config: c.name,
          report: scoreAnswers(questions, answers, built.byFile),
        });
        if (c.key === 'never' || c.key === 'lexical-never') {
          const key = `${env}|${set.family}|${c.key}`;
          unthresholded.set(key, [...(unthresholded.get(key) ?? []), { questions, answers }]);
        }
        if (c.key === 'default') pending.set(`${set.file}|${env}`, answers);
        if (c.key === 'never')
          details.push(
            ...questionDetails(
              set.name,
              questions,
              pending.get(`${set.file}|${env}`) ?? [],
              answers,
            ).map((d) => ({ ...d, env })),
          );
      }
      made.engine?.close();
    }
  }

  const families = [...new Set(sets.map((s) => s.family))];
  const byFile = (family: string, env: EnvKind) => {
    const merged = new Map<string, { text: string }>();
    for (const s of sets.filter((x) => x.family === family))
      for (const [k, v] of byFileOf.get(`${s.corpus}|${env}`) ?? []) merged.set(k, v);
    return merged;
  };
  const THRESHOLDS = Array.from(
    { length: 18 },
    (_, i) => Math.round((0.26 + 0.02 * i) * 100) / 100,
  );
  const sweeps = families.flatMap((family) =>
    ENVS.flatMap((env) =>
      (['never', 'lexical-never'] as const).map((key) => ({
        family,
        env,
        config: key === 'never' ? 'hybrid' : 'lexical',
        rows: thresholdSweep(
          unthresholded.get(`${env}|${family}|${key}`) ?? [],
          THRESHOLDS,
          byFile(family, env),
        ),
      })),
    ),
  );
  const pooled = families.flatMap((family) =>
    ENVS.flatMap((env) =>
      configs.map((c) => ({
        family,
        env,
        config: c.name,
        sets: sets.filter((s) => s.family === family).length,
        report: poolReports(
          results
            .filter((r) => r.set.family === family && r.env === env && r.config === c.name)
            .map((r) => r.report),
        ),
      })),
    ),
  );
  const separations = families.flatMap((family) =>
    ENVS.map((env) => ({
      family,
      env,
      ...separation(
        details.filter(
          (d) => d.env === env && sets.find((s) => s.name === d.set)?.family === family,
        ),
      ),
    })),
  );
  if (values.details)
    writeFileSync(values.details, details.map((d) => `${JSON.stringify(d)}\n`).join(''));
  const readerRows = reader
    ? await evaluateReaderSet(
        reader,
        tmp,
        { modelId, cacheDir: config.MODEL_CACHE_DIR },
        synonyms,
        log,
      )
    : [];

  if (values.json) {
    const report = (r: Row) => ({
      set: r.set.name,
      family: r.set.family,
      env: r.env,
      config: r.config,
      report: r.report,
    });
    process.stdout.write(
      `${JSON.stringify({
        model: modelId,
        environments: envInfo,
        archive,
        date: new Date().toISOString(),
        results: results.map(report),
        pooled,
        thresholds: sweeps.map((s) => ({
          ...s,
          rows: s.rows.map((t) => ({
            threshold: t.threshold,
            answerable: t.report.answerable,
            unanswerable: t.report.unanswerable,
          })),
        })),
        separation: separations,
        ...(reader ? { reader: { dir: reader.dir, rows: readerRows } } : {}),
      })}\n`,
    );
  } else if (sets.length > 0) {
    for (const e of envInfo)
      process.stdout.write(
        `${e.env === 'own' ? 'Corpus' : 'With archive'}: ${e.corpus}${e.env === 'archive' ? ` + ${archive}` : ''} (${e.articles} articles); model: ${e.model}\n`,
      );
    process.stdout.write(
      `Threshold: the built-in default, ${DEFAULT_MIN_SCORE.hybrid} hybrid / ${DEFAULT_MIN_SCORE.lexical} lexical (a calibration in DATA_DIR is not used here). Cells: own corpus | with archive.\n`,
    );
    for (const set of sets)
      printTable(
        `${set.name}`,
        ENVS.map((env) => results.filter((r) => r.set === set && r.env === env)),
        questionsOf.get(set) ?? [],
      );
    for (const family of families) {
      const n = sets.filter((s) => s.family === family).length;
      if (n < 2) continue;
      const rows = ENVS.map((env) =>
        pooled
          .filter((p) => p.family === family && p.env === env)
          .map((p) => ({ set: sets[0] as QuestionSet, env, config: p.config, report: p.report })),
      );
      printTable(
        `all ${n} ${family} sets together`,
        rows,
        sets.filter((s) => s.family === family).flatMap((s) => questionsOf.get(s) ?? []),
        false,
      );
    }
    for (const family of families) {
      for (const env of ENVS) {
        const main = pooled.find((p) => p.family === family && p.env === env)?.report;
        if (!main) continue;
        const rate = (k: number, n: number) => {
          const [lo, hi] = wilsonInterval(k, n);
          return `${pct(k, n).trim()} (95 %: ${Math.round(lo * 100)}-${Math.round(hi * 100)})`;
        };
        process.stdout.write(
          `\n${family} sets, ${env === 'own' ? 'own corpus' : 'with archive'}, "${configs[0]?.name}": quote@1 ${rate(main.answerable.quoteAt1, main.answerable.questions)}, ` +
            `false abstentions ${rate(main.answerable.falseAbstentions, main.answerable.questions)}, abstention ${rate(main.unanswerable.abstained, main.unanswerable.questions)}`,
        );
      }
    }
    process.stdout.write('\n');
    for (const s of sweeps) {
      const row = ({ threshold, report: r }: (typeof s.rows)[number]) =>
        `${threshold.toFixed(2)}${threshold === DEFAULT_MIN_SCORE[s.config === 'lexical' ? 'lexical' : 'hybrid'] ? '*' : ' '} ${pct(r.answerable.quoteAt1, r.answerable.questions)} ${pct(r.answerable.quoteAt3, r.answerable.questions)} ${pct(r.answerable.falseAbstentions, r.answerable.questions)} ${pct(r.unanswerable.abstained, r.unanswerable.questions)}`;
      process.stdout.write(
        `\nthreshold sweep, ${s.config}, ${s.family} sets, ${s.env === 'own' ? 'own corpus' : 'with archive'} (* = the default): quote@1 | quote@3 | false abst | abstain\n${s.rows.map(row).join('\n')}\n`,
      );
    }
    process.stdout.write(
      '\nseparation of the hybrid ranking (chance that a right answer scores above an unanswerable question; 0.5 = no threshold helps, 1 = one separates them):\n',
    );
    for (const s of separations)
      process.stdout.write(
        `  ${s.family} sets, ${s.env.padEnd(7)} ${s.auc !== undefined ? `${s.auc.toFixed(2)} (${s.right} right, ${s.unanswerable} unanswerable)` : '–'}\n`,
      );
  }
  if (!values.json && reader) {
    process.stdout.write(readerText(reader, readerRows));
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function pct(n: number, d: number): string {
  return d === 0 ? '   –  ' : `${((100 * n) / d).toFixed(0).padStart(4)} %`;
}

/** One table: a row per configuration, each cell own corpus | with archive. */
function printTable(
  title: string,
  perEnv: Array<Array<{ config: string; report: EvalReport }>>,
  questions: EvalQuestion[],
  misses = true,
): void {
  const kinds = [...new Set(questions.map((q) => q.kind))];
  const count = (k: string) => questions.filter((q) => q.kind === k).length;
  process.stdout.write(
    `\n${title}: ${questions.length} questions (${kinds.map((k) => `${count(k)} ${k}`).join(', ')})\n`,
  );
  const first = perEnv[0] ?? [];
  const cell = (f: (r: EvalReport) => string) => (i: number) =>
    perEnv.map((rows) => (rows[i] ? f(rows[i].report) : '–')).join(' |');
  const answerable = kinds.filter((k) => k !== 'unanswerable' && k !== 'crosslingual');
  const columns: Array<[string, (i: number) => string]> = [
    ['q@1', cell((r) => pct(r.answerable.quoteAt1, r.answerable.questions))],
    ['q@3', cell((r) => pct(r.answerable.quoteAt3, r.answerable.questions))],
    ...(answerable.length > 1
      ? answerable.map((k): [string, (i: number) => string] => [
          `q@1 ${k.slice(0, 5)}`,
          cell((r) => pct(r.byKind[k]?.quoteAt1 ?? 0, r.byKind[k]?.questions ?? 0)),
        ])
      : []),
    ...(kinds.includes('crosslingual')
      ? [
          [
            'q@1 cross',
            cell((r) =>
              pct(r.byKind.crosslingual?.quoteAt1 ?? 0, r.byKind.crosslingual?.questions ?? 0),
            ),
          ] as [string, (i: number) => string],
        ]
      : []),
    ['abstain', cell((r) => pct(r.unanswerable.abstained, r.unanswerable.questions))],
    ['false abst', cell((r) => pct(r.answerable.falseAbstentions, r.answerable.questions))],
    ['verbatim viol.', cell((r) => String(r.verbatimViolations).padStart(4))],
  ];
  const widths = columns.map(([, f]) => f(0).length);
  process.stdout.write(
    `${'configuration'.padEnd(34)} | ${columns.map(([h], i) => h.padEnd(widths[i] ?? 0)).join(' | ')}\n`,
  );
  first.forEach((r, i) =>
    process.stdout.write(`${r.config.padEnd(34)} | ${columns.map(([, f]) => f(i)).join(' | ')}\n`),
  );
  if (!misses) return;
  perEnv.forEach((rows, e) => {
    const main = rows[0];
    if (!main?.report.failures.length) return;
    process.stdout.write(
      `misses of "${main.config}" ${e === 0 ? 'on its own corpus' : 'with the archive'} (${main.report.failures.length}):\n`,
    );
    for (const f of main.report.failures) process.stdout.write(`  ${f.id} ${f.q} → ${f.got}\n`);
  });
}
