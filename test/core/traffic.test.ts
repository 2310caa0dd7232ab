import { describe, expect, it } from 'vitest';
import { addToRing, counterDelta, emptyRing, groupPoints, quotaMonthKey, readRing, TIERS, zoneOffsetMinutes } from '../../src/core/traffic.js';

describe('counterDelta', () => {
  it('counts what the counters grew by', () => {
    expect(counterDelta({ rx: 100, tx: 50 }, { rx: 150, tx: 80 })).toEqual({ rx: 50, tx: 30 });
  });
  it('a lower counter means the interface or peer restarted: all of it is new', () => {
    expect(counterDelta({ rx: 1_000_000, tx: 500 }, { rx: 300, tx: 700 })).toEqual({ rx: 300, tx: 700 });
    expect(counterDelta({ rx: 10, tx: 5000 }, { rx: 20, tx: 4 })).toEqual({ rx: 20, tx: 4 });
  });
  it('no previous counters: everything shown is new', () => {
    expect(counterDelta(undefined, { rx: 7, tx: 9 })).toEqual({ rx: 7, tx: 9 });
  });
  it('a reset between samples never loses or double-counts (a sequence)', () => {
    const raw = [0, 100, 250, 40, 90, 90, 10];
    let last: { rx: number; tx: number } | undefined;
    let total = 0;
    for (const r of raw) {
      total += counterDelta(last, { rx: r, tx: 0 }).rx;
      last = { rx: r, tx: 0 };
    }
    // 250 before the first reset, 90 before the second, 10 after it.
    expect(total).toBe(250 + 90 + 10);
  });
});

describe('rings', () => {
  const minute = TIERS[0]!;
  it('adds into buckets and reads them back, zeros for quiet minutes', () => {
    const ring = emptyRing(minute);
    const t0 = 1_800_000_000 - (1_800_000_000 % 60);
    addToRing(ring, minute, t0 + 5, { rx: 10, tx: 1 });
    addToRing(ring, minute, t0 + 30, { rx: 5, tx: 2 });
    addToRing(ring, minute, t0 + 180, { rx: 7, tx: 3 });
    expect(readRing(ring, minute, t0, t0 + 180)).toEqual([
      { at: t0, rx: 15, tx: 3 },
      { at: t0 + 60, rx: 0, tx: 0 },
      { at: t0 + 120, rx: 0, tx: 0 },
      { at: t0 + 180, rx: 7, tx: 3 },
    ]);
  });
  it('is bounded: older buckets fall out and their slots are cleared for reuse', () => {
    const ring = emptyRing(minute);
    const t0 = 1_800_000_000 - (1_800_000_000 % 60);
    addToRing(ring, minute, t0, { rx: 99, tx: 99 });
    addToRing(ring, minute, t0 + minute.slots * 60, { rx: 1, tx: 1 }); // same slot, one lap later
    const points = readRing(ring, minute, t0 - 600, t0 + minute.slots * 60);
    expect(points.length).toBe(minute.slots);
    expect(points.reduce((s, p) => s + p.rx, 0)).toBe(1);
    // A bucket older than the ring is ignored.
    addToRing(ring, minute, t0 - 60, { rx: 5, tx: 5 });
    expect(readRing(ring, minute, t0 - 600, t0 + minute.slots * 60).reduce((s, p) => s + p.rx, 0)).toBe(1);
  });
  it('groups points', () => {
    expect(
      groupPoints(
        [
          { at: 0, rx: 1, tx: 2 },
          { at: 60, rx: 3, tx: 4 },
          { at: 120, rx: 5, tx: 6 },
        ],
        2,
      ),
    ).toEqual([
      { at: 0, rx: 4, tx: 6 },
      { at: 120, rx: 5, tx: 6 },
    ]);
  });
});

describe('quota months', () => {
  it('start on the reset day at midnight in the time zone', () => {
    const tokyo = (ms: number) => zoneOffsetMinutes('Asia/Tokyo', ms);
    expect(tokyo(Date.UTC(2026, 0, 1))).toBe(540);
    // 2026-12-31 15:30 UTC is 2027-01-01 00:30 in Tokyo.
    expect(quotaMonthKey(Date.UTC(2026, 11, 31, 15, 30), 1, tokyo)).toBe('2027-01-01');
    expect(quotaMonthKey(Date.UTC(2026, 11, 31, 14, 30), 1, tokyo)).toBe('2026-12-01');
    expect(quotaMonthKey(Date.UTC(2026, 11, 14, 12), 15, () => 0)).toBe('2026-11-15');
    expect(quotaMonthKey(Date.UTC(2026, 0, 10), 15, () => 0)).toBe('2025-12-15');
    expect(quotaMonthKey(Date.UTC(2026, 0, 15), 15, () => 0)).toBe('2026-01-15');
  });
});
