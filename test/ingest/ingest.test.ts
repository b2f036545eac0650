import { readFileSync, writeFileSync, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanBody, normalizeDate, parseArticle, readCorpus } from '../../src/ingest/ingest.js';
import { CORPUS, SEED_IDS, tempDir } from '../helpers.js';

describe('readCorpus on the seed articles', () => {
  it('reads both seeds under their stems and derives metadata the text states', async () => {
    const { articles, warnings } = await readCorpus(CORPUS);
    expect(warnings).toEqual([]);
    expect(articles.map((a) => a.id)).toEqual(SEED_IDS);
    const [welt, dw] = articles;
    expect(welt?.meta.author).toBe('mk');
    expect(dw?.meta).toMatchObject({
      title: 'Russland und Nordkorea suchen Schulterschluss',
      source: 'DW',
      author: 'Julian Ryall',
      date: '2023-09-13',
      lang: 'de',
    });
  });

  it('removes web-page boilerplate and keeps the body character-exact', async () => {
    const { articles } = await readCorpus(CORPUS);
    const dw = articles[1];
    const raw = readFileSync(path.join(CORPUS, '001_dc967e06efca010d.txt'), 'utf8');
    for (const gone of [
      'Zum Inhalt springen',
      'Bild: ',
      'This browser does not support',
      '01:51',
      'Den nächsten Abschnitt',
      'Top-Thema',
      'Kim Jong Un in Russland eingetroffen',
      'Russland | Treffen',
      'Julian Ryall aus Tokio',
      'PolitikAsien',
    ]) {
      expect(dw?.text).not.toContain(gone);
    }
    // Every line of the stored body is a line of the file.
    const rawLines = new Set(raw.split('\n').map((l) => l.trim()));
    for (const line of dw?.text.split('\n') ?? []) if (line) expect(rawLines.has(line)).toBe(true);
    expect(dw?.text.startsWith('Russlands Präsident Putin und Nordkoreas Machthaber Kim')).toBe(
      true,
    );
  });
});

describe('parseArticle', () => {
  it('reads markdown front matter', () => {
    const md =
      '---\ntitle: Ein Titel\nsource: Zeitung\nauthor: A. Autorin\ndate: 2024-02-03\nurl: https://example.org/a\nlang: de\n---\n# Überschrift\n\nErster Absatz. Zweiter Satz.\n';
    const a = parseArticle('dir/artikel.md', Buffer.from(md));
    expect(a.id).toBe('dir/artikel');
    expect(a.meta).toEqual({
      title: 'Ein Titel',
      source: 'Zeitung',
      author: 'A. Autorin',
      date: '2024-02-03',
      url: 'https://example.org/a',
      lang: 'de',
    });
    expect(a.text).toBe('Überschrift\n\nErster Absatz. Zweiter Satz.');
  });

  it('extracts HTML with Readability, paragraphs and meta tags', () => {
    const html = `<!doctype html><html lang="de"><head><title>Seite</title>
      <meta property="og:title" content="Der Titel"><meta property="og:site_name" content="Die Zeitung">
      <meta property="article:published_time" content="2023-09-13T10:00:00Z"><link rel="canonical" href="https://example.org/x"></head>
      <body><nav><a href="/">Start</a> <a href="/p">Politik</a></nav><article><h1>Der Titel</h1>
      <p>Der erste Absatz des Artikels ist lang genug, damit Readability ihn als Inhalt erkennt und behält, auch mit Prof. Müller.</p>
      <p>Der zweite Absatz erzählt weiter, was geschah, und nennt 254.920 Soldaten sowie weitere Zahlen, Orte und Namen.</p>
      <p>Ein dritter Absatz rundet den Text ab, damit genug Inhalt für die Erkennung vorhanden ist, wie bei echten Seiten.</p></article>
      <footer>Impressum</footer></body></html>`;
    const a = parseArticle('seite.html', Buffer.from(html));
    expect(a.meta).toMatchObject({
      title: 'Der Titel',
      source: 'Die Zeitung',
      date: '2023-09-13',
      url: 'https://example.org/x',
      lang: 'de',
    });
    expect(a.text).toContain('Der erste Absatz des Artikels');
    expect(a.text).toContain('\n\nDer zweite Absatz');
    expect(a.text).not.toContain('Impressum');
  });

  it('refuses bad input with one clear message each', () => {
    expect(() => parseArticle('leer.txt', Buffer.alloc(0))).toThrow('skipped: empty file');
    expect(() => parseArticle('leer.txt', Buffer.from('  \n\n '))).toThrow('skipped: empty file');
    expect(() =>
      parseArticle('bild.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01])),
    ).toThrow('skipped: binary file (contains NUL bytes), not a text article');
    expect(() =>
      parseArticle(
        'latin1.txt',
        Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x20, 0x61, 0x75, 0x73]),
      ),
    ).toThrow('skipped: not valid UTF-8 text (save the file as UTF-8)');
    expect(() =>
      parseArticle('kaputt.md', Buffer.from('---\ntitle: [unclosed\n---\nText.')),
    ).toThrow(/^skipped: broken front matter \(/);
    expect(() => parseArticle('offen.md', Buffer.from('---\ntitle: x\nText ohne Ende.'))).toThrow(
      'skipped: broken front matter (opening "---" without a closing "---" line)',
    );
    expect(() => parseArticle('liste.md', Buffer.from('---\n- a\n- b\n---\nText.'))).toThrow(
      'skipped: broken front matter (expected "key: value" lines such as "title: …")',
    );
    // A mapping would have become the title "[object Object]".
    expect(() =>
      parseArticle('karte.md', Buffer.from('---\ntitle:\n  de: Titel\n---\nText.')),
    ).toThrow(
      'skipped: broken front matter ("title" must be one line of text, not a list or a mapping)',
    );
    expect(parseArticle('zahl.md', Buffer.from('---\ntitle: 1984\n---\nText.')).meta.title).toBe(
      '1984',
    );
  });
});

