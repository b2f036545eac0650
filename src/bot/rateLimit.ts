/** A sliding one-minute window per key (user, chat), in memory. */
export interface RateLimiter {
  /** true when this event is allowed; records it. */
  hit(key: string, now?: number): boolean;
  /** true once per window after the limit was reached: when to tell the user. */
  shouldWarn(key: string, now?: number): boolean;
}

export function createRateLimiter(perMinute: number, windowMs = 60_000): RateLimiter {
  const events = new Map<string, number[]>();
  const warned = new Map<string, number>();
  const prune = (key: string, now: number) => {
    const list = (events.get(key) ?? []).filter((t) => now - t < windowMs);
    if (list.length) events.set(key, list);
    else events.delete(key);
    return list;
  };
  return {
    hit(key, now = Date.now()) {
      const list = prune(key, now);
      if (list.length >= perMinute) return false;
      list.push(now);
      events.set(key, list);
      if (events.size > 50_000) for (const k of events.keys()) prune(k, now);
      return true;
    },
    shouldWarn(key, now = Date.now()) {
      const last = warned.get(key);
      if (last !== undefined && now - last < windowMs) return false;
      warned.set(key, now);
      return true;
    },
  };
}
