/** `npm start` as a child process for tests: its stderr collected, its exit awaited, killed after. */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach } from 'vitest';
import { ROOT, npmScriptArgs } from './helpers.js';

export interface Running {
  child: ChildProcess;
  log: () => string;
  exit: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Runs `npm start -- ...args` in `cwd` with exactly `env` (plus PATH). */
export function startProcess(
  env: Record<string, string>,
  options: { args?: string[]; cwd?: string } = {},
): Running {
  const child = spawn(process.execPath, [...npmScriptArgs('start'), ...(options.args ?? [])], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let log = '';
  child.stderr?.on('data', (d) => {
    log += String(d);
  });
  child.stdout?.on('data', (d) => {
    log += String(d);
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, log: () => log, exit };
}

export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  for (const deadline = Date.now() + ms; !check();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
