/**
 * The index's only module that imports better-sqlite3 (src/bot/feedbackStore.ts keeps the bot's own
 * file). One SQLite file per index folder: articles (with
 * their full text, the source of every quote), sentences, chunks (with their vectors, so an
 * incremental build reuses them), a vector per distinct sentence text (the answerer's dense
 * evidence, so a question does not wait for the model to embed its candidate sentences), and a
 * contentless FTS5 table over stemmed chunk text.
 */
import Database from 'better-sqlite3';
import type { ArticleMeta } from '../ingest/ingest.js';

export interface StoredArticle {
  /** Row id inside this index (not stable across builds). */
  readonly row: number;
  readonly id: string;
  readonly file: string;
  readonly meta: ArticleMeta;
  readonly text: string;
  readonly hash: string;
}

export interface StoredSentence {
  readonly id: number;
  readonly article: number;
  readonly start: number;
  readonly end: number;
  readonly paragraph: number;
  readonly heading: boolean;
}

export interface StoredChunk {
  readonly id: number;
  readonly article: number;
  readonly start: number;
  readonly end: number;
  /** Global sentence ids, inclusive. */
  readonly firstSentence: number;
  readonly lastSentence: number;
}

const SCHEMA = `
CREATE TABLE articles (
  row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, file TEXT NOT NULL, title TEXT NOT NULL,
  source TEXT, author TEXT, date TEXT, url TEXT, lang TEXT, text TEXT NOT NULL, hash TEXT NOT NULL
);
-- Time windows ("letzte Woche", "im September 2023") look articles up by date.
CREATE INDEX articles_date ON articles(date);
CREATE TABLE sentences (
  id INTEGER PRIMARY KEY, article INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  paragraph INTEGER NOT NULL, heading INTEGER NOT NULL, text_hash TEXT
);
-- One vector per distinct sentence text (indexes built before stop 10 have no such table).
CREATE TABLE sentence_vectors (hash TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
CREATE INDEX sentences_article ON sentences(article);
CREATE TABLE chunks (
  id INTEGER PRIMARY KEY, article INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  first_sentence INTEGER NOT NULL, last_sentence INTEGER NOT NULL, text_hash TEXT NOT NULL, vector BLOB
);
CREATE INDEX chunks_article ON chunks(article);
CREATE INDEX chunks_hash ON chunks(text_hash);
CREATE VIRTUAL TABLE chunks_fts USING fts5(stems, content='', tokenize='unicode61 remove_diacritics 0');
-- Chunks per stem, written once per build. (An fts5vocab table answers the same question but
-- scans: 4-13 ms per question at 100k chunks, against microseconds here.)
CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
`;

export interface StoreWriter {
  addArticle(article: Omit<StoredArticle, 'row'>): number;
  addSentence(sentence: Omit<StoredSentence, 'id'> & { textHash?: string | null }): number;
  /** The vector of a sentence text; a text already stored is skipped. */
  addSentenceVector(textHash: string, vector: Float32Array): void;
  addChunk(
    chunk: Omit<StoredChunk, 'id'> & {
      textHash: string;
      vector: Float32Array | null;
      stems: string;
    },
  ): number;
  /** Everything written so far becomes visible atomically. */
  commit(): void;
  close(): void;
}

