/**
 * The composition root of `npm start`: model, index, engine, bot, and how updates arrive (long
 * polling or a webhook with a health endpoint, both through the durable inbox: src/bot/serving.ts). Returns a handle whose
 * stop() finishes the questions in flight, then closes everything.
 */
import type { Server } from 'node:http';
import path from 'node:path';
import { createAdminFeature } from './bot/admin.js';
import { createBot, registerCommands, type BotSettings, type BotStats } from './bot/bot.js';
import { FEEDBACK_FILE, type FeedbackStore, openFeedbackStore } from './bot/feedbackStore.js';
import type { DispatcherSettings } from './bot/dispatcher.js';
import { INBOX_FILE, type Inbox, openInbox } from './bot/inbox.js';
import type { PollerSettings } from './bot/poller.js';
import { type ConnectSettings, connectToTelegram } from './bot/connect.js';
import { startServing } from './bot/serving.js';
import { type BuildManager, createBuildManager } from './index/buildManager.js';
import {
  BOTFATHER_HELP,
  type Config,
  EXAMPLE_TOKEN,
  EXAMPLE_TOKEN_HELP,
  type RetrievalMode,
} from './config.js';
import { embedderForMode, modelMissingWarning, throttledProgress } from './index/embed.js';
import { type Engine, configuredAnswering, createEngine } from './answer/engine.js';
import { openSynonyms } from './answer/synonyms.js';
import { ConfigError, errorMessage } from './errors.js';
import { buildIndex } from './index/indexer.js';
import type { Logger } from './logger.js';
import { currentIndexFolder } from './index/store.js';

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** Question texts past their retention, and settled updates after a day, are purged hourly. */
const PURGE_MS = 3_600_000;
/** How long a graceful stop waits for the updates in flight (the rest wait in the inbox). */
const STOP_DEADLINE_MS = 8000;

