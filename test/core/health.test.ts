import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clockSynchronised,
  decideAlerts,
  diskProblem,
  emptyHealthState,
  mountReadOnly,
  RESEND_MS,
  temperatureProblem,
  throttledProblems,
  type Problem,
} from '../../src/core/health.js';

const disk: Problem = { id: 'disk:/data', key: 'health.disk', params: { path: '/data', freeMb: 10, percent: 1 } };
const clock: Problem = { id: 'clock', key: 'health.clock', params: {} };
const t0 = new Date('2026-12-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('decideAlerts', () => {
  it('alerts once, repeats at most daily while the problem lasts, and says resolved once', () => {
    let r = decideAlerts(emptyHealthState(), { problems: [disk], events: [] }, t0);
    expect(r.actions).toEqual([{ kind: 'alert', problem: disk, repeat: false }]);
    r = decideAlerts(r.state, { problems: [disk], events: [] }, at(RESEND_MS - 1));
    expect(r.actions).toEqual([]);
    r = decideAlerts(r.state, { problems: [disk], events: [] }, at(RESEND_MS));
    expect(r.actions).toEqual([{ kind: 'alert', problem: disk, repeat: true }]);
    expect(r.state.active['disk:/data']?.since).toBe(t0.toISOString());
    r = decideAlerts(r.state, { problems: [], events: [] }, at(RESEND_MS + 5));
    expect(r.actions).toEqual([{ kind: 'resolved', problem: disk, since: t0.toISOString() }]);
    expect(decideAlerts(r.state, { problems: [], events: [] }, at(RESEND_MS + 10)).actions).toEqual([]);
  });

  it('announces events once and never resolves them', () => {
    const crash: Problem = { id: 'crash-restart', key: 'health.crashRestart', params: {} };
    const r = decideAlerts(emptyHealthState(), { problems: [], events: [crash] }, t0);
    expect(r.actions).toEqual([{ kind: 'event', problem: crash }]);
    expect(decideAlerts(r.state, { problems: [], events: [] }, at(1)).actions).toEqual([]);
  });

  it('property: over any sequence of observations, at most one message per problem per day, and every alert is resolved once it stops', () => {
    const ids = [disk, clock];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.subarray(ids), fc.integer({ min: 0, max: 6 * 3600 * 1000 })), { maxLength: 60 }), (steps) => {
        let state = emptyHealthState();
        let now = t0.getTime();
        const lastSent = new Map<string, number>();
        const open = new Set<string>();
        for (const [problems, gap] of steps) {
          now += gap;
          const r = decideAlerts(state, { problems, events: [] }, new Date(now));
          state = r.state;
          for (const a of r.actions) {
            if (a.kind === 'alert') {
              const last = lastSent.get(a.problem.id);
              if (last !== undefined && open.has(a.problem.id)) expect(now - last).toBeGreaterThanOrEqual(RESEND_MS);
              lastSent.set(a.problem.id, now);
              open.add(a.problem.id);
            } else if (a.kind === 'resolved') {
              expect(open.has(a.problem.id)).toBe(true);
              open.delete(a.problem.id);
            }
          }
          expect([...open].sort()).toEqual(problems.map((p) => p.id).sort());
        }
      }),
    );
  });
});

describe('health checks', () => {
  it('disk: under 200 MB or under 5 % free', () => {
    const MB = 1024 * 1024;
    expect(diskProblem('/d', { blockSize: 4096, blocks: (10_000 * MB) / 4096, availableBlocks: (1000 * MB) / 4096 })).toBeUndefined();
    expect(diskProblem('/d', { blockSize: 4096, blocks: (10_000 * MB) / 4096, availableBlocks: (199 * MB) / 4096 })?.params.freeMb).toBe(199);
    expect(diskProblem('/d', { blockSize: 4096, blocks: (100_000 * MB) / 4096, availableBlocks: (4000 * MB) / 4096 })?.params.percent).toBe(4);
  });

  it('read-only: the longest mount point holding the path', () => {
    const mounts = '/dev/root / ext4 rw,noatime 0 0\n/dev/sda1 /var/lib ext4 ro,relatime 0 0\ntmpfs /run tmpfs rw 0 0\n';
    expect(mountReadOnly(mounts, '/')).toEqual({ mountPoint: '/', readOnly: false });
    expect(mountReadOnly(mounts, '/var/lib/wg-chatops')).toEqual({ mountPoint: '/var/lib', readOnly: true });
    expect(mountReadOnly(mounts, '/var/library')).toEqual({ mountPoint: '/', readOnly: false });
    expect(mountReadOnly(`${mounts}/dev/root / ext4 ro 0 0\n`, '/')?.readOnly).toBe(true);
  });

  it('temperature over 80 °C; throttling bits now (not since boot)', () => {
    expect(temperatureProblem([45_000, 79_999])).toBeUndefined();
    expect(temperatureProblem([81_234])?.params.celsius).toBe(81.2);
    expect(temperatureProblem([])).toBeUndefined();
    expect(throttledProblems('throttled=0x0')).toEqual([]);
    expect(throttledProblems('throttled=0x50000')).toEqual([]);
    expect(throttledProblems('throttled=0x50005')!.map((p) => p.id)).toEqual(['under-voltage', 'throttled']);
    expect(throttledProblems('')).toBeUndefined();
  });

  it('clock: the timesyncd flag file, else timedatectl; unknown says nothing', () => {
    expect(clockSynchronised(undefined, true)).toBe(true);
    expect(clockSynchronised('no\n', false)).toBe(false);
    expect(clockSynchronised('yes\n', false)).toBe(true);
    expect(clockSynchronised(undefined, false)).toBeUndefined();
  });
});