export function createStoreDb(file: string): StoreWriter {
  const db = new Database(file);
  db.pragma('journal_mode = OFF'); // a fresh file in a private folder: a crash means the folder is discarded
  db.pragma('synchronous = OFF');
  db.exec(SCHEMA);
  const insArticle = db.prepare(
    'INSERT INTO articles (id, file, title, source, author, date, url, lang, text, hash) VALUES (?,?,?,?,?,?,?,?,?,?)',
  );
  const insSentence = db.prepare(
    'INSERT INTO sentences (article, start, "end", paragraph, heading, text_hash) VALUES (?,?,?,?,?,?)',
  );
  const insSentenceVector = db.prepare(
    'INSERT OR IGNORE INTO sentence_vectors (hash, vector) VALUES (?, ?)',
  );
  const insChunk = db.prepare(
    'INSERT INTO chunks (article, start, "end", first_sentence, last_sentence, text_hash, vector) VALUES (?,?,?,?,?,?,?)',
  );
  const insFts = db.prepare('INSERT INTO chunks_fts (rowid, stems) VALUES (?, ?)');
  const insTerm = db.prepare('INSERT INTO terms (term, df) VALUES (?, ?)');
  const df = new Map<string, number>();
  db.exec('BEGIN');
  return {
    addArticle(a) {
      const m = a.meta;
      return Number(
        insArticle.run(
          a.id,
          a.file,
          m.title,
          m.source ?? null,
          m.author ?? null,
          m.date ?? null,
          m.url ?? null,
          m.lang ?? null,
          a.text,
          a.hash,
        ).lastInsertRowid,
      );
    },
    addSentence(s) {
      return Number(
        insSentence.run(
          s.article,
          s.start,
          s.end,
          s.paragraph,
          s.heading ? 1 : 0,
          s.textHash ?? null,
        ).lastInsertRowid,
      );
    },
    addSentenceVector(textHash, vector) {
      insSentenceVector.run(textHash, toBlob(vector));
    },
    addChunk(c) {
      const vector = c.vector ? toBlob(c.vector) : null;
      const id = Number(
        insChunk.run(c.article, c.start, c.end, c.firstSentence, c.lastSentence, c.textHash, vector)
          .lastInsertRowid,
      );
      insFts.run(id, c.stems);
      for (const term of new Set(c.stems.split(' ')))
        if (term) df.set(term, (df.get(term) ?? 0) + 1);
      return id;
    },
    commit() {
      for (const [term, n] of df) insTerm.run(term, n);
      db.exec('COMMIT');
      db.exec("INSERT INTO chunks_fts(chunks_fts) VALUES('optimize')");
    },
    close() {
      if (db.inTransaction) db.exec('ROLLBACK');
      db.close();
    },
  };
}

export interface StoreReader {
  articles(): StoredArticle[];
  article(row: number): StoredArticle | undefined;
  articleById(id: string): StoredArticle | undefined;
  chunk(id: number): StoredChunk | undefined;
  sentencesOf(article: number, from: number, to: number): StoredSentence[];
  /**
   * BM25 over stemmed chunk text; higher score is better. `all`: every stem must occur. `within`:
   * only these chunks.
   */
  lexicalSearch(
    stems: readonly string[],
    k: number,
    all?: boolean,
    within?: readonly number[],
  ): Array<{ chunk: number; score: number }>;
  /** Rows of the articles dated from `from` to `to` (ISO days, inclusive; null: open), by date. */
  articleRowsDated(from: string | null, to: string | null): number[];
  /** The newest article date, or null when no article is dated. */
  newestDate(): string | null;
  /**
   * The chunks of these articles, and the ids the vector index holds for their texts (one per
   * distinct text).
   */
  chunksOf(articles: readonly number[]): { chunks: number[]; labels: number[] };
  /** An article's first `n` sentences that are not headings. */
  leadSentences(article: number, n: number): StoredSentence[];
  /** Number of chunks containing each stem. */
  documentFrequencies(stems: readonly string[]): Map<string, number>;
  chunkCount(): number;
  /**
   * For each chunk: itself and up to `limit` - 1 others with exactly the same text, by id. One
   * query for all (30 HNSW hits per question: 0.6 ms as single queries, 0.18 ms batched).
   */
  sameTexts(chunks: readonly number[], limit: number): number[][];
  /** Every chunk's vector by its text hash: what an incremental build reuses. */
  vectorsByTextHash(): Map<string, Float32Array>;
  /** Stored vectors of these sentences, by sentence id (none for an index without them). */
  sentenceVectors(ids: readonly number[]): Map<number, Float32Array>;
  /** Stored vectors of these sentence texts, by text hash: what an incremental build reuses. */
  sentenceVectorsByHash(hashes: readonly string[]): Map<string, Float32Array>;
  /** One vector per distinct chunk text (the lowest chunk id): what the HNSW index holds. */
  chunkVectors(): Iterable<{ id: number; vector: Float32Array }>;
  close(): void;
}

interface ArticleRow {
  row: number;
  id: string;
  file: string;
  title: string;
  source: string | null;
  author: string | null;
  date: string | null;
  url: string | null;
  lang: string | null;
  text: string;
  hash: string;
}

