import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/indexer.js';
import {
  compoundParts,
  createRetriever,
  fuse,
  knownForms,
  selectQueryStems,
} from '../../src/answer/retrieve.js';
import { openIndex } from '../../src/index/store.js';
import { CORPUS, tempDir } from '../helpers.js';

describe('fuse', () => {
  const dense = [
    { id: 1, score: 0.9 },
    { id: 2, score: 0.8 },
    { id: 3, score: 0.1 },
  ];
  const lexical = [
    { id: 3, score: 12 },
    { id: 2, score: 6 },
    { id: 4, score: 3 },
  ];

  it('reciprocal rank fusion adds 1/(60 + rank) from each list', () => {
    const out = fuse(dense, lexical, 'rrf');
    // 3 (ranks 3 and 1) edges out 2 (ranks 2 and 2): 1/63 + 1/61 > 2/62.
    expect(out.map((s) => s.id)).toEqual([3, 2, 1, 4]);
    expect(out[0]?.score).toBeCloseTo(1 / 63 + 1 / 61, 10);
    expect(out[1]?.score).toBeCloseTo(1 / 62 + 1 / 62, 10);
  });

  it("convex fusion mixes scores normalized to each side's best", () => {
    const out = fuse(dense, lexical, 'convex', 0.5);
    const byId = new Map(out.map((s) => [s.id, s.score]));
    expect(byId.get(1)).toBeCloseTo(0.5 * 1, 10);
    expect(byId.get(2)).toBeCloseTo(0.5 * (0.8 / 0.9) + 0.5 * 0.5, 10);
    expect(byId.get(3)).toBeCloseTo(0.5 * (0.1 / 0.9) + 0.5 * 1, 10);
    expect(byId.get(4)).toBeCloseTo(0.5 * 0.25, 10);
    expect(out.map((s) => s.id)).toEqual([2, 3, 1, 4]);
    expect(
      fuse(dense, lexical, 'convex', 1)
        .map((s) => s.id)
        .slice(0, 2),
    ).toEqual([1, 2]);
  });

  it("with one side empty keeps the other side's order", () => {
    expect(fuse([], lexical, 'rrf').map((s) => s.id)).toEqual([3, 2, 4]);
    expect(fuse(dense, [], 'convex').map((s) => [s.id, Number(s.score.toFixed(3))])).toEqual([
      [1, 1],
      [2, 0.889],
      [3, 0.111],
    ]);
    expect(fuse([], [], 'rrf')).toEqual([]);
  });
});

describe('selectQueryStems', () => {
  const df = new Map([
    ['selten', 3],
    ['mittel', 40],
    ['haeufig', 900],
    ['fehlt', 0],
  ]);
  it('adds stems rarest first within the budget and leaves out very common ones', () => {
    expect(selectQueryStems(['haeufig', 'mittel', 'selten', 'fehlt'], df, 100, 2000)).toEqual({
      stems: ['selten', 'mittel'],
      all: false,
    });
    expect(selectQueryStems(['haeufig', 'mittel', 'selten'], df, 100, 10)).toEqual({
      stems: ['selten'],
      all: false,
    });
  });
  it('requires the rarest stems together when even the rarest is over the budget', () => {
    expect(selectQueryStems(['haeufig', 'mittel'], df, 400, 20)).toEqual({
      stems: ['mittel', 'haeufig'],
      all: true,
    });
    // One known stem, and it is everywhere: AND of one stem is that stem, with bounded scoring.
    expect(selectQueryStems(['haeufig', 'fehlt'], df, 100, 2000)).toEqual({
      stems: ['haeufig'],
      all: true,
    });
    expect(selectQueryStems(['fehlt'], df, 100, 2000)).toEqual({ stems: [], all: false });
  });
  it('leaves stems in nearly every chunk out of the AND, unless nothing else is left', () => {
    const big = new Map([
      ['name', 250],
      ['land', 800],
      ['ueberall', 950],
    ]);
    expect(selectQueryStems(['ueberall', 'land', 'name'], big, 100, 200)).toEqual({
      stems: ['name'],
      all: true,
    });
    expect(selectQueryStems(['ueberall', 'land'], big, 100, 200)).toEqual({
      stems: ['land', 'ueberall'],
      all: true,
    });
  });
});

