/**
 * The durable inbox: every update is written here before Telegram is told it arrived (polling:
 * before the next getUpdates offset moves past it; webhook: before the HTTP 200), and settled only
 * when its reply is sent (or its deliberate silence decided). A crash, a kill or a deploy loses
 * nothing: what was stored and not settled is handled again on the next start. Beside it, the
 * replies each update sent (by update id and order), so a handler run again does not send twice.
 *
 * One interface, so that a PostgreSQL implementation can serve it next; this one is SQLite in
 * DATA_DIR (WAL, full sync), its own file, which index builds never touch.
 */
import Database from 'better-sqlite3';
import type { Update } from 'grammy/types';

/** The inbox's file in DATA_DIR. */
export const INBOX_FILE = 'inbox.sqlite';

export interface InboxUpdate {
  readonly updateId: number;
  readonly update: Update;
  /** Tries so far, this one included. */
  readonly attempts: number;
}

export interface InboxStats {
  /** Stored, not yet handled (due now or later). */
  readonly waiting: number;
  /** Being handled now (by this process, or by one that stopped before settling them). */
  readonly inFlight: number;
  /** Given up on in the last 24 hours. */
  readonly givenUp24h: number;
}

export interface SentReply {
  readonly state: 'sending' | 'sent';
  /** Telegram's result of the call, as JSON, once sent. */
  readonly result: string | null;
}

