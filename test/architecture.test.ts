/**
 * The layout is the architecture (docs/architecture.md): src/ingest → src/index → src/answer →
 * src/bot, each stage importing only earlier stages and the shared leaves at the top of src/
 * (config, errors, logger, text), and no import cycle anywhere. Read from the source files, so a
 * new import that breaks either fails here, type-only imports included.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const SRC = path.join(ROOT, 'src');
const STAGES = ['ingest', 'index', 'answer', 'bot'] as const;
const LEAVES = new Set(['config.ts', 'errors.ts', 'logger.ts', 'text.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.(ts|mjs)$/.test(f) ? [p] : [];
  });
}

/** Relative imports of a file (static, type-only, dynamic), resolved to files under src/. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specs = [
    ...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm),
  ].map((m) => m[1] ?? '');
  return specs.map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts'));
}

/** 0 for the shared leaves, 1-4 for the stages, 5 for the composition root (app, main). */
function rank(file: string): number {
  const rel = path.relative(SRC, file);
  const [first] = rel.split(path.sep);
  const stage = STAGES.indexOf(first as (typeof STAGES)[number]);
  if (stage >= 0) return stage + 1;
  return LEAVES.has(rel) ? 0 : STAGES.length + 1;
}

/**
 * Every cycle's files (one per strongly connected component of more than one file, or a
 * self-import).
 */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('src/ layout', () => {
  const files = sourceFiles(SRC);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('has the pipeline stages as folders', () => {
    for (const stage of STAGES)
      expect(
        files.some((f) => f.startsWith(path.join(SRC, stage) + path.sep)),
        stage,
      ).toBe(true);
  });

  it('has no import cycle', () => {
    expect(cycles(graph).map((c) => c.map((f) => path.relative(ROOT, f)))).toEqual([]);
  });

  it('no stage imports a later stage, and the shared leaves import only each other', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        if (!graph.has(target)) continue;
        const [from, to] = [rank(file), rank(target)];
        if (to > from || (from === 0 && to !== 0) || (to === STAGES.length + 1 && from !== to))
          wrong.push(`${path.relative(ROOT, file)} → ${path.relative(ROOT, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the checks can fail: a cycle and an import of a later stage are found', () => {
    const a = path.join(SRC, 'answer/a.ts');
    const b = path.join(SRC, 'answer/b.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([[a, b]]);
    expect(
      importsOf(
        path.join(SRC, 'config.ts'),
        "import type { X } from './answer/answer.js';\nconst m = await import('./bot/bot.js');",
      ),
    ).toEqual([path.join(SRC, 'answer/answer.ts'), path.join(SRC, 'bot/bot.ts')]);
    expect(rank(path.join(SRC, 'config.ts'))).toBeLessThan(
      rank(path.join(SRC, 'answer/answer.ts')),
    );
  });
});