describe('readCorpus with bad files', () => {
  it('skips each bad file with one warning naming it and indexes the rest', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'gut.txt'), 'Ein guter Artikel. Er hat zwei Sätze.');
    writeFileSync(
      path.join(dir, 'sub', 'auch-gut.md'),
      '---\ntitle: Zweiter\n---\nNoch ein Artikel mit Text.',
    );
    writeFileSync(path.join(dir, 'leer.txt'), '');
    writeFileSync(path.join(dir, 'binär.txt'), Buffer.from([1, 2, 0, 3]));
    writeFileSync(path.join(dir, 'latin1.txt'), Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65]));
    writeFileSync(path.join(dir, 'kopie.txt'), 'Ein guter Artikel. Er hat zwei Sätze.');
    writeFileSync(path.join(dir, 'kaputt.md'), '---\ntitle: "nicht geschlossen\n---\nText.');
    writeFileSync(path.join(dir, 'tabelle.pdf'), '%PDF-1.4');
    writeFileSync(path.join(dir, '.versteckt.txt'), 'Nicht indexieren.');
    const { articles, warnings } = await readCorpus(dir, { maxBytes: 1000 });
    expect(articles.map((a) => a.file)).toEqual(['gut.txt', 'sub/auch-gut.md']);
    expect(warnings.map((w) => `${w.file}: ${w.message.replace(/ \(.*$/, '')}`)).toEqual([
      'binär.txt: skipped: binary file',
      'kaputt.md: skipped: broken front matter',
      'kopie.txt: skipped: duplicate of gut.txt',
      'latin1.txt: skipped: not valid UTF-8 text',
      'leer.txt: skipped: empty file',
      'tabelle.pdf: skipped: unsupported file type ".pdf"',
    ]);
  });

  it('truncates a 50 MB file at the size limit with a warning', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'riesig.txt');
    const paragraph = Buffer.from(
      'Ein Absatz über Nordkorea und Russland mit einigen Wörtern, der sich wiederholt. Noch ein Satz mit Ümläuten.\n\n',
    );
    const fd = openSync(file, 'w');
    const block = Buffer.concat(Array.from({ length: 1000 }, () => paragraph));
    for (let written = 0; written < 50_000_000; written += block.length) writeSync(fd, block);
    closeSync(fd);
    const { articles, warnings } = await readCorpus(dir, { maxBytes: 2_000_000 });
    expect(warnings).toEqual([
      {
        file: 'riesig.txt',
        message:
          'truncated: larger than the limit of 2000000 bytes; only the first part is indexed',
      },
    ]);
    expect(articles).toHaveLength(1);
    const text = articles[0]?.text ?? '';
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2_000_000);
    expect(text.endsWith('Noch ein Satz mit Ümläuten.')).toBe(true);
  });
});

describe('cleanBody', () => {
  it('takes "Von: X" as the author and drops captions, video notices and skip links', () => {
    const { text, derived } = cleanBody(
      'Von: mk\n1. Zum Inhalt springen\nErster Satz steht hier.\nFoto | Etwas\nBild: Agentur\nVideo-Titel\n02:13\nThis browser does not support the video element.\nLetzter Satz.',
    );
    expect(derived.author).toBe('mk');
    expect(text).toBe('Erster Satz steht hier.\nLetzter Satz.');
  });

  it('removes embedded tweets’ links and attributions, photo credits in brackets and share prompts', () => {
    const { text } = cleanBody(
      [
        'Thanks for the messages. pic.twitter.com/SGB8NEssCF Mittlerweile postete er ein Selfie.',
        'Großes Kino https://t.co/H0TUOwoa0Z pic.twitter.com/itr1Lrb2UK Der Protest geht weiter.',
        'Wir sind da — Ein Fan (@fan_123) September 6, 2015 Die Polizei bestätigte das.',
        'Der Minister (Foto: APA/Schlager) sprach am Montag.',
        'Jetzt teilen',
        'Share on Facebook',
      ].join('\n'),
    );
    expect(text).toBe(
      [
        'Thanks for the messages. Mittlerweile postete er ein Selfie.',
        'Großes Kino Der Protest geht weiter.',
        'Wir sind da Die Polizei bestätigte das.',
        'Der Minister sprach am Montag.',
      ].join('\n'),
    );
  });
});

