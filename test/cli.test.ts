import { describe, expect, it } from 'vitest';
import { UsageError, isWholeNumber, readCli } from '../scripts/cli.js';

const config = {
  options: { data: { type: 'string' }, json: { type: 'boolean', default: false } },
  allowPositionals: true,
} as const;

describe('command-line arguments', () => {
  it('parses what a script takes', () => {
    const parsed = readCli(config, ['--data', 'd', '--json', 'Wie viele Panzer?']);
    expect(parsed?.values).toEqual({ data: 'd', json: true });
    expect(parsed?.positionals).toEqual(['Wie viele Panzer?']);
  });

  it('asks for the usage on --help or -h, but not after --', () => {
    expect(readCli(config, ['--help'])).toBeNull();
    expect(readCli(config, ['--json', '-h'])).toBeNull();
    expect(readCli(config, ['--', '-h'])?.positionals).toEqual(['-h']);
  });

  it('names an unknown option, a missing value and a stray argument', () => {
    expect(() => readCli(config, ['--bogus'])).toThrow(UsageError);
    expect(() => readCli(config, ['--bogus'])).toThrow("Unknown option '--bogus'");
    expect(() => readCli(config, ['--data'])).toThrow("Option '--data <value>' argument missing");
    expect(() => readCli({ options: {} }, ['frage'])).toThrow("Unexpected argument 'frage'");
  });

  it('takes whole numbers only, from a minimum', () => {
    expect(isWholeNumber('3', 1)).toBe(true);
    expect(isWholeNumber('0', 0)).toBe(true);
    for (const bad of ['0', '1.5', 'x', '', ' ', '-2'])
      expect(isWholeNumber(bad, 1), bad).toBe(false);
  });
});
