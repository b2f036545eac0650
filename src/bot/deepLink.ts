/**
 * Deep links to an article's card: `t.me/<bot>?start=src_<payload>`. Telegram allows 1-64
 * characters of A-Z, a-z, 0-9, _ and - after `start=`; an article id that fits is used as it is,
 * any other by a hash of it (`src_h` + 24 hex digits), looked up among the indexed articles.
 */
import { createHash } from 'node:crypto';

const PREFIX = 'src_';
const SAFE_ID = /^[A-Za-z0-9_-]{1,60}$/;

function idHash(id: string): string {
  return `h${createHash('sha256').update(id).digest('hex').slice(0, 24)}`;
}

/** The start payload for an article id. */
export function articlePayload(id: string): string {
  return PREFIX + (SAFE_ID.test(id) ? id : idHash(id));
}

export function articleLink(botUsername: string, id: string): string {
  return `https://t.me/${encodeURIComponent(botUsername)}?start=${articlePayload(id)}`;
}

/**
 * The article a start payload names, among `ids`; null for another payload or an id not (or no
 * longer) indexed.
 */
export function articleFromPayload(
  payload: string,
  ids: () => Iterable<string>,
  has: (id: string) => boolean,
): string | null {
  if (!payload.startsWith(PREFIX)) return null;
  const rest = payload.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]{1,60}$/.test(rest)) return null;
  if (has(rest)) return rest;
  if (!/^h[0-9a-f]{24}$/.test(rest)) return null;
  for (const id of ids()) if (!SAFE_ID.test(id) && idHash(id) === rest) return id;
  return null;
}
