/** `npm start`: parse config, start the app, stop cleanly on SIGINT/SIGTERM. */
import { startApp } from './app.js';
import { configFromEnvironment } from './config.js';
import { BelegError, ConfigError, errorMessage } from './errors.js';
import { createLogger } from './logger.js';

let config;
try {
  config = configFromEnvironment();
} catch (error) {
  process.stderr.write(`${errorMessage(error)}\n`);
  process.exit(2);
}
const logger = createLogger(config.LOG_LEVEL);
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
    { err: errorMessage(error), code: error instanceof BelegError ? error.code : undefined },
    'could not start',
  );
  process.stderr.write(`${errorMessage(error)}\n`);
  process.exit(1);
}