export interface App {
  readonly engine: Engine;
  /**
   * The retrieval mode served: RETRIEVAL_MODE, or lexical when the default hybrid's model could not
   * be loaded.
   */
  readonly mode: RetrievalMode;
  /** The configured model that could not be loaded (null when it loaded or none was needed). */
  readonly missingModel: string | null;
  readonly stats: BotStats;
  /** Background index builds (admins' /reindex, uploads). */
  readonly builds: BuildManager;
  /** Answers, votes and stored questions (DATA_DIR/feedback.sqlite). */
  readonly feedback: FeedbackStore;
  /** Updates stored before they are handled (DATA_DIR/inbox.sqlite). */
  readonly inbox: Inbox;
  /** The webhook/health server's address in webhook mode. */
  readonly server: Server | null;
  stop(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** Tests pass settings such as a shorter retry cap. */
  botSettings?: Partial<BotSettings>;
  /** Tests pass shorter retries and timeouts for the dispatcher and the poller. */
  serveSettings?: {
    dispatcher?: Partial<DispatcherSettings>;
    poller?: Partial<PollerSettings>;
    connect?: Partial<ConnectSettings>;
  };
}

export async function startApp({
  config,
  logger,
  botSettings,
  serveSettings,
}: AppOptions): Promise<App> {
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new ConfigError(BOTFATHER_HELP);
  if (token === EXAMPLE_TOKEN) throw new ConfigError(EXAMPLE_TOKEN_HELP);
  // Telegram first: a token it rejects or an API it cannot reach stops the start within two
  // minutes, before a model download or an index build.
  const botInfo = await connectToTelegram({
    token,
    apiRoot: config.TELEGRAM_API_ROOT,
    logger,
    ...(serveSettings?.connect ? { settings: serveSettings.connect } : {}),
  });
  const { embedder, mode, missingModel } = await embedderForMode(
    {
      mode: config.RETRIEVAL_MODE,
      modeSet: config.retrievalModeSet,
      modelId: config.EMBEDDING_MODEL,
      cacheDir: config.MODEL_CACHE_DIR,
      hubUrl: config.MODEL_HUB_URL,
      // The first start downloads ~120 MB: a line per file every 5 s, so it does not look hung.
      onProgress: throttledProgress(
        (e) =>
          logger.info(
            { file: e.file, loadedMB: mb(e.loaded), totalMB: mb(e.total) },
            `downloading the model: ${e.file} ${mb(e.loaded)}/${mb(e.total)} MB`,
          ),
        5000,
      ),
    },
    {
      loaded: (e, ms) =>
        logger.info({ model: e.modelId, dimensions: e.dimensions, ms }, 'model loaded'),
      missing: (model, reason) => logger.warn({ model }, modelMissingWarning(model, reason)),
    },
  );
  // Build the index when it is missing, refresh it when the corpus changed (a no-op otherwise).
  // Without the model new and changed articles are indexed by their words at once, and the
  // vectors the index has are kept; the next start that loads the model embeds what is missing.
  try {
    const s = await buildIndex({
      corpusDir: config.CORPUS_DIR,
      dataDir: config.DATA_DIR,
      embedder,
      keepVectors: missingModel !== null,
      maxArticleBytes: config.MAX_ARTICLE_BYTES,
      onWarning: (w) => logger.warn({ file: w.file }, w.message),
    });
    logger.info(
      {
        articles: s.articles,
        chunks: s.chunks,
        added: s.added,
        changed: s.changed,
        removed: s.removed,
        rebuilt: s.rebuilt,
        seconds: Math.round(s.seconds * 100) / 100,
        ...(s.pendingVectors ? { withoutVectors: s.pendingVectors } : {}),
      },
      'index ready',
    );
  } catch (error) {
    if (!currentIndexFolder(config.DATA_DIR)) throw error;
    logger.warn({ err: errorMessage(error) }, 'index refresh failed; serving the existing index');
  }
  const synonyms = openSynonyms(config.SYNONYMS_FILE);
  const answering = configuredAnswering(config, config.DATA_DIR, mode, embedder?.modelId ?? null);
  if (answering.problem) logger.warn(answering.problem);
  logger.info(
    {
      threshold: answering.threshold.value,
      source: answering.threshold.source,
      denseWeight: answering.options.denseWeight,
    },
    'abstention threshold',
  );
  const engine = createEngine({
    dataDir: config.DATA_DIR,
    mode,
    embedder,
    synonyms,
    ...answering.options,
  });
  await engine.answer('Aufwärmen').catch(() => undefined); // first query pays for lazy loads, not a user

  // Answers, votes and (opt-in) question texts: beside the index, never replaced by a build.
  const feedback = openFeedbackStore(path.join(config.DATA_DIR, FEEDBACK_FILE), {
    storeQuestions: config.STORE_QUESTIONS,
    retentionDays: config.QUESTION_RETENTION_DAYS,
  });
  // Updates, stored before Telegram is told they arrived; settled once handled (inbox.ts).
  const inbox = openInbox(path.join(config.DATA_DIR, INBOX_FILE));
  const purgeTimer = setInterval(() => {
    try {
      const n = feedback.purge();
      if (n) logger.info({ forgotten: n }, 'question texts past the retention forgotten');
      inbox.purge();
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, 'purge failed');
    }
  }, PURGE_MS);
  purgeTimer.unref();
  const stats: BotStats = { answered: 0, abstained: 0, startedAt: new Date() };
  const builds = createBuildManager({
    engine,
    job: {
      corpusDir: config.CORPUS_DIR,
      dataDir: config.DATA_DIR,
      modelId: embedder?.modelId ?? null,
      keepVectors: missingModel !== null,
      cacheDir: config.MODEL_CACHE_DIR,
      maxArticleBytes: config.MAX_ARTICLE_BYTES,
    },
  });
  const admin = createAdminFeature({
    engine,
    builds,
    stats,
    logger,
    feedback,
    inbox,
    settings: {
      adminIds: config.ADMIN_USER_IDS,
      corpusDir: config.CORPUS_DIR,
      maxArticleBytes: config.MAX_ARTICLE_BYTES,
      token,
      apiRoot: config.TELEGRAM_API_ROOT,
      modelId: embedder?.modelId ?? null,
      maxQuestionLength: config.MAX_QUESTION_LENGTH,
    },
  });
  const bot = createBot({
    engine,
    logger,
    stats,
    feedback,
    settings: {
      token,
      apiRoot: config.TELEGRAM_API_ROOT,
      botInfo,
      maxQuestionLength: config.MAX_QUESTION_LENGTH,
      rateLimitPerUser: config.RATE_LIMIT_PER_USER,
      rateLimitPerChat: config.RATE_LIMIT_PER_CHAT,
      logQuestions: config.LOG_QUESTIONS,
      modelId: embedder?.modelId ?? null,
      missingModel,
      mode,
      threshold: answering.threshold,
      features: [admin],
      adminIds: config.ADMIN_USER_IDS,
      errors: 'rethrow',
      ...botSettings,
      inline: { rateLimitPerUser: config.RATE_LIMIT_INLINE_PER_USER, ...botSettings?.inline },
    },
  });
  await bot.init();
  await registerCommands(bot).catch((error) =>
    logger.warn({ err: errorMessage(error) }, 'setMyCommands failed'),
  );

  const serving = await startServing({
    bot,
    inbox,
    logger,
    webhook: config.WEBHOOK_URL
      ? { url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET ?? '', port: config.PORT }
      : null,
    health: () => {
      const m = engine.current().manifest;
      return {
        articles: m.articles,
        chunks: m.chunks,
        mode,
        model: embedder?.modelId ?? null,
        ...(missingModel ? { missingModel } : {}),
      };
    },
    ...(serveSettings?.dispatcher ? { dispatcher: serveSettings.dispatcher } : {}),
    ...(serveSettings?.poller ? { poller: serveSettings.poller } : {}),
  });
  const server = serving.server;

  let stopping: Promise<void> | null = null;
  return {
    engine,
    stats,
    server,
    builds,
    mode,
    missingModel,
    feedback,
    inbox,
    stop() {
      stopping ??= (async () => {
        // Stop taking updates; those in flight finish within the deadline or wait in the inbox
        // for the next start (SIGTERM must end within 10 s).
        await serving.stop(STOP_DEADLINE_MS);
        await builds.current()?.terminate(); // an unfinished build is discarded; the index stays as it was
        engine.close();
        clearInterval(purgeTimer);
        feedback.close();
        inbox.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}
