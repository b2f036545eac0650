/** Shared entry-point helper: load .env and parse the configuration once (exit 2 with the reason). */
import { type Config, configFromEnvironment } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

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
