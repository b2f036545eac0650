/**
 * The README stays a user's guide (≤ 12 KB), and every relative link in it and in docs/ resolves.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const DOCS = path.join(ROOT, 'docs');
const pages = [
  path.join(ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(DOCS, f)),
];

/**
 * Relative link targets of a Markdown text, without #anchors; links in code spans and blocks are
 * not links.
 */
export function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((href) => !/^[a-z][a-z+.-]*:/i.test(href) && !href.startsWith('#'))
    .map((href) => href.split('#')[0] ?? '');
}

describe('README and docs/', () => {
  it('the README is at most 12 KB', () => {
    expect(statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(12 * 1024);
  });

  it('has the four design documents', () => {
    for (const f of ['architecture.md', 'quality.md', 'benchmarks.md', 'operations.md'])
      expect(existsSync(path.join(DOCS, f)), f).toBe(true);
  });

  it('every relative link resolves to a file or folder of the repository', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const href of relativeLinks(readFileSync(page, 'utf8'))) {
        if (!existsSync(path.resolve(path.dirname(page), decodeURIComponent(href))))
          broken.push(`${path.relative(ROOT, page)} → ${href}`);
      }
    }
    expect(pages.length).toBeGreaterThan(4);
    expect(broken).toEqual([]);
  });

  it('finds relative links and leaves out web links, anchors and code', () => {
    expect(
      relativeLinks(
        '[a](docs/x.md) [b](https://t.me/x) [c](#top) [d](../y.md#part) `[e](no.md)`\n```\n[f](no.md)\n```',
      ),
    ).toEqual(['docs/x.md', '../y.md']);
  });
});
