/**
 * What the bot keeps about its answers, beside the index and apart from it (a re-index never
 * touches it): one row per question answered or turned away, the places of the quotes it showed
 * or could show next (for the buttons under an answer, which must work after a restart), and the
 * readers' votes. Question text is kept only with STORE_QUESTIONS, and only for
 * QUESTION_RETENTION_DAYS. Every write is its own transaction in a WAL journal with full sync: a
 * crash loses at most the write under way.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { contentStems } from '../text.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS asked (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  found INTEGER NOT NULL,
  via TEXT NOT NULL,
  chat_id INTEGER,
  message_id INTEGER,
  question TEXT,
  topic TEXT
);
CREATE INDEX IF NOT EXISTS asked_at ON asked(at);
CREATE TABLE IF NOT EXISTS quotes (
  asked INTEGER NOT NULL,
  position INTEGER NOT NULL,
  shown INTEGER NOT NULL,
  article_id TEXT NOT NULL,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  text_hash TEXT NOT NULL,
  PRIMARY KEY (asked, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS votes (
  asked INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  vote INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (asked, user_id)
) WITHOUT ROWID;
`;

/**
 * Where a quote stood in its article, and a hash of its text to tell whether it still stands there.
 */
export interface QuoteRef {
  readonly position: number;
  /** Shown under the answer (true) or kept for "Weitere Zitate" (false). */
  readonly shown: boolean;
  readonly articleId: string;
  readonly start: number;
  readonly end: number;
  readonly textHash: string;
}

export interface AskedRow {
  readonly id: number;
  readonly at: number;
  readonly found: boolean;
  readonly chatId: number | null;
  readonly messageId: number | null;
}

export type VoteResult = 'recorded' | 'changed' | 'unchanged';

export interface GapGroup {
  /** The newest wording of the question. */
  readonly question: string;
  /** Questions of the group turned away or voted 👎. */
  readonly count: number;
  readonly lastAt: number;
}

export interface GapsReport {
  readonly turnedAway: number;
  readonly downVoted: number;
  /** Only when question texts are stored: the groups, most frequent first, then newest first. */
  readonly groups: GapGroup[] | null;
}

export interface FeedbackStore {
  /** Store one question and its quotes; returns its id (the buttons' reference). */
  recordAsked(entry: {
    question: string;
    found: boolean;
    via: 'chat' | 'inline';
    chatId?: number;
    quotes?: readonly QuoteRef[];
    now?: number;
  }): number;
  /** The message the answer was sent as: buttons are honoured only on it. */
  attachMessage(id: number, chatId: number, messageId: number): void;
  asked(id: number): AskedRow | null;
  quotes(id: number): QuoteRef[];
  /** One vote per user and answer: a second vote replaces the first. */
  vote(id: number, userId: number, up: boolean, now?: number): VoteResult;
  votes(id: number): { up: number; down: number };
  /** Questions turned away or voted 👎 since `since` (ms). */
  gaps(since: number): GapsReport;
  /** Forget question texts older than the retention; returns how many were forgotten. */
  purge(now?: number): number;
  readonly storeQuestions: boolean;
  readonly retentionDays: number;
  close(): void;
}

/** The hash a QuoteRef keeps of its text. */
export function quoteHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The question's content stems, sorted and distinct: questions in other words of the same content
 * group together.
 */
export function questionTopic(question: string): string {
  return [...new Set(contentStems(question))].sort().join(' ');
}

const DAY_MS = 86_400_000;

/** The store's file name inside DATA_DIR. */
export const FEEDBACK_FILE = 'feedback.sqlite';

