/** Sliding-window rate limiting per user key (in memory: a restart forgives, which is fine for abuse control). */
export interface RateLimiter {
  /** True if the key may act now (and counts this action). */
  take(key: string, now: number): boolean;
}

export function createRateLimiter(limit: number, windowMs: number): RateLimiter {
  const hits = new Map<string, number[]>();
  return {
    take(key, now) {
      const recent = (hits.get(key) ?? []).filter((t) => now - t < windowMs);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return false;
      }
      recent.push(now);
      hits.set(key, recent);
      // Forget idle keys so a flood of one-off strangers cannot grow the map forever.
      if (hits.size > 10_000) for (const [k, v] of hits) if (v.every((t) => now - t >= windowMs)) hits.delete(k);
      return true;
    },
  };
}
