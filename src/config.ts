/**
 * Configuration, parsed once at the edge from environment variables (and `.env`, loaded by the
 * entry points). Nothing else in the project reads `process.env`. CLI flags override these values.
 */
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './errors.js';

export const DEFAULT_EMBEDDING_MODEL = 'Xenova/multilingual-e5-small';
export const retrievalModes = ['hybrid', 'dense', 'lexical'] as const;
export type RetrievalMode = (typeof retrievalModes)[number];

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());
const SCORE = 'must be a number between 0 and 1, e.g. 0.48';
const positiveInt = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(fallback));

const schema = z.object({
  /** Bot token from BotFather. Only `npm start` needs it. */
  TELEGRAM_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(
        /^\d+:[A-Za-z0-9_-]{30,}$/,
        'must look like 123456789:AA… (digits, a colon, then the secret from BotFather)',
      )
      .optional(),
  ),
  /** Comma-separated Telegram user ids allowed to use admin commands. Default: nobody. */
  ADMIN_USER_IDS: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : (v ?? []),
    z.array(
      z
        .string()
        .regex(/^\d+$/, 'must be numeric Telegram user ids separated by commas, e.g. 12345,67890')
        .transform(Number),
    ),
  ),
  /** Folder of article files. Default `corpus/`. */
  CORPUS_DIR: z.preprocess(emptyToUndefined, z.string().default('corpus')),
  /** Folder for the index (SQLite, HNSW, manifest). Default `data/`. */
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('data')),
  /** Hub id or local folder of a transformers.js feature-extraction model. */
  EMBEDDING_MODEL: z.preprocess(emptyToUndefined, z.string().default(DEFAULT_EMBEDDING_MODEL)),
  /** Where hub models are cached. Default: transformers.js' own cache inside node_modules. */
  MODEL_CACHE_DIR: optionalString,
  /** A mirror of the Hugging Face hub (an internal one behind a firewall). Default: huggingface.co. */
  MODEL_HUB_URL: z.preprocess(
    emptyToUndefined,
    z.url({ message: 'must be a URL such as https://hf-mirror.example.org' }).optional(),
  ),
  /** hybrid (default), dense or lexical. lexical needs no model at all. */
  RETRIEVAL_MODE: z.preprocess(
    emptyToUndefined,
    z
      .enum(retrievalModes, { message: `must be one of ${retrievalModes.join(', ')}` })
      .default('hybrid'),
  ),
  /** Another Bot API server (self-hosted, or a local fake in tests). Default: Telegram's. */
  TELEGRAM_API_ROOT: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be a URL such as https://api.telegram.org' })
      .default('https://api.telegram.org'),
  ),
  /** Public HTTPS URL Telegram should post updates to. Unset: long polling. */
  WEBHOOK_URL: z.preprocess(
    emptyToUndefined,
    z.url({ message: 'must be a URL such as https://bot.example.org/telegram' }).optional(),
  ),
  /**
   * Secret Telegram sends with every webhook request (1-256 of A-Z a-z 0-9 _ -). Required with
   * WEBHOOK_URL.
   */
  WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -')
      .optional(),
  ),
  /** Port of the webhook and health HTTP server. Default 8080. */
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(8080)),
  /** pino level: fatal, error, warn, info (default), debug, trace, silent. */
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /**
   * auto (default): readable lines when stderr is a terminal, JSON lines otherwise; json; pretty.
   */
  LOG_FORMAT: z.preprocess(
    emptyToUndefined,
    z
      .enum(['auto', 'json', 'pretty'], { message: 'must be one of auto, json, pretty' })
      .default('auto'),
  ),
  /** Log question text at info level. Default false (privacy). */
  LOG_QUESTIONS: z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
  ),
  /**
   * Below this best-sentence score the answer is "not in the articles". Unset: the answerer's
   * default (lower answers more questions, and more of them wrongly).
   */
  MIN_ANSWER_SCORE: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: SCORE }).min(0, SCORE).max(1, SCORE).optional(),
  ),
  /** Questions longer than this many characters are refused. Default 1000. */
  MAX_QUESTION_LENGTH: positiveInt(1000),
  /** Questions per user per minute before the bot asks them to wait. Default 10. */
  RATE_LIMIT_PER_USER: positiveInt(10),
  /** Questions per chat per minute (groups). Default 30. */
  RATE_LIMIT_PER_CHAT: positiveInt(30),
  /** Inline questions (`@bot Frage` in any chat) per user per minute. Default 30. */
  RATE_LIMIT_INLINE_PER_USER: positiveInt(30),
  /**
   * Keep the text of questions the bot answered or turned away, for admins' /gaps report.
   * Default false: only counts are kept.
   */
  STORE_QUESTIONS: z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
  ),
  /** Days a stored question text is kept (purged on start and daily). Default 30. */
  QUESTION_RETENTION_DAYS: positiveInt(30),
  /**
   * German synonym sets for sentence scoring (npm run build-synonyms writes them); `off` disables.
   * Default: the bundled OpenThesaurus sets.
   */
  SYNONYMS_FILE: optionalString,
  /**
   * Largest article file accepted, in bytes; longer text is truncated with a warning. Default 5 MB.
   */
  MAX_ARTICLE_BYTES: positiveInt(5_000_000),
});