describe('knownForms', () => {
  const store = (df: Record<string, number>) => ({
    documentFrequencies: (stems: readonly string[]) => new Map(stems.map((s) => [s, df[s] ?? 0])),
  });

  it('reads a genitive name as the form the articles use, and the other way round', () => {
    const r = knownForms(
      [
        { stem: 'chinas', salient: true },
        { stem: 'export', salient: true },
        { stem: 'nordkorea', salient: true },
      ],
      store({ china: 4, export: 2, nordkoreas: 3 }),
    );
    expect(r.terms).toEqual([
      { stem: 'china', salient: true },
      { stem: 'export', salient: true },
      { stem: 'nordkoreas', salient: true },
    ]);
    expect(r.documentFrequencies.get('china')).toBe(4);
    expect(r.documentFrequencies.get('nordkoreas')).toBe(3);
  });

  it('leaves unknown words unknown, and known ones alone', () => {
    const r = knownForms(
      [
        { stem: 'iran', salient: true },
        { stem: 'russland', salient: true },
      ],
      store({ russland: 9, russlands: 2 }),
    );
    expect(r.terms.map((t) => t.stem)).toEqual(['iran', 'russland']);
    expect(r.documentFrequencies.get('iran')).toBe(0);
  });
});

describe('compoundParts', () => {
  const store = (df: Record<string, number>) => ({
    documentFrequencies: (stems: readonly string[]) => new Map(stems.map((s) => [s, df[s] ?? 0])),
  });

  it('splits an unknown compound into a known first part and a known head, with or without a linking element', () => {
    const { parts, documentFrequencies } = compoundParts(
      ['panzerverlust', 'munitionsmangel', 'hafenkran'],
      store({ panz: 3, verlust: 2, munition: 4, mangel: 1, haf: 1, kran: 1 }),
    );
    expect(parts.get('panzerverlust')).toEqual(['panz', 'verlust']);
    expect(parts.get('munitionsmangel')).toEqual(['munition', 'mangel']);
    expect(parts.get('hafenkran')).toEqual(['haf', 'kran']);
    // The parts' document frequencies come along: the full-text query needs them.
    expect(documentFrequencies).toEqual(
      new Map([
        ['panz', 3],
        ['verlust', 2],
        ['munition', 4],
        ['mangel', 1],
        ['haf', 1],
        ['kran', 1],
      ]),
    );
  });

  it('leaves out words with only one known part, short words, numbers and overlong words', () => {
    const { parts } = compoundParts(
      ['panzerverlust', 'iran', '2023'],
      store({ verlust: 2, iran: 0 }),
    );
    expect(parts.size).toBe(0);
    // Pasted junk is not a compound: no lookup per letter of a 1,000-letter "word".
    const junk = 'panz'.repeat(20);
    expect(compoundParts([`${junk}verlust`], store({ [junk]: 1, verlust: 2 })).parts.size).toBe(0);
  });
});

describe('the full-text query when no chunk has all the rare stems', () => {
  it('falls back to the rarest stem alone, scored over a bounded number of matches like the AND it replaces', async () => {
    const data = tempDir();
    await buildIndex({ corpusDir: CORPUS, dataDir: data, embedder: null });
    const index = openIndex(data, { modelId: null });
    try {
      const calls: Array<[readonly string[], number, boolean | undefined]> = [];
      const search = index.store.lexicalSearch.bind(index.store);
      index.store.lexicalSearch = (stems, k, all) => {
        calls.push([stems, k, all]);
        return search(stems, k, all);
      };
      // A budget of one chunk puts both stems (two chunks each) over it: they are ANDed. Kosmodrom
      // and Schoigu are in different articles, so the AND finds nothing.
      const retriever = createRetriever({
        index,
        embedder: null,
        mode: 'lexical',
        lexicalBudget: 1,
      });
      const { chunks } = await retriever.retrieve('Kosmodrom Schoigu', 6);
      expect(calls).toHaveLength(2);
      expect(calls[0]?.[2]).toBe(true);
      expect(calls[0]?.[0]).toHaveLength(2);
      expect(calls[1]).toEqual([[calls[0]?.[0][0]], 30, true]);
      expect(chunks.length).toBeGreaterThan(0);
    } finally {
      index.store.close();
    }
  });
});
