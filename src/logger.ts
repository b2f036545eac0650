/**
 * Structured logs (pino) to stderr, so stdout stays clean for `ask --json`: JSON lines for
 * machines, readable lines (pino-pretty, in-process) for a person at a terminal.
 */
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

const OPTIONS: pino.LoggerOptions = {
  base: undefined,
  redact: { paths: ['token', '*.token', 'config.TELEGRAM_BOT_TOKEN'], remove: true },
};

/** `destination`: where the JSON lines go (default stderr; tests read them). */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino({ ...OPTIONS, level }, destination);
}

export type LogFormat = 'auto' | 'json' | 'pretty';

/** Whether createConsoleLogger writes readable lines rather than JSON. */
export function readableLogs(format: LogFormat): boolean {
  return format === 'pretty' || (format === 'auto' && process.stderr.isTTY === true);
}

/**
 * `format` 'pretty': one readable, coloured line per entry ("18:02:11 WARN: …" and the fields the
 * message does not say), written synchronously to stderr; 'json': createLogger's lines; 'auto': pretty when
 * stderr is a terminal.
 */
export function createConsoleLogger(level: string, format: LogFormat): Logger {
  if (!readableLogs(format)) return createLogger(level);
  return pino(
    { ...OPTIONS, level },
    pretty({
      destination: 2,
      sync: true,
      colorize: process.stderr.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      hideObject: true,
      messageFormat: readableMessage,
    }),
  );
}

const NOT_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/**
 * The message, then the fields it does not already say, on one line: "index ready (articles=2,
 * chunks=20)". A text the message already holds (a cause, an address) is not repeated.
 */
export function readableMessage(log: Record<string, unknown>, messageKey: string): string {
  const msg = typeof log[messageKey] === 'string' ? log[messageKey] : '';
  const extras = Object.entries(log)
    .filter(([key]) => !NOT_FIELDS.has(key) && key !== messageKey)
    .filter(([, value]) => typeof value !== 'string' || !msg.includes(value))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return extras.length ? `${msg} (${extras.join(', ')})` : msg;
}
