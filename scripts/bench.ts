/**
 * npm run bench -- [--json] [--sizes real,archive,1000,20000] [--repeat 3]
 * Speed, memory and scale of belegbot on this machine, with the tiny offline model (or
 * --model DIR or hub id). Indexing and serving of each size run in child processes so their peak
 * RSS is
 * their own. Not part of npm test.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveModelId } from '../src/config.js';
import { createTransformersEmbedder, type Embedder } from '../src/index/embed.js';
import { errorMessage } from '../src/errors.js';
import { createEngine } from '../src/answer/engine.js';
import { loadQuestions, median, questionSetFiles } from '../src/answer/evaluate.js';
import { answerHtml } from '../src/bot/format.js';
import { DEFAULT_HNSW, createExactIndex, loadHnswIndex } from '../src/index/hnsw.js';
import { buildIndex } from '../src/index/indexer.js';
import { readCorpus } from '../src/ingest/ingest.js';
import { createRetriever } from '../src/answer/retrieve.js';
import { HNSW_FILE, currentIndexFolder, openIndex } from '../src/index/store.js';
import { writeTinyModel } from '../src/index/tinyModel.js';
import { isWholeNumber, parseCli, scriptNodeArgs, usageExit, wholeNumber } from './cli.js';
import { writeSyntheticCorpus } from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/**
 * The real news archive beside the repository (test data, CC BY-NC-SA: never copied into corpus/).
 */
const ARCHIVE = path.join(ROOT, '../shared/corpus-news');

const USAGE =
  'Usage: npm run bench -- [--json] [--sizes real,archive,1000,20000] [--repeat 3] [--model DIR|HUB-ID]';
const { values } = parseCli(USAGE, {
  options: {
    json: { type: 'boolean', default: false },
    sizes: { type: 'string', default: `real,${existsSync(ARCHIVE) ? 'archive,' : ''}1000,20000` },
    repeat: { type: 'string', default: '3' },
    model: { type: 'string' },
    child: { type: 'string' },
    corpus: { type: 'string' },
    data: { type: 'string' },
  },
});
const SIZES = (values.sizes ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
if (
  SIZES.length === 0 ||
  SIZES.some((s) => s !== 'real' && s !== 'archive' && !isWholeNumber(s, 1))
)
  usageExit(
    USAGE,
    `--sizes takes "real", "archive" and article counts, comma-separated; got "${values.sizes}"`,
  );
if (SIZES.includes('archive') && !existsSync(ARCHIVE))
  usageExit(USAGE, `--sizes archive needs the real news archive at ${ARCHIVE}`);
const REPEAT = wholeNumber(USAGE, 'repeat', values.repeat ?? '', 1);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0) : 0;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const ms = (t0: number) => performance.now() - t0;

/**
 * Track this process's peak RSS by sampling (the kernel's peak is process-wide, which is what we
 * want).
 */
