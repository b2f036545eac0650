/** Structured logs (pino) to stderr, so stdout stays clean for `ask --json`. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, redact: { paths: ['token', '*.token', 'config.TELEGRAM_BOT_TOKEN'], remove: true } }, pino.destination(2));
}
