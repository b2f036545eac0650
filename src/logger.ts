/** Structured logs (pino) to stderr, so stdout stays clean for `ask --json`. */
import pino from 'pino';

export type Logger = pino.Logger;

/** `destination`: where the JSON lines go (default stderr; tests read them). */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['token', '*.token', 'config.TELEGRAM_BOT_TOKEN'], remove: true },
    },
    destination,
  );
}
