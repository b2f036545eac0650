import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer.js';
import type { StoredArticle } from '../../src/index/db.js';
import {
  TELEGRAM_LIMIT,
  answerHtml,
  answerJson,
  answerText,
  escapeHtml,
  shortenVerbatim,
} from '../../src/bot/format.js';

const article = (over: Partial<StoredArticle> = {}): StoredArticle => ({
  row: 1,
  id: 'a',
  file: 'a.md',
  hash: 'h',
  text: '',
  meta: {
    title: 'Titel <mit> & "Zeichen"',
    source: 'DW',
    date: '2023-09-13',
    url: 'https://example.org/a?x=1&y=2',
  },
  ...over,
});

function answer(texts: string[], over: Partial<Answer> = {}): Answer {
  const a = article();
  return {
    question: 'Frage?',
    found: true,
    confidence: 0.9,
    language: 'de',
    otherStates: false,
    sources: [a],
    nearest: [],
    more: [],
    moreSources: [],
    quotes: texts.map((text) => ({
      text,
      start: 0,
      end: text.length,
      score: 0.9,
      article: a,
      sourceNumber: 1,
    })),
    ...over,
  };
}

describe('answerHtml', () => {
  it('escapes every dynamic string and links the source', () => {
    const html = answerHtml(answer(['Ein <b>Zitat</b> & mehr.']));
    expect(html).toBe(
      '<blockquote>Ein &lt;b&gt;Zitat&lt;/b&gt; &amp; mehr.</blockquote> [1]\n\n<i>Quellen:</i>\n' +
        '[1] <a href="https://example.org/a?x=1&amp;y=2">Titel &lt;mit&gt; &amp; &quot;Zeichen&quot;</a> – DW, 13.09.2023',
    );
  });

  it('never exceeds 4096 characters: drops extra quotes, then shortens at a sentence', () => {
    const long = `${'Ein langer Satz mit <Zeichen> & Wörtern. '.repeat(150)}Ende.`;
    const html = answerHtml(answer([long, long, long]));
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
    expect(html.match(/<blockquote>/g)).toHaveLength(1);
    expect(html).toContain('Wörtern. […]</blockquote>');
    expect(html).not.toMatch(/&[a-z]*$|<[^>]*$/);
  });

  it('states plainly when nothing answers, with what the articles cover', () => {
    const html = answerHtml(answer([], { found: false, quotes: [], sources: [] }), ['A & B']);
    expect(html).toBe(
      'Dazu steht nichts in den Artikeln.\n\nDie Artikel behandeln: „A &amp; B“.\nVersuchen Sie es mit anderen Stichworten, etwa Namen, Orten oder Zahlen aus den Artikeln.',
    );
    expect(
      answerHtml(answer([], { found: false, quotes: [], sources: [], language: 'en' })),
    ).toMatch(/^The articles do not answer this\./);
  });

  it('an abstention that came near links the nearest articles instead of listing what the articles cover', () => {
    const abstained = answer([], {
      found: false,
      quotes: [],
      sources: [],
      nearest: [
        article(),
        article({ id: 'b', meta: { title: 'Ohne <Link>', url: 'javascript:x' } }),
      ],
    });
    expect(answerHtml(abstained, ['A & B'])).toBe(
      'Dazu steht nichts in den Artikeln.\n\nAm nächsten kommen Ihrer Frage: ' +
        '<a href="https://example.org/a?x=1&amp;y=2">Titel &lt;mit&gt; &amp; &quot;Zeichen&quot;</a> (DW, 13.09.2023), „Ohne &lt;Link&gt;“ (ohne Datum).\n' +
        'Versuchen Sie es mit anderen Stichworten, etwa Namen, Orten oder Zahlen aus den Artikeln.',
    );
    expect(answerText(abstained, ['A & B'])).toBe(
      'Dazu steht nichts in den Artikeln. Am nächsten kommen Ihrer Frage: „Titel <mit> & "Zeichen"“ (DW, 13.09.2023, https://example.org/a?x=1&y=2), „Ohne <Link>“ (ohne Datum). ' +
        'Versuchen Sie es mit anderen Stichworten, etwa Namen, Orten oder Zahlen aus den Artikeln.',
    );
    expect(answerJson(abstained).nearest?.map((s) => s.id)).toEqual(['a', 'b']);
    expect(answerHtml({ ...abstained, language: 'en' })).toMatch(
      /^The articles do not answer this\.\n\nClosest to your question: <a /,
    );
    const huge = answer([], {
      found: false,
      quotes: [],
      sources: [],
      nearest: [article({ meta: { title: 'Sehr <lang> '.repeat(500) } })],
    });
    expect(answerHtml(huge).length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
    expect(answerHtml(huge)).toBe(
      'Dazu steht nichts in den Artikeln.\nVersuchen Sie es mit anderen Stichworten, etwa Namen, Orten oder Zahlen aus den Artikeln.',
    );
    expect(
      answerHtml(answer([], { found: false, quotes: [], sources: [] }), ['x'.repeat(5000)]).length,
    ).toBeLessThanOrEqual(TELEGRAM_LIMIT);
  });

  it('an abstention about other countries says so, in text, HTML and JSON', () => {
    const swapped = answer([], {
      found: false,
      quotes: [],
      sources: [],
      nearest: [article()],
      otherStates: true,
    });
    expect(answerText(swapped)).toMatch(
      /^Dazu steht nichts in den Artikeln\. Sie berichten darüber nur für andere Länder als das gefragte\. Am nächsten kommen Ihrer Frage: „Titel/,
    );
    expect(answerHtml(swapped)).toMatch(
      /^Dazu steht nichts in den Artikeln\. Sie berichten darüber nur für andere Länder als das gefragte\.\n\nAm nächsten kommen Ihrer Frage: <a /,
    );
    expect(answerHtml({ ...swapped, language: 'en' })).toMatch(
      /^The articles do not answer this\. They report on it only for other countries than the one asked about\.\n\n/,
    );
    expect(answerJson(swapped).otherStates).toBe(true);
    expect(answerJson(answer([], { found: false, quotes: [], sources: [] }))).not.toHaveProperty(
      'otherStates',
    );
  });

  it('drops a link that is not http(s)', () => {
    const a = answer(['Zitat.'], {
      sources: [article({ meta: { title: 'T', url: 'javascript:alert(1)' } })],
    });
    expect(answerHtml(a)).toContain('[1] <b>T</b>');
  });
});

describe('answerText and answerJson', () => {
  it('plain text with [n] markers and the numbered sources', () => {
    expect(answerText(answer(['Zitat.']))).toBe(
      '„Zitat.“ [1]\n\nQuellen:\n[1] Titel <mit> & "Zeichen" – DW – 13.09.2023 – https://example.org/a?x=1&y=2',
    );
    expect(answerJson(answer(['Zitat.'])).quotes[0]?.source).toEqual({
      id: 'a',
      file: 'a.md',
      title: 'Titel <mit> & "Zeichen"',
      source: 'DW',
      author: null,
      date: '2023-09-13',
      url: 'https://example.org/a?x=1&y=2',
    });
  });
});

describe('escapeHtml / shortenVerbatim', () => {
  it('escapes &, <, > and quotes', () =>
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'));
  it('keeps a verbatim prefix: whole sentences, else whole words', () => {
    expect(shortenVerbatim('Eins. Zwei. Drei.', 12)).toBe('Eins. Zwei.');
    expect(shortenVerbatim('Ein sehr langer Satz ohne Punkt', 12)).toBe('Ein sehr');
  });
});