describe('normalizeDate', () => {
  it('understands German, numeric and ISO dates', () => {
    expect(normalizeDate('13. September 2023')).toBe('2023-09-13');
    expect(normalizeDate('1.2.2024')).toBe('2024-02-01');
    expect(normalizeDate('2023-09-13T10:00:00Z')).toBe('2023-09-13');
    expect(normalizeDate('irgendwann')).toBeUndefined();
  });

  it('a day that is not in the calendar is no date', () => {
    for (const bad of [
      '31.02.2023',
      '2023-13-01',
      '2023-02-29',
      '30. Februar 2024',
      'February 30, 2024',
      '0.1.2024',
    ])
      expect(normalizeDate(bad), bad).toBeUndefined();
    expect(normalizeDate('29.02.2024')).toBe('2024-02-29');
    expect(normalizeDate('3000-01-01')).toBe('3000-01-01');
  });
});

describe('article dates', () => {
  it('an agency stamp dates an undated article, the last one counts; front matter wins', () => {
    const stamped =
      'Wien – Der Text des Artikels. Noch ein Satz (Quelle: dpa, 1.1.2015). (APA, 19.5.2016)';
    expect(parseArticle('a.md', Buffer.from(stamped)).meta.date).toBe('2016-05-19');
    expect(
      parseArticle('b.md', Buffer.from('Ein Text. (red, 31.2.2016)')).meta.date,
    ).toBeUndefined();
    expect(
      parseArticle('c.md', Buffer.from(`---\ndate: 2016-05-01\n---\n${stamped}`)).meta.date,
    ).toBe('2016-05-01');
    expect(
      parseArticle('d.md', Buffer.from('Ohne Stempel (siehe 2016).')).meta.date,
    ).toBeUndefined();
  });

  const page = (
    head: string,
  ) => `<!doctype html><html lang="de"><head><title>Seite</title>${head}</head><body><article><h1>Titel</h1>
    <p>Der erste Absatz des Artikels ist lang genug, damit Readability ihn als Inhalt erkennt und behält, auch mit Zahlen.</p>
    <p>Der zweite Absatz erzählt weiter, was geschah, und nennt Soldaten sowie weitere Zahlen, Orte und Namen dazu.</p>
    <p>Ein dritter Absatz rundet den Text ab, damit genug Inhalt für die Erkennung vorhanden ist, wie bei echten Seiten.</p></article></body></html>`;

  it('HTML: JSON-LD datePublished, also inside @graph; a broken JSON-LD block is ignored', () => {
    const ld = (json: string) => `<script type="application/ld+json">${json}</script>`;
    expect(
      parseArticle(
        'a.html',
        Buffer.from(
          page(ld('{"@type":"NewsArticle","datePublished":"2023-09-13T08:00:00+02:00"}')),
        ),
      ).meta.date,
    ).toBe('2023-09-13');
    expect(
      parseArticle(
        'b.html',
        Buffer.from(
          page(
            ld(
              '{"@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","datePublished":"2024-01-02"}]}',
            ),
          ),
        ),
      ).meta.date,
    ).toBe('2024-01-02');
    expect(
      parseArticle(
        'c.html',
        Buffer.from(page(ld('{kaputt') + '<meta name="date" content="2022-05-06">')),
      ).meta.date,
    ).toBe('2022-05-06');
    expect(parseArticle('d.html', Buffer.from(page(''))).meta.date).toBeUndefined();
  });

  it('front matter or a header line with a date that is none: the article has no date', () => {
    expect(
      parseArticle('x.md', Buffer.from('---\ntitle: T\ndate: 31.02.2023\n---\nText.')).meta.date,
    ).toBeUndefined();
    expect(
      parseArticle('y.md', Buffer.from('---\ntitle: T\ndate: bald\n---\nText.')).meta.date,
    ).toBeUndefined();
    expect(
      parseArticle('z.md', Buffer.from('---\ntitle: T\ndate: 2023-09-13\n---\nText.')).meta.date,
    ).toBe('2023-09-13');
  });
});
