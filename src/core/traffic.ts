/**
 * Traffic counting, pure. WireGuard's transfer counters are per peer since the peer was last set on the
 * interface: they restart from 0 when the interface restarts, when the peer is removed and set again
 * (a /disable and /enable), or when a `wg syncconf` replaces it. A counter lower than last time therefore
 * means "restarted": everything it shows now is new. Totals only ever grow by these deltas.
 */
import { offsetAt } from './duration.js';
import type { Quota, QuotaFlags } from './quota.js';

export interface Counters {
  rx: number;
  tx: number;
}

/** The bytes a peer moved since `last` (the previous raw counters), given its raw counters now. */
export function counterDelta(last: Counters | undefined, now: Counters): Counters {
  if (!last) return { rx: now.rx, tx: now.tx };
  // Both counters restart together; either one lower means the peer was set anew.
  if (now.rx < last.rx || now.tx < last.tx) return { rx: now.rx, tx: now.tx };
  return { rx: now.rx - last.rx, tx: now.tx - last.tx };
}

/**
 * Bounded history of one peer: three rings of (rx, tx) sums, each slot one bucket of its resolution.
 * `head` is the newest bucket number (time / resolution); slots older than `slots` buckets are gone.
 */
export interface Tier {
  readonly seconds: number;
  readonly slots: number;
}

/** 1-minute points for 48 h, hourly for 35 days, daily (UTC days) for 400 days: 4,120 points, 33 KB a peer. */
export const TIERS: readonly Tier[] = [
  { seconds: 60, slots: 48 * 60 },
  { seconds: 3600, slots: 35 * 24 },
  { seconds: 86400, slots: 400 },
];

export interface Ring {
  /** Newest bucket number held (0: none yet). */
  head: number;
  /** slots × 2 values: rx at 2i, tx at 2i+1 (float32: 24 bits of precision per point, plenty for a chart). */
  values: Float32Array;
}

export const emptyRing = (tier: Tier): Ring => ({ head: 0, values: new Float32Array(tier.slots * 2) });

/** Add bytes to the bucket holding `atSeconds`; a bucket older than the ring holds is dropped. */
export function addToRing(ring: Ring, tier: Tier, atSeconds: number, delta: Counters): void {
  const bucket = Math.floor(atSeconds / tier.seconds);
  if (bucket > ring.head) {
    // Clear the slots between the old head and the new one (at most the whole ring).
    const clear = ring.head === 0 ? tier.slots : Math.min(tier.slots, bucket - ring.head);
    for (let i = 1; i <= clear; i++) {
      const slot = mod(ring.head + i, tier.slots);
      ring.values[2 * slot] = 0;
      ring.values[2 * slot + 1] = 0;
    }
    ring.head = bucket;
  } else if (bucket <= ring.head - tier.slots) return;
  const slot = mod(bucket, tier.slots);
  ring.values[2 * slot] = ring.values[2 * slot]! + delta.rx;
  ring.values[2 * slot + 1] = ring.values[2 * slot + 1]! + delta.tx;
}

export interface Point {
  /** Start of the bucket, Unix seconds. */
  at: number;
  rx: number;
  tx: number;
}

/** The ring's buckets from `fromSeconds` up to `toSeconds` (inclusive), oldest first, zeros included. */
export function readRing(ring: Ring, tier: Tier, fromSeconds: number, toSeconds: number): Point[] {
  const first = Math.max(Math.floor(fromSeconds / tier.seconds), ring.head - tier.slots + 1);
  const last = Math.floor(toSeconds / tier.seconds);
  const out: Point[] = [];
  for (let b = first; b <= last; b++) {
    if (b > ring.head || ring.head === 0) out.push({ at: b * tier.seconds, rx: 0, tx: 0 });
    else {
      const slot = mod(b, tier.slots);
      out.push({ at: b * tier.seconds, rx: ring.values[2 * slot]!, tx: ring.values[2 * slot + 1]! });
    }
  }
  return out;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

export type TrafficRange = '24h' | '7d' | '30d' | '90d';
export const TRAFFIC_RANGES: readonly TrafficRange[] = ['24h', '7d', '30d', '90d'];

/** Which tier draws a range, and how many of its buckets make one point of the chart. */
export function rangePlan(range: TrafficRange): { seconds: number; tier: number; group: number } {
  switch (range) {
    case '24h':
      return { seconds: 86400, tier: 0, group: 10 }; // 144 points of 10 minutes
    case '7d':
      return { seconds: 7 * 86400, tier: 1, group: 1 };
    case '30d':
      return { seconds: 30 * 86400, tier: 1, group: 6 };
    case '90d':
      return { seconds: 90 * 86400, tier: 2, group: 1 };
  }
}

/** Sum consecutive points in groups of `group` (the first point's time names the group). */
export function groupPoints(points: readonly Point[], group: number): Point[] {
  if (group <= 1) return [...points];
  const out: Point[] = [];
  for (let i = 0; i < points.length; i += group) {
    const slice = points.slice(i, i + group);
    out.push({ at: slice[0]!.at, rx: slice.reduce((s, p) => s + p.rx, 0), tx: slice.reduce((s, p) => s + p.tx, 0) });
  }
  return out;
}

/**
 * The start of the quota month holding `nowMs`: day `resetDay` (1–28) at 00:00 in the time zone whose
 * UTC offset at a moment `offsetMinutes` gives. Returned as "YYYY-MM-DD" (a key that changes once a month).
 */
export function quotaMonthKey(nowMs: number, resetDay: number, offsetMinutes: (ms: number) => number): string {
  const local = new Date(nowMs + offsetMinutes(nowMs) * 60_000);
  let y = local.getUTCFullYear();
  let m = local.getUTCMonth();
  if (local.getUTCDate() < resetDay) {
    m -= 1;
    if (m < 0) {
      m = 11;
      y -= 1;
    }
  }
  return `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-${String(resetDay).padStart(2, '0')}`;
}

/** UTC offset in minutes of `timeZone` at `ms` (undefined zone = the system's). */
export function zoneOffsetMinutes(timeZone: string | undefined, ms: number): number {
  return Math.round(offsetAt(ms, timeZone) / 60_000);
}

export interface PeerTraffic {
  name: string;
  total: Counters;
  /** Raw counters at the last sample (absent: not live then, so they restart from 0). */
  last?: Counters;
  /** Unix seconds of the last sample that counted bytes. */
  lastAt: number;
  month: { key: string; used: number };
  quota?: Quota;
  quotaFlags?: QuotaFlags;
  notify?: boolean;
}

export interface TrafficState {
  version: 1;
  /** Admins get every peer's notices (/notify all on). */
  notifyAll: boolean;
  /** By public key. */
  peers: Record<string, PeerTraffic>;
}

export interface TrafficRings {
  rings: Ring[];
  /** The totals these rings include. */
  total: Counters;
}

/** src/store/traffic-store.ts */
export interface TrafficStore {
  load(): Promise<TrafficState | undefined>;
  saveState(state: TrafficState): Promise<void>;
  readRings(publicKey: string): Promise<TrafficRings>;
  writeRings(publicKey: string, rings: TrafficRings): Promise<void>;
  removeRings(publicKey: string): Promise<void>;
  diskBytes(): Promise<number>;
}
