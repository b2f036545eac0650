import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHUNKER,
  chunkArticle,
  chunkSentences,
  paragraphs,
  splitSentences,
} from '../../src/index/chunk.js';
import { readCorpus } from '../../src/ingest/ingest.js';
import { CORPUS } from '../helpers.js';

const sentencesOf = (text: string) => splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  it('does not split at German abbreviations, initials, ordinals, dates and numbers', () => {
    const text =
      'Ostasien-Experte Prof. Alexander Görlach kam. Er kaufte Geschosse bzw. Raketen, z. B. für Nr. 5 am 13.9. in Seoul. Es waren 254.920 Soldaten und 4.313 Panzer. Am 70. Jahrestag feierten sie. Dr. Kim sagte: „Ja.“ Danach ging er.';
    expect(sentencesOf(text)).toEqual([
      'Ostasien-Experte Prof. Alexander Görlach kam.',
      'Er kaufte Geschosse bzw. Raketen, z. B. für Nr. 5 am 13.9. in Seoul.',
      'Es waren 254.920 Soldaten und 4.313 Panzer.',
      'Am 70. Jahrestag feierten sie.',
      'Dr. Kim sagte: „Ja.“',
      'Danach ging er.',
    ]);
  });

  it('splits at question marks and after closing quotes, and ends at a year when a new sentence starts', () => {
    expect(
      sentencesOf(
        'Eine Machtdemonstration? Kim sicherte Hilfe zu. "Wir sind interessiert". Denn "es geht darum". Das war 2022. Die USA warnten.',
      ),
    ).toEqual([
      'Eine Machtdemonstration?',
      'Kim sicherte Hilfe zu.',
      '"Wir sind interessiert".',
      'Denn "es geht darum".',
      'Das war 2022.',
      'Die USA warnten.',
    ]);
  });

  it('splits the seed articles into the sentences a reader sees', async () => {
    const { articles } = await readCorpus(CORPUS);
    const welt = sentencesOf(articles[0]?.text ?? '');
    expect(welt).toContain(
      'Ostasien-Experte Prof. Alexander Görlach hat die Achse zwischen Putin, Xi Jinping und Kim Jong-un im WELT-Studio analysiert.',
    );
    expect(welt).toContain(
      'Laut Experten – darunter auch laut russischen Militärbloggern – könnte aber mehr im Spiel gewesen: Russland musste sich demnach herablassen, weitere Artilleriegeschosse bzw. Raketen und dergleichen von Nordkorea zu erwerben.',
    );
    expect(welt).toContain(
      'So meldete Generalstab der ukrainischen Streitkräfte jüngst, dass Russland seit dem Beginn seiner Invasion 254.920 Soldaten in der Ukraine verloren hat.',
    );
    expect(welt).toContain(
      'Schoigu hielt sich im Juli in Nordkoreas Hauptstadt auf – offiziell „nur“ um den 70. Jahrestag vom Ende des Korea-Krieges zu feiern.',
    );
    expect(welt).toHaveLength(26);
    const dw = sentencesOf(articles[1]?.text ?? '');
    expect(dw).toContain(
      '"Deswegen sind wir ins Kosmodrom Wostotschny gekommen", sagte Putin am Mittwoch (13.9.).',
    );
    expect(dw).toContain('Eine kalkulierte militärische Machtdemonstration?');
    expect(dw).toHaveLength(40);
  });

  it('marks headings and keeps them out of other sentences', () => {
    const text =
      'Erster Absatz. Mit zwei Sätzen.\n\nWaffenlieferungen wahrscheinlich?\n\nZweiter Absatz hier.';
    const s = splitSentences(text);
    expect(s.map((x) => [text.slice(x.start, x.end), x.paragraph, x.heading])).toEqual([
      ['Erster Absatz.', 0, false],
      ['Mit zwei Sätzen.', 0, false],
      ['Waffenlieferungen wahrscheinlich?', 1, true],
      ['Zweiter Absatz hier.', 2, false],
    ]);
  });

  it('cuts an over-long "sentence" at a space', () => {
    const text = `${'Wort, '.repeat(300)}Ende.`;
    const parts = splitSentences(text, { ...DEFAULT_CHUNKER, maxSentenceChars: 200 });
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) expect(p.end - p.start).toBeLessThanOrEqual(200);
  });
});