export type Config = Omit<z.infer<typeof schema>, 'SYNONYMS_FILE'> & {
  /** A synonyms file; null: none (`off`); undefined: the bundled sets. */
  readonly SYNONYMS_FILE: string | null | undefined;
  /**
   * RETRIEVAL_MODE was set, not defaulted: then a model that fails to load stops the bot instead of
   * falling back to lexical.
   */
  readonly retrievalModeSet: boolean;
  readonly cwd: string;
};

/** Parse and validate an environment. Throws a ConfigError naming every bad key and the fix. */
export function createConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(environment)';
      // Never echo the value: for TELEGRAM_BOT_TOKEN it is a secret.
      return `- ${key}: ${issue.message}`;
    });
    throw new ConfigError(
      `Invalid configuration (check .env or the environment; .env.example lists every key):\n${lines.join('\n')}`,
    );
  }
  const config = parsed.data;
  if (config.WEBHOOK_URL && !config.WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n- WEBHOOK_SECRET: required when WEBHOOK_URL is set, so that only Telegram can post updates (any 1-256 characters of A-Z, a-z, 0-9, _ and -)',
    );
  }
  return {
    ...config,
    CORPUS_DIR: path.resolve(cwd, config.CORPUS_DIR),
    DATA_DIR: path.resolve(cwd, config.DATA_DIR),
    EMBEDDING_MODEL: resolveModelId(config.EMBEDDING_MODEL, cwd),
    MODEL_CACHE_DIR: config.MODEL_CACHE_DIR ? path.resolve(cwd, config.MODEL_CACHE_DIR) : undefined,
    SYNONYMS_FILE:
      config.SYNONYMS_FILE === 'off'
        ? null
        : config.SYNONYMS_FILE
          ? path.resolve(cwd, config.SYNONYMS_FILE)
          : undefined,
    retrievalModeSet: emptyToUndefined(env.RETRIEVAL_MODE) !== undefined,
    cwd,
  };
}

/** A model given as a relative folder (./models/x) becomes absolute; a hub id stays as it is. */
export function resolveModelId(model: string, cwd: string): string {
  if (model.startsWith('.') || model.startsWith('/') || model.startsWith('~'))
    return path.resolve(cwd, model);
  return model;
}

export const BOTFATHER_HELP = [
  'TELEGRAM_BOT_TOKEN is not set.',
  'To get one: open Telegram, talk to @BotFather, send /newbot, choose a name and a username;',
  'BotFather replies with a token like 123456789:AAE…. Put it in .env as TELEGRAM_BOT_TOKEN=… (see .env.example).',
].join('\n');

/** The placeholder in .env.example: refused by `npm start` like a missing token. */
export const EXAMPLE_TOKEN = '123456789:AAExampleExampleExampleExampleExample';

export const EXAMPLE_TOKEN_HELP = [
  'TELEGRAM_BOT_TOKEN is still the example from .env.example.',
  "Put your bot's token there: open Telegram, talk to @BotFather, send /newbot (or /mybots for an",
  'existing bot) and copy the token it replies with, like 123456789:AAE….',
].join('\n');

/** For entry points only: load `.env` (real environment variables win), then parse. */
export function configFromEnvironment(): Config {
  loadDotenv({ quiet: true });
  return createConfig(process.env);
}
