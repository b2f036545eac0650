/** Shared test fixtures: temp folders, the seed corpus, a tiny model made on the spot. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createTransformersEmbedder, type Embedder } from '../src/index/embed.js';
import { readCorpus } from '../src/ingest/ingest.js';
import { writeTinyModel } from '../src/index/tinyModel.js';
import { scriptNodeArgs } from '../scripts/cli.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const CORPUS = path.join(ROOT, 'corpus');
export const SEED_IDS = ['000_86a42e72cadfc67f', '001_dc967e06efca010d'];

/** The arguments after `node` of a package.json script, paths absolute (scripts/cli.ts). */
export const npmScriptArgs = (name: string): string[] => scriptNodeArgs(ROOT, name);

const created: string[] = [];
// Registered while a test file is collected (it imports this module at its top), so it runs after
// the file's tests. A hook registered inside a beforeAll or a test never runs: the temp folders
// made there were left behind (53 per `npm test`).
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Two dated articles giving different figures for the same thing (Russia's lost tanks), a month and
 * a half apart.
 */
export const LOSSES_AUGUST = `---
title: Generalstab meldet neue Verluste
source: Testzeitung
date: 2023-08-01
---
Nach Angaben des ukrainischen Generalstabs hat Russland seit Kriegsbeginn 4.200 Panzer verloren.

Die Zahlen lassen sich nicht unabhängig überprüfen.
`;
export const LOSSES_SEPTEMBER = `---
title: Verluste steigen weiter
source: Testzeitung
date: 2023-09-20
---
Nach Angaben des ukrainischen Generalstabs hat Russland seit Kriegsbeginn 4.350 Panzer verloren.

Auch die Zahl der zerstörten Drohnen sei gestiegen.
`;

/** A temp folder removed after the test file. */
/** JSON a script printed, read as the contract type the test checks it against. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function tempDir(prefix = 'belegbot-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A copy of the seed corpus that a test may change. */
export function copyCorpus(): string {
  const dir = path.join(tempDir(), 'corpus');
  cpSync(CORPUS, dir, { recursive: true });
  return dir;
}

/** Write a tiny model from the seed corpus (plus extra texts) into a temp folder. */
export async function makeTinyModel(extraTexts: string[] = [], dimensions = 384): Promise<string> {
  const { articles } = await readCorpus(CORPUS);
  const dir = path.join(tempDir(), 'tiny-model');
  await writeTinyModel(dir, {
    texts: [...articles.map((a) => `${a.meta.title}\n${a.text}`), ...extraTexts],
    dimensions,
  });
  return dir;
}

export async function tinyEmbedder(extraTexts: string[] = []): Promise<Embedder> {
  return createTransformersEmbedder({ modelId: await makeTinyModel(extraTexts) });
}
