/**
 * `npm start -- [--corpus DIR] [--data DIR]`: parse config and flags, start the app, stop cleanly
 * on SIGINT/SIGTERM.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startApp } from './app.js';
import { type Config, configFromEnvironment } from './config.js';
import { BelegError, ConfigError, errorMessage } from './errors.js';
import { createConsoleLogger, readableLogs } from './logger.js';

const USAGE = [
  'Usage: npm start -- [--corpus DIR] [--data DIR]',
  '  --corpus DIR  folder of article files (overrides CORPUS_DIR)',
  "  --data DIR    folder of the index and the bot's stores (overrides DATA_DIR)",
  'Everything else is configured in .env (see .env.example).',
].join('\n');

let config: Config;
try {
  config = withFlags(configFromEnvironment(), process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${errorMessage(error)}\n`);
  process.exit(2);
}
const logger = createConsoleLogger(config.LOG_LEVEL, config.LOG_FORMAT);
try {
  const app = await startApp({ config, logger });
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1); // a second Ctrl-C: do not wait
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  logger.fatal(
    { code: error instanceof BelegError ? error.code : undefined },
    `could not start: ${errorMessage(error)}`,
  );
  // JSON escapes the message's lines: a person reading the terminal or the journal gets it plain.
  if (!readableLogs(config.LOG_FORMAT)) process.stderr.write(`${errorMessage(error)}\n`);
  process.exit(1);
}

/** --corpus and --data over the environment's folders; --help prints the usage (exit 0). */
function withFlags(base: Config, argv: string[]): Config {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  let values: { corpus?: string | undefined; data?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { corpus: { type: 'string' }, data: { type: 'string' } },
    }));
  } catch (error) {
    throw new ConfigError(`error: ${errorMessage(error)}\n${USAGE}`);
  }
  return {
    ...base,
    ...(values.corpus ? { CORPUS_DIR: path.resolve(values.corpus) } : {}),
    ...(values.data ? { DATA_DIR: path.resolve(values.data) } : {}),
  };
}
