import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type EvalAnswer,
  type EvalQuestion,
  bm25SentenceBaseline,
  poolReports,
  questionDetails,
  questionSetFiles,
  scoreAnswers,
  separation,
  thresholdSweep,
  wilsonInterval,
} from '../../src/answer/evaluate.js';
import type { Article } from '../../src/ingest/ingest.js';
import { tempDir } from '../helpers.js';

const articles = new Map([
  ['a.txt', { text: 'Russland hat 315 Flugzeuge verloren. Die Grenze ist 19 Kilometer lang.' }],
  ['b.txt', { text: 'Kim traf Putin im Kosmodrom.' }],
]);

const question = (
  id: string,
  kind: string,
  gold: string[] = [],
  src: string[] = [],
): EvalQuestion => ({ id, kind, q: `Frage ${id}?`, gold, src });
const quote = (text: string, file: string) => ({ text, source: { file } });

describe('scoreAnswers', () => {
  const questions = [
    question('f1', 'fact', ['315 Flugzeuge'], ['a']),
    question('f2', 'fact', ['19 Kilometer'], ['a']),
    question('p1', 'paraphrase', ['Kosmodrom'], ['b']),
    question('p2', 'paraphrase', ['Kosmodrom'], ['b']),
    question('x1', 'crosslingual', ['Kosmodrom'], ['b']),
    question('u1', 'unanswerable'),
    question('u2', 'unanswerable'),
  ];
  const answers: EvalAnswer[] = [
    { found: true, quotes: [quote('Russland hat 315 Flugzeuge verloren.', 'a.txt')] }, // right at 1
    {
      found: true,
      quotes: [
        quote('Kim traf Putin im Kosmodrom.', 'b.txt'),
        quote('Die Grenze ist 19 Kilometer lang.', 'a.txt'),
      ],
    }, // right at 2
    { found: false, quotes: [], nearest: [{ file: 'b.txt' }] }, // abstained, named the right article
    { found: true, quotes: [quote('Kim traf Putin im Kosmodrom.', 'a.txt')] }, // gold text, wrong article; and not verbatim there
    { found: true, quotes: [quote('Kim traf Putin im Kosmodrom.', 'b.txt')] },
    { found: false, quotes: [] },
    { found: true, quotes: [quote('Eine erfundene Aussage.', 'a.txt')] }, // answered an unanswerable question, with an invented quote
  ];
  const r = scoreAnswers(questions, answers, articles);

  it('counts quote@1 and quote@3 on answerable German questions only (fact + paraphrase)', () => {
    expect(r.answerable).toMatchObject({
      questions: 4,
      quoteAt1: 1,
      quoteAt3: 2,
      falseAbstentions: 1,
      falseAbstentionsNamingIt: 1,
    });
    expect(r.byKind.crosslingual).toMatchObject({ questions: 1, quoteAt1: 1 });
  });

  it('counts abstentions on unanswerable questions and every quote that is not a slice of its article', () => {
    expect(r.unanswerable).toMatchObject({ questions: 2, abstained: 1 });
    expect(r.verbatimViolations).toBe(2);
    expect(r.failures.map((f) => f.id)).toEqual(['f2', 'p1', 'p2', 'u2']);
  });

  it('pools sets by adding their counts, so rates are over all questions', () => {
    const second = scoreAnswers(questions.slice(0, 1), answers.slice(0, 1), articles);
    const all = poolReports([r, second]);
    expect(all.answerable).toMatchObject({
      questions: 5,
      quoteAt1: 2,
      quoteAt3: 3,
      falseAbstentions: 1,
      falseAbstentionsNamingIt: 1,
    });
    expect(all.byKind.fact).toMatchObject({ questions: 3, quoteAt1: 2 });
    expect(all.unanswerable).toMatchObject({ questions: 2, abstained: 1 });
    expect(all.verbatimViolations).toBe(2);
    expect(all.failures).toHaveLength(4);
    expect(r.answerable.questions).toBe(4); // the inputs are left as they were
  });
});

describe('thresholdSweep', () => {
  it('scores answers made without a threshold as if they had one: low quotes dropped, low answers abstained', () => {
    const qs = [
      question('f1', 'fact', ['315 Flugzeuge'], ['a']),
      question('f2', 'fact', ['Kosmodrom'], ['b']),
      question('u1', 'unanswerable'),
    ];
    const scored = (text: string, file: string, score: number) => ({
      text,
      score,
      source: { file },
    });
    const answers: EvalAnswer[] = [
      { found: true, quotes: [scored('Russland hat 315 Flugzeuge verloren.', 'a.txt', 0.7)] },
      {
        found: true,
        quotes: [
          scored('Die Grenze ist 19 Kilometer lang.', 'a.txt', 0.5),
          scored('Kim traf Putin im Kosmodrom.', 'b.txt', 0.4),
        ],
      },
      { found: true, quotes: [scored('Kim traf Putin im Kosmodrom.', 'b.txt', 0.45)] },
    ];
    const [low, mid, high] = thresholdSweep(
      [{ questions: qs, answers }],
      [0.3, 0.48, 0.8],
      articles,
    );
    expect(low?.report.answerable).toMatchObject({ quoteAt1: 1, quoteAt3: 2, falseAbstentions: 0 });
    expect(low?.report.unanswerable.abstained).toBe(0);
    expect(mid?.report.answerable).toMatchObject({ quoteAt1: 1, quoteAt3: 1, falseAbstentions: 0 }); // the 0.4 quote is dropped
    expect(mid?.report.unanswerable.abstained).toBe(1);
    expect(high?.report.answerable).toMatchObject({ quoteAt1: 0, falseAbstentions: 2 });
  });
});