export interface Inbox {
  /**
   * Store updates, durably, before they are confirmed to Telegram. An update id seen before (still
   * waiting, or settled within the last day) is ignored: Telegram's re-delivery. Returns how many
   * were new.
   */
  put(updates: readonly Update[], now?: number): number;
  /**
   * Up to `limit` updates to handle now, oldest first, at most one per chat and none of a chat
   * with an update in flight (so a chat's questions are answered in order); each one's attempt is
   * counted before it runs, so an update that crashes the process is not tried for ever.
   */
  take(limit: number, now?: number): InboxUpdate[];
  /** Done: the reply is sent, or none was needed. The update's content is dropped. */
  settle(updateId: number, now?: number): void;
  /** Failed this time: waiting again, not before `due` (ms). */
  retry(updateId: number, due: number, error: string): void;
  /** Failed for good: kept only as given up (no content), for /status. */
  giveUp(updateId: number, error: string, now?: number): void;
  /** In flight, not finished (a graceful stop): waiting again, this attempt not counted. */
  handBack(updateId: number): void;
  /** At start: updates left in flight by a process that stopped are waiting again. */
  recover(): number;
  /** When the next waiting update is due (ms), or null when none waits. */
  nextDue(): number | null;
  stats(now?: number): InboxStats;
  /** A reply an update's handler sent before (by its order within the handler), if any. */
  reply(updateId: number, seq: number): SentReply | null;
  /** About to send reply `seq` of an update (recorded before the call). */
  sending(updateId: number, seq: number, method: string, now?: number): void;
  /** Reply `seq` was sent; Telegram's result is kept until the update is settled. */
  sent(updateId: number, seq: number, result: string): void;
  /** Settled and given-up rows older than a day are forgotten. Returns how many. */
  purge(now?: number): number;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS updates (
  update_id INTEGER PRIMARY KEY,
  chat TEXT NOT NULL,
  payload TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  due INTEGER NOT NULL,
  received INTEGER NOT NULL,
  finished INTEGER,
  error TEXT
);
CREATE INDEX IF NOT EXISTS updates_state ON updates(state, chat, update_id);
CREATE INDEX IF NOT EXISTS updates_finished ON updates(finished) WHERE finished IS NOT NULL;
CREATE TABLE IF NOT EXISTS replies (
  update_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  method TEXT NOT NULL,
  state TEXT NOT NULL,
  result TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (update_id, seq)
) WITHOUT ROWID;
`;

const DAY_MS = 86_400_000;

/**
 * The key updates are ordered by: the chat, else the user (callback queries without a message),
 * else the update itself. Inline queries are not ordered at all: each keystroke's query is its own,
 * and the debounce needs a newer one to arrive while an older one waits.
 */
export function chatKey(update: Update): string {
  if (update.inline_query) return `x${update.update_id}`;
  const u = update as unknown as Record<string, unknown>;
  for (const value of Object.values(u)) {
    if (!value || typeof value !== 'object') continue;
    const v = value as {
      chat?: { id?: number };
      message?: { chat?: { id?: number } };
      from?: { id?: number };
    };
    const chat = v.chat?.id ?? v.message?.chat?.id;
    if (chat !== undefined) return `c${chat}`;
    if (v.from?.id !== undefined) return `u${v.from.id}`;
  }
  return `x${update.update_id}`;
}

export function openInbox(file: string): Inbox {
  const db = new Database(file);
  // Pages freed by the purge go back to the file system (set before the first table exists).
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO updates (update_id, chat, payload, state, attempts, due, received)
     VALUES (?, ?, ?, 'waiting', 0, ?, ?)`,
  );
  const putAll = db.transaction((updates: readonly Update[], now: number) => {
    let added = 0;
    for (const u of updates)
      added += insert.run(u.update_id, chatKey(u), JSON.stringify(u), now, now).changes;
    return added;
  });
  // The oldest due update of each chat with nothing in flight, oldest first.
  const ready = db.prepare(
    `SELECT update_id, payload, attempts FROM updates w
     WHERE state = 'waiting' AND due <= ?
       AND update_id = (SELECT MIN(update_id) FROM updates x
                        WHERE x.chat = w.chat AND x.state = 'waiting' AND x.due <= ?)
       AND NOT EXISTS (SELECT 1 FROM updates r WHERE r.chat = w.chat AND r.state = 'running')
     ORDER BY update_id LIMIT ?`,
  );
  const start = db.prepare(
    `UPDATE updates SET state = 'running', attempts = attempts + 1 WHERE update_id = ?`,
  );
  const takeAll = db.transaction((limit: number, now: number) => {
    const rows = ready.all(now, now, limit) as Array<{
      update_id: number;
      payload: string;
      attempts: number;
    }>;
    for (const r of rows) start.run(r.update_id);
    return rows.map((r) => ({
      updateId: r.update_id,
      update: JSON.parse(r.payload) as Update,
      attempts: r.attempts + 1,
    }));
  });
  const finish = db.prepare(
    `UPDATE updates SET state = ?, payload = NULL, finished = ?, error = ? WHERE update_id = ?`,
  );
  const dropReplies = db.prepare(`DELETE FROM replies WHERE update_id = ?`);
  const finishAll = db.transaction(
    (updateId: number, state: 'done' | 'given_up', now: number, error: string | null) => {
      finish.run(state, now, error, updateId);
      dropReplies.run(updateId);
    },
  );
  const retryOne = db.prepare(
    `UPDATE updates SET state = 'waiting', due = ?, error = ? WHERE update_id = ?`,
  );
  const handBackOne = db.prepare(
    `UPDATE updates SET state = 'waiting', attempts = MAX(0, attempts - 1) WHERE update_id = ? AND state = 'running'`,
  );
  const recoverAll = db.prepare(`UPDATE updates SET state = 'waiting' WHERE state = 'running'`);
  const nextDue = db.prepare(`SELECT MIN(due) AS due FROM updates WHERE state = 'waiting'`);
  const counts = db.prepare(
    `SELECT
       SUM(state = 'waiting') AS waiting,
       SUM(state = 'running') AS running,
       SUM(state = 'given_up' AND finished >= ?) AS given_up
     FROM updates`,
  );
  const replyOf = db.prepare(`SELECT state, result FROM replies WHERE update_id = ? AND seq = ?`);
  const sendingOne = db.prepare(
    `INSERT OR REPLACE INTO replies (update_id, seq, method, state, result, at) VALUES (?, ?, ?, 'sending', NULL, ?)`,
  );
  const sentOne = db.prepare(
    `UPDATE replies SET state = 'sent', result = ? WHERE update_id = ? AND seq = ?`,
  );
  const purgeOld = db.prepare(
    `DELETE FROM updates WHERE state IN ('done', 'given_up') AND finished < ?`,
  );
  return {
    put: (updates, now = Date.now()) => (updates.length ? putAll(updates, now) : 0),
    take: (limit, now = Date.now()) => (limit > 0 ? takeAll(limit, now) : []),
    settle: (updateId, now = Date.now()) => finishAll(updateId, 'done', now, null),
    retry: (updateId, due, error) => void retryOne.run(due, error.slice(0, 500), updateId),
    giveUp: (updateId, error, now = Date.now()) =>
      finishAll(updateId, 'given_up', now, error.slice(0, 500)),
    handBack: (updateId) => void handBackOne.run(updateId),
    recover: () => recoverAll.run().changes,
    nextDue: () => (nextDue.get() as { due: number | null }).due,
    stats: (now = Date.now()) => {
      const c = counts.get(now - DAY_MS) as {
        waiting: number | null;
        running: number | null;
        given_up: number | null;
      };
      return { waiting: c.waiting ?? 0, inFlight: c.running ?? 0, givenUp24h: c.given_up ?? 0 };
    },
    reply: (updateId, seq) => (replyOf.get(updateId, seq) as SentReply | undefined) ?? null,
    sending: (updateId, seq, method, now = Date.now()) =>
      void sendingOne.run(updateId, seq, method, now),
    sent: (updateId, seq, result) => void sentOne.run(result, updateId, seq),
    purge: (now = Date.now()) => {
      const n = purgeOld.run(now - DAY_MS).changes;
      if (n) {
        db.pragma('incremental_vacuum');
        db.pragma('wal_checkpoint(TRUNCATE)');
      }
      return n;
    },
    close: () => db.close(),
  };
}
