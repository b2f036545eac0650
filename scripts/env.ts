/**
 * Shared entry-point helpers: load .env and parse the configuration once (exit 2 with the reason);
 * open the engine as `npm start` would.
 */
import { type Engine, configuredAnswering, createEngine } from '../src/answer/engine.js';
import { type Config, configFromEnvironment } from '../src/config.js';
import { ConfigError, errorMessage } from '../src/errors.js';
import { embedderForMode } from '../src/index/embed.js';
import { openSynonyms } from '../src/answer/synonyms.js';

export function loadEnv(): Config {
  try {
    return configFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/**
 * The engine of `npm run ask` and `npm run check-claims`, configured like `npm start`: without the
 * model and with RETRIEVAL_MODE unset, keyword search and one warning; the calibration beside the
 * index. Any failure is printed and exits 1.
 */
export async function openCliEngine(
  config: Config,
  dataDir: string,
  options: { explain?: boolean; clock?: () => Date } = {},
): Promise<Engine> {
  try {
    const { embedder, mode } = await embedderForMode(
      {
        mode: config.RETRIEVAL_MODE,
        modeSet: config.retrievalModeSet,
        modelId: config.EMBEDDING_MODEL,
        cacheDir: config.MODEL_CACHE_DIR,
      },
      {
        missing: (model, reason) =>
          process.stderr.write(
            `warning: embedding model "${model}" could not be loaded (${reason}); answering by keyword search only. Set RETRIEVAL_MODE=lexical to silence this, or RETRIEVAL_MODE=hybrid to make it an error.\n`,
          ),
      },
    );
    const answering = configuredAnswering(config, dataDir, mode, embedder?.modelId ?? null);
    if (answering.problem) process.stderr.write(`warning: ${answering.problem}\n`);
    if (options.explain)
      process.stderr.write(
        `threshold ${answering.threshold.value} (${answering.threshold.source})\n`,
      );
    return createEngine({
      dataDir,
      mode,
      embedder,
      synonyms: openSynonyms(config.SYNONYMS_FILE),
      ...answering.options,
      answer: { ...answering.options.answer, explain: options.explain ?? false },
      ...(options.clock ? { clock: options.clock } : {}),
    });
  } catch (error) {
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    process.exit(1);
  }
}
