import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createConfig } from '../src/config.js';
import { ROOT } from './helpers.js';

const TOKEN = '123456789:AAE_abcdefghijklmnopqrstuvwxyz012345';

describe('createConfig', () => {
  it('has safe defaults and resolves folders against the working directory', () => {
    const c = createConfig({}, '/srv/bot');
    expect(c).toMatchObject({
      ADMIN_USER_IDS: [],
      CORPUS_DIR: '/srv/bot/corpus',
      DATA_DIR: '/srv/bot/data',
      EMBEDDING_MODEL: 'Xenova/multilingual-e5-small',
      RETRIEVAL_MODE: 'hybrid',
      TELEGRAM_API_ROOT: 'https://api.telegram.org',
      LOG_LEVEL: 'info',
      LOG_QUESTIONS: false,
      MAX_QUESTION_LENGTH: 1000,
      PORT: 8080,
    });
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(c.SYNONYMS_FILE).toBeUndefined();
    expect(c.MIN_ANSWER_SCORE).toBeUndefined();
  });

  it('SYNONYMS_FILE: a path relative to the working directory, or off', () => {
    expect(createConfig({ SYNONYMS_FILE: 'lex/syn.txt.gz' }, '/srv/bot').SYNONYMS_FILE).toBe(
      '/srv/bot/lex/syn.txt.gz',
    );
    expect(createConfig({ SYNONYMS_FILE: 'off' }, '/srv/bot').SYNONYMS_FILE).toBeNull();
  });

  it('parses ids, modes and local model folders', () => {
    const c = createConfig(
      {
        TELEGRAM_BOT_TOKEN: TOKEN,
        ADMIN_USER_IDS: '12, 34',
        RETRIEVAL_MODE: 'lexical',
        EMBEDDING_MODEL: './models/tiny',
        LOG_QUESTIONS: 'true',
      },
      '/srv/bot',
    );
    expect(c.ADMIN_USER_IDS).toEqual([12, 34]);
    expect(c.RETRIEVAL_MODE).toBe('lexical');
    expect(c.EMBEDDING_MODEL).toBe('/srv/bot/models/tiny');
    expect(c.LOG_QUESTIONS).toBe(true);
  });

  it('names every bad key and never echoes the token', () => {
    const secret = '123:thisIsNotAValidTokenButSecret';
    let message = '';
    try {
      createConfig({
        TELEGRAM_BOT_TOKEN: secret,
        ADMIN_USER_IDS: 'alice',
        RETRIEVAL_MODE: 'fast',
        TELEGRAM_API_ROOT: 'not a url',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('- TELEGRAM_BOT_TOKEN: must look like 123456789:AA…');
    expect(message).toContain(
      '- ADMIN_USER_IDS.0: must be numeric Telegram user ids separated by commas',
    );
    expect(message).toContain('- RETRIEVAL_MODE: must be one of hybrid, dense, lexical');
    expect(message).toContain('- TELEGRAM_API_ROOT: must be a URL');
    expect(message).not.toContain(secret);
  });

  it('MIN_ANSWER_SCORE: a number between 0 and 1', () => {
    expect(createConfig({ MIN_ANSWER_SCORE: '0.38' }).MIN_ANSWER_SCORE).toBe(0.38);
    for (const bad of ['1.5', '-0.1', 'high']) {
      expect(() => createConfig({ MIN_ANSWER_SCORE: bad }), bad).toThrow(
        /- MIN_ANSWER_SCORE: must be a number between 0 and 1/,
      );
    }
  });

  it('requires a secret with a webhook', () => {
    expect(() => createConfig({ WEBHOOK_URL: 'https://bot.example.org/hook' })).toThrow(
      /WEBHOOK_SECRET: required when WEBHOOK_URL is set/,
    );
  });

  it('.env.example lists every key the schema reads', () => {
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const source = readFileSync(path.join(ROOT, 'src/config.ts'), 'utf8');
    const keys = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expect(example).toMatch(new RegExp(`^${key}=`, 'm'));
  });
});
