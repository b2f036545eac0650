/**
 * Synthetic corpora for tests and benchmarks: articles recombined from the real corpus's
 * paragraphs, with names and numbers varied so every article is distinct. Labelled synthetic.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { paragraphs } from '../src/index/chunk.js';
import type { Article } from '../src/ingest/ingest.js';

const NAMES = ['Putin', 'Kim', 'Schoigu', 'Görlach', 'Easley', 'Zinberg', 'Xi Jinping', 'Yoon'];
const STAND_INS = [
  'Müller',
  'Okafor',
  'Lindqvist',
  'Tanaka',
  'Haddad',
  'Kowalski',
  'Moreau',
  'Silva',
  'Novak',
  'Ibrahim',
  'Larsen',
  'Rossi',
];

function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

export function syntheticArticles(
  source: readonly Pick<Article, 'text'>[],
  count: number,
  seed = 1,
): Array<{ file: string; body: string }> {
  const paras = source
    .flatMap((a) => paragraphs(a.text).map(([s, e]) => a.text.slice(s, e)))
    .filter((p) => p.length > 80);
  const rnd = rng(seed);
  const out: Array<{ file: string; body: string }> = [];
  for (let i = 0; i < count; i++) {
    const n = 4 + rnd(6);
    const chosen = Array.from({ length: n }, () => paras[rnd(paras.length)] ?? '');
    const body = chosen
      .map((p) =>
        p.replace(/\d+(?:\.\d{3})*/g, (m) => String(Number(m.replace(/\./g, '')) + rnd(1000))),
      )
      .map((p) =>
        NAMES.reduce(
          (t, name) =>
            rnd(3) === 0 ? t.split(name).join(STAND_INS[rnd(STAND_INS.length)] ?? name) : t,
          p,
        ),
      )
      .join('\n\n');
    out.push({
      file: `synthetic/${String(i).padStart(6, '0')}.md`,
      body: `---\ntitle: Synthetischer Artikel ${i}\nsource: synthetic\n---\n${body}\n`,
    });
  }
  return out;
}

export function writeSyntheticCorpus(
  dir: string,
  source: readonly Pick<Article, 'text'>[],
  count: number,
  seed = 1,
): void {
  for (const a of syntheticArticles(source, count, seed)) {
    const file = path.join(dir, a.file);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, a.body);
  }
}
