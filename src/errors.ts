/**
 * Errors typed by cause. Each carries a stable `code` so callers (CLI, bot) can decide what to
 * tell the user without parsing messages, and a message that names the thing and the fix.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'MODEL_LOAD_FAILED'
  | 'INDEX_MISSING'
  | 'INDEX_MISMATCH'
  | 'INDEX_CORRUPT'
  | 'INDEX_BUSY'
  | 'BUILD_STOPPED'
  | 'EMBEDDING_INVALID'
  | 'INPUT_INVALID'
  | 'CORPUS_EMPTY'
  | 'ARTICLE_NOT_FOUND'
  | 'FETCH_FAILED'
  | 'TELEGRAM_UNREACHABLE';

export class BelegError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BelegError';
    this.code = code;
  }
}

export class ConfigError extends BelegError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
    this.name = 'ConfigError';
  }
}

export class ModelLoadError extends BelegError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_LOAD_FAILED', message, options);
    this.name = 'ModelLoadError';
  }
}

export class IndexError extends BelegError {
  constructor(
    code: 'INDEX_MISSING' | 'INDEX_MISMATCH' | 'INDEX_CORRUPT' | 'INDEX_BUSY',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'IndexError';
  }
}

export class InputError extends BelegError {
  constructor(message: string) {
    super('INPUT_INVALID', message);
    this.name = 'InputError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
