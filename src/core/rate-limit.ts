/** Sliding-window rate limiting per user key (in memory: a restart forgives, which is fine for abuse control). */
export type RateDecision = 'ok' | 'limited' | 'silent';

export interface RateLimiter {
  /**
   * 'ok' if the key may act now (and counts this action); 'limited' the first time it is over the limit in
   * a window (tell them once); 'silent' after that, so a flood gets no flood of answers either.
   */
  take(key: string, now: number): RateDecision;
}

export function createRateLimiter(limit: number, windowMs: number): RateLimiter {
  const hits = new Map<string, { times: number[]; toldAt?: number }>();
  return {
    take(key, now) {
      const entry = hits.get(key) ?? { times: [] };
      entry.times = entry.times.filter((t) => now - t < windowMs);
      hits.set(key, entry);
      // Forget idle keys so a flood of one-off strangers cannot grow the map forever.
      if (hits.size > 10_000) for (const [k, v] of hits) if (v.times.every((t) => now - t >= windowMs)) hits.delete(k);
      if (entry.times.length < limit) {
        entry.times.push(now);
        return 'ok';
      }
      if (entry.toldAt !== undefined && now - entry.toldAt < windowMs) return 'silent';
      entry.toldAt = now;
      return 'limited';
    },
  };
}