describe('paragraphs', () => {
  it('uses blank lines when there are any, single lines otherwise', () => {
    expect(paragraphs('a\nb\n\nc').length).toBe(2);
    expect(paragraphs('a\nb\nc').length).toBe(3);
  });
});

// Deterministic pseudo-random texts: sentences, abbreviations, numbers, quotes, odd spacing.
function randomText(seed: number): string {
  let x = seed;
  const rnd = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const words = [
    'Russland',
    'Nordkorea',
    'Prof.',
    'bzw.',
    'z. B.',
    '254.920',
    '13.9.',
    'Kim',
    '„Zitat“',
    '"so"',
    '(r.)',
    'und',
    'der',
    'Ukraine',
    'Nr.',
    '70.',
    'Wort',
    'ä',
    'Ende',
  ];
  const paras: string[] = [];
  for (let p = 0; p < 1 + rnd(6); p++) {
    const sentences: string[] = [];
    for (let s = 0; s < 1 + rnd(8); s++) {
      const n = 1 + rnd(30);
      const w = Array.from({ length: n }, () => words[rnd(words.length)]).join(
        rnd(9) === 0 ? '  ' : ' ',
      );
      sentences.push(`${w}${['.', '?', '!', '.', '."'][rnd(5)]}`);
    }
    paras.push(sentences.join(' '));
  }
  return paras.join(rnd(2) ? '\n\n' : '\n');
}

describe('offsets (property)', () => {
  it('text.slice(start, end) is every sentence and chunk, on the seeds and 300 random texts', async () => {
    const { articles } = await readCorpus(CORPUS);
    const texts = [
      ...articles.map((a) => a.text),
      ...Array.from({ length: 300 }, (_, i) => randomText(i + 1)),
    ];
    for (const text of texts) {
      const { sentences, chunks } = chunkArticle(text);
      let prevEnd = 0;
      for (const s of sentences) {
        expect(s.end).toBeGreaterThan(s.start);
        expect(s.start).toBeGreaterThanOrEqual(prevEnd);
        expect(text.slice(s.start, s.end)).toBe(text.slice(s.start, s.end).trim());
        prevEnd = s.end;
      }
      // Sentences cover every word of the text.
      const covered = sentences
        .map((s) => text.slice(s.start, s.end))
        .join(' ')
        .replace(/\s+/g, '');
      expect(covered).toBe(text.replace(/\s+/g, ''));
      for (const c of chunks) {
        expect(text.slice(c.start, c.end)).toBe(c.text);
        expect(c.start).toBe(sentences[c.firstSentence]?.start);
        expect(c.end).toBe(sentences[c.lastSentence]?.end);
      }
      // Chunks cover every sentence, in order.
      expect(chunks[0]?.firstSentence).toBe(0);
      expect(chunks[chunks.length - 1]?.lastSentence).toBe(sentences.length - 1);
      for (let i = 1; i < chunks.length; i++)
        expect(chunks[i]?.firstSentence).toBeLessThanOrEqual(
          (chunks[i - 1]?.lastSentence ?? 0) + 1,
        );
    }
  });
});

describe('chunkSentences', () => {
  it('overlaps by one sentence inside a paragraph and respects the target size', () => {
    const text = Array.from(
      { length: 20 },
      (_, i) => `Satz Nummer ${i} hat ein paar Wörter mehr als nötig.`,
    ).join(' ');
    const sentences = splitSentences(text);
    const chunks = chunkSentences(text, sentences, { ...DEFAULT_CHUNKER, targetChars: 200 });
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++)
      expect(chunks[i]?.firstSentence).toBe(chunks[i - 1]?.lastSentence);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(400);
  });
});
