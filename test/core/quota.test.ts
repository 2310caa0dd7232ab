import { describe, expect, it } from 'vitest';
import { stepQuota } from '../../src/core/quota.js';

const q = { bytes: 1000, period: 'month' as const };

describe('quota decisions', () => {
  it('warns once at 80 %, disables once at 100 %', () => {
    let r = stepQuota(q, undefined, '2026-12-01', 500, true);
    expect(r.actions).toEqual([]);
    r = stepQuota(q, r.flags, '2026-12-01', 800, true);
    expect(r.actions).toEqual(['warn']);
    r = stepQuota(q, r.flags, '2026-12-01', 900, true);
    expect(r.actions).toEqual([]);
    r = stepQuota(q, r.flags, '2026-12-01', 1000, true);
    expect(r.actions).toEqual(['disable']);
    // Enabled again by an admin in the same month: not disabled again.
    r = stepQuota(q, r.flags, '2026-12-01', 1500, true);
    expect(r.actions).toEqual([]);
  });
  it('jumping past 100 % at once disables without a warning first', () => {
    expect(stepQuota(q, undefined, 'total', 5000, true).actions).toEqual(['disable']);
  });
  it('a peer already disabled is not disabled again', () => {
    expect(stepQuota(q, undefined, 'total', 5000, false).actions).toEqual([]);
  });
  it('a new month starts with fresh flags', () => {
    const r = stepQuota(q, { periodKey: '2026-11-01', warned: true, disabled: true }, '2026-12-01', 850, true);
    expect(r.actions).toEqual(['warn']);
    expect(r.flags).toEqual({ periodKey: '2026-12-01', warned: true, disabled: false });
  });
});