function toArticle(r: ArticleRow): StoredArticle {
  const meta: ArticleMeta = { title: r.title };
  if (r.source) meta.source = r.source;
  if (r.author) meta.author = r.author;
  if (r.date) meta.date = r.date;
  if (r.url) meta.url = r.url;
  if (r.lang) meta.lang = r.lang;
  return { row: r.row, id: r.id, file: r.file, meta, text: r.text, hash: r.hash };
}

function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function toVector(blob: Buffer): Float32Array {
  // Copy: the Buffer may not be 4-byte aligned.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

export function openStoreDb(file: string): StoreReader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  // 32 MB of page cache instead of SQLite's 2 MB: article texts and chunk rows of a large
  // archive stay in memory after first use (fetches were p95 9 ms at 100k chunks without it).
  db.pragma('cache_size = -32768');
  const articleCache = new Map<number, StoredArticle>();
  const qArticle = db.prepare('SELECT * FROM articles WHERE row = ?');
  const qArticleById = db.prepare('SELECT * FROM articles WHERE id = ?');
  const qChunk = db.prepare(
    'SELECT id, article, start, "end", first_sentence AS firstSentence, last_sentence AS lastSentence FROM chunks WHERE id = ?',
  );
  const qSentences = db.prepare(
    'SELECT id, article, start, "end", paragraph, heading FROM sentences WHERE article = ? AND id BETWEEN ? AND ? ORDER BY id',
  );
  const qLexical = db.prepare(
    'SELECT rowid AS chunk, -bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?',
  );
  // For AND queries: score only the first 300 matches in index order, not every match. Real
  // intersections of rare stems are far smaller than this; when they are not, the matches are
  // near-copies of each other (syndicated or templated text) and any of them serves.
  const qLexicalBounded = db.prepare(
    'SELECT rowid AS chunk, -bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT 300',
  );
  const qLexicalWithin = db.prepare(
    'SELECT rowid AS chunk, -bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?)) ORDER BY bm25(chunks_fts) LIMIT ?',
  );
  const qDated = db.prepare(
    "SELECT row FROM articles WHERE date IS NOT NULL AND date <> '' AND date >= ? AND date <= ? ORDER BY date DESC, id",
  );
  const qNewest = db.prepare(
    "SELECT max(date) AS d FROM articles WHERE date IS NOT NULL AND date <> ''",
  );
  const qChunksOf = db.prepare(
    'SELECT c.id AS id, (SELECT min(c2.id) FROM chunks c2 WHERE c2.text_hash = c.text_hash) AS label FROM json_each(?) j JOIN chunks c ON c.article = j.value',
  );
  const qLead = db.prepare(
    'SELECT id, article, start, "end", paragraph, heading FROM sentences WHERE article = ? AND heading = 0 ORDER BY id LIMIT ?',
  );
  const qDf = db.prepare('SELECT df FROM terms WHERE term = ?');
  const qCount = db.prepare('SELECT count(*) AS n FROM chunks');
  const hasSentenceVectors =
    db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sentence_vectors'")
      .get() !== undefined;
  const qSentenceVectors = hasSentenceVectors
    ? db.prepare(
        'SELECT s.id AS id, v.vector AS v FROM json_each(?) j JOIN sentences s ON s.id = j.value JOIN sentence_vectors v ON v.hash = s.text_hash',
      )
    : null;
  const qSentenceVectorsByHash = hasSentenceVectors
    ? db.prepare(
        'SELECT v.hash AS h, v.vector AS v FROM json_each(?) j JOIN sentence_vectors v ON v.hash = j.value',
      )
    : null;
  const qSame = db.prepare(
    'SELECT j.value AS hit, (SELECT json_group_array(id) FROM (SELECT c.id FROM chunks c WHERE c.text_hash = (SELECT text_hash FROM chunks WHERE id = j.value) ORDER BY c.id LIMIT ?)) AS ids FROM json_each(?) j',
  );
  return {
    articles: () =>
      (db.prepare('SELECT * FROM articles ORDER BY id').all() as ArticleRow[]).map(toArticle),
    article(row) {
      let a = articleCache.get(row);
      if (!a) {
        const r = qArticle.get(row) as ArticleRow | undefined;
        if (!r) return undefined;
        a = toArticle(r);
        if (articleCache.size > 2000) articleCache.clear();
        articleCache.set(row, a);
      }
      return a;
    },
    articleById(id) {
      const r = qArticleById.get(id) as ArticleRow | undefined;
      return r ? toArticle(r) : undefined;
    },
    chunk: (id) => qChunk.get(id) as StoredChunk | undefined,
    sentencesOf: (article, from, to) =>
      (
        qSentences.all(article, from, to) as Array<
          Omit<StoredSentence, 'heading'> & { heading: number }
        >
      ).map((s) => ({ ...s, heading: s.heading === 1 })),
    lexicalSearch(stems, k, all = false, within) {
      if (stems.length === 0) return [];
      const match = stems.map((s) => `"${s.replace(/"/g, '""')}"`).join(all ? ' AND ' : ' OR ');
      if (within)
        return within.length
          ? (qLexicalWithin.all(match, JSON.stringify(within), k) as Array<{
              chunk: number;
              score: number;
            }>)
          : [];
      if (!all) return qLexical.all(match, k) as Array<{ chunk: number; score: number }>;
      const rows = qLexicalBounded.all(match) as Array<{ chunk: number; score: number }>;
      return rows.sort((a, b) => b.score - a.score || a.chunk - b.chunk).slice(0, k);
    },
    articleRowsDated: (from, to) =>
      (qDated.all(from ?? '0000-00-00', to ?? '9999-99-99') as Array<{ row: number }>).map(
        (r) => r.row,
      ),
    newestDate: () => (qNewest.get() as { d: string | null }).d,
    chunksOf(articles) {
      const rows = qChunksOf.all(JSON.stringify(articles)) as Array<{ id: number; label: number }>;
      return { chunks: rows.map((r) => r.id), labels: [...new Set(rows.map((r) => r.label))] };
    },
    leadSentences: (article, n) =>
      (qLead.all(article, n) as Array<Omit<StoredSentence, 'heading'> & { heading: number }>).map(
        (r) => ({ ...r, heading: r.heading === 1 }),
      ),
    documentFrequencies(stems) {
      const out = new Map<string, number>();
      for (const s of stems) out.set(s, (qDf.get(s) as { df: number } | undefined)?.df ?? 0);
      return out;
    },
    chunkCount: () => (qCount.get() as { n: number }).n,
    sameTexts(chunks, limit) {
      if (chunks.length === 0) return [];
      const rows = qSame.all(limit, JSON.stringify(chunks)) as Array<{ hit: number; ids: string }>;
      const byHit = new Map(rows.map((r) => [r.hit, JSON.parse(r.ids) as number[]]));
      return chunks.map((c) => byHit.get(c) ?? []);
    },
    vectorsByTextHash() {
      const out = new Map<string, Float32Array>();
      for (const r of db
        .prepare('SELECT text_hash AS h, vector AS v FROM chunks WHERE vector IS NOT NULL')
        .iterate() as Iterable<{ h: string; v: Buffer }>) {
        out.set(r.h, toVector(r.v));
      }
      return out;
    },
    sentenceVectors(ids) {
      if (!qSentenceVectors || ids.length === 0) return new Map();
      return new Map(
        (qSentenceVectors.all(JSON.stringify(ids)) as Array<{ id: number; v: Buffer }>).map((r) => [
          r.id,
          toVector(r.v),
        ]),
      );
    },
    sentenceVectorsByHash(hashes) {
      if (!qSentenceVectorsByHash || hashes.length === 0) return new Map();
      return new Map(
        (qSentenceVectorsByHash.all(JSON.stringify(hashes)) as Array<{ h: string; v: Buffer }>).map(
          (r) => [r.h, toVector(r.v)],
        ),
      );
    },
    *chunkVectors() {
      const sql =
        'SELECT id, vector AS v FROM chunks WHERE vector IS NOT NULL AND id IN (SELECT min(id) FROM chunks GROUP BY text_hash) ORDER BY id';
      for (const r of db.prepare(sql).iterate() as Iterable<{ id: number; v: Buffer }>) {
        yield { id: r.id, vector: toVector(r.v) };
      }
    },
    close: () => db.close(),
  };
}