export function openFeedbackStore(
  file: string,
  options: { storeQuestions: boolean; retentionDays: number },
): FeedbackStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 2000');
  db.exec(SCHEMA);
  const insAsked = db.prepare(
    'INSERT INTO asked (at, found, via, chat_id, question, topic) VALUES (?,?,?,?,?,?)',
  );
  const insQuote = db.prepare(
    'INSERT INTO quotes (asked, position, shown, article_id, start, "end", text_hash) VALUES (?,?,?,?,?,?,?)',
  );
  const setMessage = db.prepare('UPDATE asked SET chat_id = ?, message_id = ? WHERE id = ?');
  const getAsked = db.prepare<
    [number],
    { id: number; at: number; found: number; chat_id: number | null; message_id: number | null }
  >('SELECT id, at, found, chat_id, message_id FROM asked WHERE id = ?');
  const getQuotes = db.prepare<
    [number],
    {
      position: number;
      shown: number;
      article_id: string;
      start: number;
      end: number;
      text_hash: string;
    }
  >(
    'SELECT position, shown, article_id, start, "end", text_hash FROM quotes WHERE asked = ? ORDER BY position',
  );
  const getVote = db.prepare<[number, number], { vote: number }>(
    'SELECT vote FROM votes WHERE asked = ? AND user_id = ?',
  );
  const putVote = db.prepare(
    'INSERT INTO votes (asked, user_id, vote, at) VALUES (?,?,?,?) ON CONFLICT (asked, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at',
  );
  const countVotes = db.prepare<[number], { up: number | null; down: number | null }>(
    'SELECT SUM(vote = 1) AS up, SUM(vote = -1) AS down FROM votes WHERE asked = ?',
  );
  // A question counts once: turned away, or answered and voted 👎 by more readers than 👍.
  const gapRows = db.prepare<
    [number],
    { at: number; found: number; question: string | null; topic: string | null }
  >(`
    SELECT a.at, a.found, a.question, a.topic FROM asked a
    WHERE a.at >= ? AND (a.found = 0 OR (SELECT SUM(v.vote) FROM votes v WHERE v.asked = a.id) < 0)
    ORDER BY a.at DESC`);
  const forget = db.prepare(
    'UPDATE asked SET question = NULL, topic = NULL WHERE at < ? AND (question IS NOT NULL OR topic IS NOT NULL)',
  );
  const addWithQuotes = db.transaction((row: unknown[], quotes: readonly QuoteRef[]) => {
    const id = Number(insAsked.run(...row).lastInsertRowid);
    for (const q of quotes)
      insQuote.run(id, q.position, q.shown ? 1 : 0, q.articleId, q.start, q.end, q.textHash);
    return id;
  });

  const store: FeedbackStore = {
    storeQuestions: options.storeQuestions,
    retentionDays: options.retentionDays,
    recordAsked({ question, found, via, chatId, quotes = [], now = Date.now() }) {
      const text = options.storeQuestions ? question : null;
      const topic = options.storeQuestions ? questionTopic(question) : null;
      return addWithQuotes([now, found ? 1 : 0, via, chatId ?? null, text, topic], quotes);
    },
    attachMessage(id, chatId, messageId) {
      setMessage.run(chatId, messageId, id);
    },
    asked(id) {
      const row = getAsked.get(id);
      return row
        ? {
            id: row.id,
            at: row.at,
            found: row.found === 1,
            chatId: row.chat_id,
            messageId: row.message_id,
          }
        : null;
    },
    quotes(id) {
      return getQuotes.all(id).map((q) => ({
        position: q.position,
        shown: q.shown === 1,
        articleId: q.article_id,
        start: q.start,
        end: q.end,
        textHash: q.text_hash,
      }));
    },
    vote(id, userId, up, now = Date.now()) {
      const vote = up ? 1 : -1;
      const before = getVote.get(id, userId)?.vote;
      if (before === vote) return 'unchanged';
      putVote.run(id, userId, vote, now);
      return before === undefined ? 'recorded' : 'changed';
    },
    votes(id) {
      const row = countVotes.get(id);
      return { up: row?.up ?? 0, down: row?.down ?? 0 };
    },
    gaps(since) {
      const rows = gapRows.all(since);
      const turnedAway = rows.filter((r) => r.found === 0).length;
      if (!options.storeQuestions)
        return { turnedAway, downVoted: rows.length - turnedAway, groups: null };
      const groups = new Map<string, { question: string; count: number; lastAt: number }>();
      for (const r of rows) {
        if (r.question === null) continue; // asked before STORE_QUESTIONS was on, or purged
        const key = r.topic || r.question.toLowerCase();
        const group = groups.get(key);
        if (group) group.count++;
        else groups.set(key, { question: r.question, count: 1, lastAt: r.at }); // rows come newest first
      }
      const sorted = [...groups.values()].sort((a, b) => b.count - a.count || b.lastAt - a.lastAt);
      return { turnedAway, downVoted: rows.length - turnedAway, groups: sorted };
    },
    purge(now = Date.now()) {
      return forget.run(now - options.retentionDays * DAY_MS).changes;
    },
    close() {
      db.close();
    },
  };
  store.purge();
  return store;
}
