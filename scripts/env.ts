/** Shared entry-point helper: load .env, then parse the configuration once (exit 2 with the reason). */
import { config as loadDotenv } from 'dotenv';
import { type Config, createConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

export function loadEnv(): Config {
  loadDotenv({ quiet: true });
  try {
    return createConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