function rssSampler(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

function questions(): string[] {
  const { dev, own } = questionSetFiles(ROOT);
  const files = [dev, own];
  return files.flatMap((f) => {
    try {
      return loadQuestions(f).map((q) => q.q);
    } catch {
      return [];
    }
  });
}

/**
 * An embedder that remembers every vector: the second pass over a question set measures everything
 * but model inference.
 */
function memoEmbedder(inner: Embedder): Embedder & { hits: number; misses: number } {
  const cache = new Map<string, number[]>();
  const self = {
    modelId: inner.modelId,
    dimensions: inner.dimensions,
    multilingual: inner.multilingual,
    hits: 0,
    misses: 0,
    async embedPassages(texts: readonly string[]) {
      const missing = texts.filter((t) => !cache.has(`p:${t}`));
      self.hits += texts.length - missing.length;
      self.misses += missing.length;
      if (missing.length)
        (await inner.embedPassages(missing)).forEach((v, i) => cache.set(`p:${missing[i]}`, v));
      return texts.map((t) => cache.get(`p:${t}`) ?? []);
    },
    async embedQuery(text: string) {
      const hit = cache.get(`q:${text}`);
      if (hit) {
        self.hits++;
        return hit;
      }
      self.misses++;
      const v = await inner.embedQuery(text);
      cache.set(`q:${text}`, v);
      return v;
    },
  };
  return self;
}

// ---- child: index one corpus, report stage rates and peak RSS ----
async function childIndex(corpus: string, data: string, model: string): Promise<void> {
  const peak = rssSampler();
  const embedder = await createTransformersEmbedder({ modelId: model });
  const s = await buildIndex({ corpusDir: corpus, dataDir: data, embedder });
  const rate = (seconds: number) => (seconds > 0 ? round(s.chunks / seconds, 0) : null);
  process.stdout.write(
    `${JSON.stringify({
      articles: s.articles,
      chunks: s.chunks,
      seconds: round(s.seconds),
      timings: s.timings,
      sentencesEmbedded: s.sentencesEmbedded,
      chunksPerSecond: {
        ingestChunk: rate(s.timings.ingest),
        embed: rate(s.timings.embed),
        sqlite: rate(s.timings.store),
        hnsw: rate(s.timings.hnsw),
        total: rate(s.seconds),
      },
      peakRssMb: round(peak() / 2 ** 20, 0),
    })}\n`,
  );
}

// ---- child: serve queries from an existing index ----
async function childServe(data: string, model: string): Promise<void> {
  const peak = rssSampler();
  const qs = questions();
  const real = await createTransformersEmbedder({ modelId: model });
  const embedder = memoEmbedder(real);
  const engine = createEngine({ dataDir: data, mode: 'hybrid', embedder });
  const index = engine.current();
  const retriever = createRetriever({ index, embedder, mode: 'hybrid' });
  const topics = engine.topics();

  // Pass 1 warms caches and measures with model inference included.
  const fullWithModel: number[] = [];
  for (const q of qs) {
    const t = performance.now();
    answerHtml(await engine.answer(q), topics);
    fullWithModel.push(ms(t));
  }
  // Later passes: every vector is cached, so these exclude model inference.
  const retrievalOnly: number[] = [];
  const fullNoModel: number[] = [];
  for (let round_ = 0; round_ < 10; round_++) {
    for (const q of qs) {
      let t = performance.now();
      await retriever.retrieve(q, 6);
      retrievalOnly.push(ms(t));
      t = performance.now();
      answerHtml(await engine.answer(q), topics);
      fullNoModel.push(ms(t));
    }
  }
  const throughput: Record<string, number> = {};
  for (const concurrency of [1, 4, 16]) {
    const t = performance.now();
    let done = 0;
    const total = qs.length * 4;
    const worker = async () => {
      while (done < total) {
        const q = qs[done++ % qs.length] ?? '';
        await engine.answer(q);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    throughput[`c${concurrency}`] = round(total / (ms(t) / 1000), 0);
  }

  // Serving memory is read here: the recall experiment below loads every vector and an exact
  // index besides, which a serving bot never does.
  const servingPeakRss = peak();

  // HNSW vs exact search on the same vectors: recall@10 and speed, at several ef.
  const vectors = [...index.store.chunkVectors()];
  const exact = createExactIndex(index.manifest.dimensions, vectors.length);
  for (const v of vectors) exact.add(Array.from(v.vector), v.id);
  const hnsw = loadHnswIndex(path.join(index.folder, HNSW_FILE), index.manifest.dimensions);
  const queryVectors = [...(await Promise.all(qs.map((q) => real.embedQuery(q))))];
  // Plus sentences from the stored articles as queries: closer to the corpus than questions.
  const articles = index.store.articles();
  const sample = Array.from({ length: 150 }, (_, i) => articles[(i * 7919) % articles.length]).map(
    (a, i) => a?.text.split(/(?<=[.!?])\s+/)[i % 5] ?? '',
  );
  queryVectors.push(...(await real.embedPassages(sample.filter(Boolean))));
  // Synthetic corpora repeat paragraphs, so many vectors tie; recall is tie-aware: an HNSW hit
  // counts when it is as close as the exact search's 10th neighbour.
  const truth: number[] = [];
  let t = performance.now();
  for (const q of queryVectors) truth.push(exact.search(q, 10).at(-1)?.similarity ?? 1);
  const exactMs = ms(t) / queryVectors.length;
  const hnswRows: Array<{
    ef: number;
    recallAt10: number;
    recallAt10Tolerant: number;
    msPerQuery: number;
    speedup: number;
  }> = [];
  for (const ef of [20, 50, 100, DEFAULT_HNSW.ef, 256]) {
    hnsw.setEf(ef);
    let hits = 0;
    let near = 0;
    const times: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      t = performance.now();
      queryVectors.forEach((q, i) => {
        const got = hnsw.search(q, 10);
        if (rep === 0) {
          hits += got.filter((h) => h.similarity >= (truth[i] ?? 1) - 1e-6).length;
          near += got.filter((h) => h.similarity >= (truth[i] ?? 1) - 1e-3).length;
        }
      });
      times.push(ms(t) / queryVectors.length);
    }
    const per = median(times);
    hnswRows.push({
      ef,
      recallAt10: round(hits / (10 * queryVectors.length), 4),
      recallAt10Tolerant: round(near / (10 * queryVectors.length), 4),
      msPerQuery: round(per, 4),
      speedup: round(exactMs / per, 1),
    });
  }
  const folderSize = readdirSync(index.folder).reduce(
    (n, f) => n + statSync(path.join(index.folder, f)).size,
    0,
  );
  process.stdout.write(
    `${JSON.stringify({
      questions: qs.length,
      retrievalOnlyMs: {
        p50: round(percentile(retrievalOnly, 50), 3),
        p95: round(percentile(retrievalOnly, 95), 3),
        p99: round(percentile(retrievalOnly, 99), 3),
      },
      fullAnswerNoModelMs: {
        p50: round(percentile(fullNoModel, 50), 3),
        p95: round(percentile(fullNoModel, 95), 3),
        p99: round(percentile(fullNoModel, 99), 3),
      },
      fullAnswerWithModelMs: {
        p50: round(percentile(fullWithModel, 50), 3),
        p95: round(percentile(fullWithModel, 95), 3),
        p99: round(percentile(fullWithModel, 99), 3),
      },
      answersPerSecond: throughput,
      hnsw: { vectors: vectors.length, exactMsPerQuery: round(exactMs, 4), rows: hnswRows },
      indexMb: round(folderSize / 2 ** 20, 1),
      servingPeakRssMb: round(servingPeakRss / 2 ** 20, 0),
    })}\n`,
  );
  engine.close();
}

function runChild(args: string[]): Promise<{ json: Record<string, unknown>; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [...scriptNodeArgs(ROOT, 'bench'), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench child ${args.join(' ')} exited ${code}`));
      const line = out.trim().split('\n').pop() ?? '{}';
      resolve({ json: JSON.parse(line) as Record<string, unknown>, wallMs: ms(t) });
    });
  });
}

/**
 * Process start to first answer with an existing index (the ask CLI, model and index loaded cold).
 */
function coldStartMs(data: string, model: string): number {
  const t = performance.now();
  execFileSync(
    process.execPath,
    [
      ...scriptNodeArgs(ROOT, 'ask'),
      '--data',
      data,
      '--json',
      'Wie viele Panzer hat Russland verloren?',
    ],
    {
      env: { ...process.env, EMBEDDING_MODEL: model, RETRIEVAL_MODE: 'hybrid' },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return ms(t);
}

/**
 * End to end through the fake Bot API server: latency from update to sendMessage, and answers/s.
 */
async function botBench(corpus: string, model: string): Promise<Record<string, number>> {
  const { FakeTelegram } = await import('../test/fakeTelegram.js');
  const { startApp } = await import('../src/app.js');
  const { createConfig } = await import('../src/config.js');
  const { createLogger } = await import('../src/logger.js');
  const tg = new FakeTelegram();
  await tg.start();
  const data = mkdtempSync(path.join(os.tmpdir(), 'belegbot-bench-bot-'));
  const app = await startApp({
    config: createConfig({
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.url,
      EMBEDDING_MODEL: model,
      CORPUS_DIR: corpus,
      DATA_DIR: data,
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_CHAT: '100000',
    }),
    logger: createLogger('silent'),
  });
  const qs = questions();
  try {
    // Sequential: one question at a time, each from its own chat (no per-chat throttling).
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const before = tg.sent.length;
      const t = performance.now();
      tg.message({ chatId: 10_000 + i, userId: 10_000 + i, text: qs[i % qs.length] ?? '' });
      await tg.waitForSent(before + 1);
      latencies.push(ms(t));
    }
    // Burst: 100 questions from 100 chats at once.
    const before = tg.sent.length;
    const t = performance.now();
    for (let i = 0; i < 100; i++)
      tg.message({ chatId: 20_000 + i, userId: 20_000 + i, text: qs[i % qs.length] ?? '' });
    await tg.waitForSent(before + 100, 120_000);
    return {
      p50Ms: round(percentile(latencies, 50), 1),
      p95Ms: round(percentile(latencies, 95), 1),
      burstAnswersPerSecond: round(100 / (ms(t) / 1000), 1),
      ...(await inboxCost(data)),
    };
  } finally {
    await app.stop();
    await tg.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

/**
 * What the durable inbox adds to each update, on this disk: storing it, taking it, recording its
 * reply before and after the send, settling it (five synchronous commits), median and p95 of 300.
 */
async function inboxCost(dir: string): Promise<Record<string, number>> {
  const { openInbox } = await import('../src/bot/inbox.js');
  const inbox = openInbox(path.join(dir, 'bench-inbox.sqlite'));
  const times: number[] = [];
  try {
    for (let i = 1; i <= 300; i++) {
      const t = performance.now();
      inbox.put([
        {
          update_id: i,
          message: {
            message_id: i,
            date: 0,
            chat: { id: i, type: 'private', first_name: 'A' },
            text: 'Wie viele Panzer hat Russland verloren?',
          },
        } as never,
      ]);
      const [u] = inbox.take(1);
      inbox.sending(i, 0, 'sendMessage');
      inbox.sent(i, 0, '{"message_id":1}');
      inbox.settle(u?.updateId ?? i);
      times.push(ms(t));
    }
  } finally {
    inbox.close();
  }
  return {
    inboxMsPerUpdateP50: round(percentile(times, 50), 2),
    inboxMsPerUpdateP95: round(percentile(times, 95), 2),
  };
}

async function main(): Promise<void> {
  if (values.child === 'index')
    return childIndex(values.corpus ?? '', values.data ?? '', values.model ?? '');
  if (values.child === 'serve') return childServe(values.data ?? '', values.model ?? '');

  const started = performance.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'belegbot-bench-'));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  try {
    const { articles } = await readCorpus(path.join(ROOT, 'corpus'));
    let model = values.model ? resolveModelId(values.model, process.cwd()) : '';
    if (!model) {
      model = path.join(tmp, 'tiny-model');
      await writeTinyModel(model, { texts: articles.map((a) => `${a.meta.title}\n${a.text}`) });
    } else {
      await createTransformersEmbedder({ modelId: model }); // fails here, with the reason, rather than in a child
    }
    const results: SizeReport[] = [];
    for (const size of SIZES) {
      const corpus = path.join(tmp, `corpus-${size}`);
      if (size === 'real') cpSync(path.join(ROOT, 'corpus'), corpus, { recursive: true });
      else if (size === 'archive') {
        // The real corpus with 514 real news articles beside it: real text, not recombined
        // paragraphs.
        cpSync(path.join(ROOT, 'corpus'), path.join(corpus, 'own'), { recursive: true });
        cpSync(ARCHIVE, path.join(corpus, 'archive'), {
          recursive: true,
          filter: (src) => !/^readme\.md$/i.test(path.basename(src)),
        });
      } else {
        mkdirSync(corpus);
        writeSyntheticCorpus(corpus, articles, Number(size), 42);
      }
      // Big corpora are indexed once (minutes); small ones `--repeat` times, reporting the median
      // run.
      const runs = Number(size) >= 10_000 ? 1 : REPEAT;
      const indexRuns: IndexRun[] = [];
      let data = '';
      for (let r = 0; r < runs; r++) {
        data = path.join(tmp, `data-${size}-${r}`);
        log(`indexing ${size} (run ${r + 1}/${runs}) …`);
        indexRuns.push(
          (
            await runChild([
              '--child',
              'index',
              '--corpus',
              corpus,
              '--data',
              data,
              '--model',
              model,
            ])
          ).json as unknown as IndexRun,
        );
        if (r < runs - 1) rmSync(data, { recursive: true, force: true });
      }
      const byTotal = [...indexRuns].sort((a, b) => a.seconds - b.seconds);
      const indexing = byTotal[Math.floor(byTotal.length / 2)];
      if (!indexing) throw new Error(`indexing ${size} reported nothing`);
      log(`serving ${size} …`);
      const serving = (await runChild(['--child', 'serve', '--data', data, '--model', model]))
        .json as unknown as ServeReport;
      const cold = median(Array.from({ length: REPEAT }, () => coldStartMs(data, model)));
      results.push({
        size,
        synthetic: size !== 'real' && size !== 'archive',
        indexing,
        indexRuns: runs,
        serving,
        coldStartMs: round(cold, 0),
      });
      rmSync(corpus, { recursive: true, force: true });
      if (currentIndexFolder(data)) openIndex(data, { modelId: model }).close(); // still loadable
    }
    log('bot end to end …');
    const bot = await botBench(path.join(ROOT, 'corpus'), model);
    const report = {
      date: new Date().toISOString(),
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? '',
        memoryGb: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        platform: `${os.platform()} ${os.arch()}`,
      },
      model: values.model ? model : 'tiny offline model (384 dimensions, made from the corpus)',
      sizes: results,
      bot,
      benchSeconds: round(ms(started) / 1000, 0),
    };
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printReport(report);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** What an index child reports (the `--child index` JSON). */
interface IndexRun {
  articles: number;
  chunks: number;
  seconds: number;
  timings: Record<string, number>;
  sentencesEmbedded: number;
  chunksPerSecond: Record<string, number>;
  peakRssMb: number;
}

type Percentiles = Record<'p50' | 'p95' | 'p99', number>;

/** What a serve child reports (the `--child serve` JSON). */
interface ServeReport {
  indexMb: number;
  retrievalOnlyMs: Percentiles;
  fullAnswerNoModelMs: Percentiles;
  fullAnswerWithModelMs: Percentiles;
  answersPerSecond: Record<'c1' | 'c4' | 'c16', number>;
  servingPeakRssMb: number;
  hnsw: {
    vectors: number;
    exactMsPerQuery: number;
    rows: Array<{
      ef: number;
      recallAt10: number;
      recallAt10Tolerant: number;
      msPerQuery: number;
      speedup: number;
    }>;
  };
}

interface SizeReport {
  size: string;
  synthetic: boolean;
  indexing: IndexRun;
  indexRuns: number;
  serving: ServeReport;
  coldStartMs: number;
}

function printReport(r: {
  date: string;
  machine: { cores: number; cpu: string; memoryGb: number; node: string; platform: string };
  model: string;
  sizes: SizeReport[];
  bot: Record<string, number>;
  benchSeconds: number;
}): void {
  const out: string[] = [];
  out.push(
    `belegbot bench ${r.date} — ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGb} GB, Node ${r.machine.node}; model: ${r.model}`,
  );
  out.push('');
  out.push(
    '| corpus | articles | chunks | index s | ingest+chunk ch/s | embed ch/s | SQLite ch/s | sentence vectors s (texts embedded) | HNSW ch/s | index peak RSS MB | index MB |',
  );
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of r.sizes) {
    const i = s.indexing;
    const sentences = `${round(i.timings.sentences ?? 0)} (${i.sentencesEmbedded})`;
    out.push(
      `| ${s.size}${s.synthetic ? ' (synthetic)' : ''} | ${i.articles} | ${i.chunks} | ${i.seconds} | ${i.chunksPerSecond.ingestChunk} | ${i.chunksPerSecond.embed} | ${i.chunksPerSecond.sqlite} | ${sentences} | ${i.chunksPerSecond.hnsw} | ${i.peakRssMb} | ${s.serving.indexMb} |`,
    );
  }
  out.push('');
  out.push(
    '| corpus | retrieval p50/p95/p99 ms | answer, no model p50/p95/p99 ms | answer, with model p50/p95/p99 ms | answers/s c1/c4/c16 | serving peak RSS MB | cold start ms |',
  );
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  const p = (x: Percentiles) => `${x.p50} / ${x.p95} / ${x.p99}`;
  for (const s of r.sizes) {
    const v = s.serving;
    out.push(
      `| ${s.size} | ${p(v.retrievalOnlyMs)} | ${p(v.fullAnswerNoModelMs)} | ${p(v.fullAnswerWithModelMs)} | ${v.answersPerSecond.c1} / ${v.answersPerSecond.c4} / ${v.answersPerSecond.c16} | ${v.servingPeakRssMb} | ${s.coldStartMs} |`,
    );
  }
  out.push('');
  out.push(
    '| corpus | vectors | exact ms/query | ef | recall@10 | recall@10, ties within 0.001 | HNSW ms/query | speed-up vs exact |',
  );
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of r.sizes) {
    const h = s.serving.hnsw;
    for (const row of h.rows)
      out.push(
        `| ${s.size} | ${h.vectors} | ${h.exactMsPerQuery} | ${row.ef}${row.ef === DEFAULT_HNSW.ef ? ' (default)' : ''} | ${row.recallAt10} | ${row.recallAt10Tolerant} | ${row.msPerQuery} | ${row.speedup}× |`,
      );
  }
  out.push('');
  out.push(
    `Bot end to end (fake Bot API, real corpus, through the durable inbox): p50 ${r.bot.p50Ms} ms, p95 ${r.bot.p95Ms} ms per answer; burst of 100 chats: ${r.bot.burstAnswersPerSecond} answers/s. The inbox's own cost per update (five synchronous commits): p50 ${r.bot.inboxMsPerUpdateP50} ms, p95 ${r.bot.inboxMsPerUpdateP95} ms.`,
  );
  out.push(`Bench took ${r.benchSeconds} s.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

await main().catch((error: unknown) => {
  process.stderr.write(`error: ${errorMessage(error)}\n`);
  process.exit(1);
});
