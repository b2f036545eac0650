/**
 * Shared entry-point helpers: load .env and parse the configuration once (exit 2 with the reason);
 * open the engine as `npm start` would.
 */
import { type Engine, configuredAnswering, createEngine } from '../src/answer/engine.js';
import { type Config, configFromEnvironment } from '../src/config.js';
import { ConfigError, errorMessage } from '../src/errors.js';
import { type Embedder, embedderForMode, shortReason } from '../src/index/embed.js';
import { openSynonyms } from '../src/answer/synonyms.js';

/**
 * The retrieval mode a script runs in, decided as `npm start` decides it: RETRIEVAL_MODE, or (unset)
 * hybrid when the model loads and keyword search, with one warning, when it does not. A model that
 * does not load with RETRIEVAL_MODE set explicitly stops the script (exit 1).
 */
export async function fallbackMode(
  config: Config,
  modelId: string,
  log: (line: string) => void,
  onProgress?: (e: { file: string; loaded: number; total: number }) => void,
): Promise<{
  mode: Config['RETRIEVAL_MODE'];
  embedder: Embedder | null;
  missingModel: string | null;
}> {
  try {
    return await embedderForMode(
      {
        mode: config.RETRIEVAL_MODE,
        modeSet: config.retrievalModeSet,
        modelId,
        cacheDir: config.MODEL_CACHE_DIR,
        hubUrl: config.MODEL_HUB_URL,
        ...(onProgress ? { onProgress } : {}),
      },
      {
        missing: (model, reason) =>
          log(
            `warning: embedding model "${model}" could not be loaded (${shortReason(reason)}); keyword search only. RETRIEVAL_MODE=lexical silences this, RETRIEVAL_MODE=hybrid makes it an error.`,
          ),
      },
    );
  } catch (error) {
    log(`error: ${errorMessage(error)}`);
    process.exit(1);
  }
}

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
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const { embedder, mode } = await fallbackMode(config, config.EMBEDDING_MODEL, log);
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