describe('questionDetails', () => {
  it("puts each question's answer beside the same answer without a threshold", () => {
    const scored = (text: string, file: string, score: number) => ({
      text,
      score,
      source: { file },
    });
    const qs = [
      question('f1', 'fact', ['315 Flugzeuge'], ['a']),
      question('f2', 'fact', ['Kosmodrom'], ['b']),
      question('u1', 'unanswerable'),
    ];
    const right = scored('Russland hat 315 Flugzeuge verloren.', 'a.txt', 0.7);
    const low = scored('Kim traf Putin im Kosmodrom.', 'b.txt', 0.4);
    const near = scored('Die Grenze ist 19 Kilometer lang.', 'a.txt', 0.6);
    const withThreshold: EvalAnswer[] = [
      { found: true, quotes: [right] },
      { found: false, quotes: [] },
      { found: true, quotes: [near] },
    ];
    const without: EvalAnswer[] = [
      { found: true, quotes: [right] },
      { found: true, quotes: [low] },
      { found: true, quotes: [near] },
    ];
    const [d1, d2, d3] = questionDetails('set.jsonl', qs, withThreshold, without);
    expect(d1).toEqual({
      set: 'set.jsonl',
      id: 'f1',
      kind: 'fact',
      q: 'Frage f1?',
      found: true,
      right: true,
      confidence: 0.7,
      rankedRight: true,
      best: right.text,
      file: 'a.txt',
    });
    // abstained, but its best sentence was the answer: the threshold's miss
    expect(d2).toMatchObject({
      found: false,
      right: false,
      confidence: 0.4,
      rankedRight: true,
      file: 'b.txt',
    });
    // an unanswerable question is never "right"
    expect(d3).toMatchObject({ found: true, right: false, rankedRight: false, confidence: 0.6 });
  });
});

describe('separation', () => {
  it('is the chance that a right answer scores above an unanswerable question; wrong and cross-lingual answers do not count', () => {
    const scored = (text: string, file: string, score: number) => ({
      text,
      score,
      source: { file },
    });
    const qs = [
      question('f1', 'fact', ['315 Flugzeuge'], ['a']),
      question('p1', 'paraphrase', ['Kosmodrom'], ['b']),
      question('f2', 'fact', ['19 Kilometer'], ['a']),
      question('x1', 'crosslingual', ['Kosmodrom'], ['b']),
      question('u1', 'unanswerable'),
      question('u2', 'unanswerable'),
      question('u3', 'unanswerable'),
    ];
    const answers: EvalAnswer[] = [
      { found: true, quotes: [scored('Russland hat 315 Flugzeuge verloren.', 'a.txt', 0.7)] }, // right
      { found: true, quotes: [scored('Kim traf Putin im Kosmodrom.', 'b.txt', 0.5)] }, // right
      { found: true, quotes: [scored('Kim traf Putin im Kosmodrom.', 'b.txt', 0.9)] }, // wrong: not counted
      { found: true, quotes: [scored('Kim traf Putin im Kosmodrom.', 'b.txt', 0.1)] }, // cross-lingual: not counted
      { found: true, quotes: [scored('Die Grenze ist 19 Kilometer lang.', 'a.txt', 0.6)] },
      { found: true, quotes: [scored('Die Grenze ist 19 Kilometer lang.', 'a.txt', 0.5)] }, // ties with 0.5: half
      { found: false, quotes: [] }, // no sentence at all: 0
    ];
    // 0.7 beats all three; 0.5 loses to 0.6, ties 0.5, beats 0: (3 + 1.5) / 6
    const details = questionDetails('set.jsonl', qs, answers, answers);
    expect(separation(details)).toEqual({ auc: 0.75, right: 2, unanswerable: 3 });
    expect(separation(details.slice(0, 2))).toBeNull();
  });
});

describe('wilsonInterval', () => {
  it('gives the 95 % interval of a rate, wide on few questions and never outside 0-1', () => {
    const [lo, hi] = wilsonInterval(12, 22);
    expect(lo).toBeCloseTo(0.347, 3);
    expect(hi).toBeCloseTo(0.731, 3);
    const [lo2, hi2] = wilsonInterval(120, 220);
    expect(hi2 - lo2).toBeLessThan((hi - lo) / 2.5);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(10, 10)[1]).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });
});

describe('bm25SentenceBaseline', () => {
  it('quotes the sentence sharing the rarest words, and abstains only when no word is shared', () => {
    const ask = bm25SentenceBaseline(
      [...articles].map(([file, { text }]): Article => ({
        id: file.replace('.txt', ''),
        file,
        text,
        meta: { title: file },
        hash: '',
      })),
    );
    expect(ask('Wie lang ist die Grenze?')).toEqual({
      found: true,
      quotes: [{ text: 'Die Grenze ist 19 Kilometer lang.', source: { file: 'a.txt' } }],
    });
    expect(ask('Wetter in München?').found).toBe(false);
  });
});

describe('questionSetFiles', () => {
  it('lists the held-out sets in the order they were written (heldout, heldout2, …, heldout10)', () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'test/eval'), { recursive: true });
    for (const f of [
      'heldout10-questions.jsonl',
      'heldout2-questions.jsonl',
      'heldout-questions.jsonl',
      'notes.txt',
    ])
      writeFileSync(path.join(root, 'test/eval', f), '');
    expect(questionSetFiles(root).heldout.map((f) => path.basename(f))).toEqual([
      'heldout-questions.jsonl',
      'heldout2-questions.jsonl',
      'heldout10-questions.jsonl',
    ]);
  });
});
