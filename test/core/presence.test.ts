import { describe, expect, it } from 'vitest';
import { initialPresence, stepPresence, type PresenceSettings, type PresenceState } from '../../src/core/presence.js';

const s: PresenceSettings = { onlineSeconds: 180, graceSeconds: 120, debounceSeconds: 600 };
const T = 1_800_000_000;

describe('presence notices', () => {
  it('no notice for the state found at start', () => {
    expect(initialPresence({ lastSeen: T - 10, endpoint: '198.51.100.7:5000' }, T, s)).toEqual({
      online: true,
      announced: true,
      lastNoticeAt: 0,
      endpoint: '198.51.100.7:5000',
      connects: [],
    });
  });

  it('connect, then disconnect only after the grace period', () => {
    let st: PresenceState = initialPresence({ lastSeen: 0 }, T, s);
    let r = stepPresence(st, { lastSeen: T + 55, endpoint: '198.51.100.7:5000' }, T + 60, s);
    expect(r.notices).toEqual([{ kind: 'connect', endpoint: '198.51.100.7:5000', endpointChanged: false, reconnects: 0 }]);
    st = r.state;
    // 4 minutes after the last handshake: past 180 s but inside the grace: still online.
    r = stepPresence(st, { lastSeen: T + 55 }, T + 55 + 240, s);
    expect(r.notices).toEqual([]);
    expect(r.state.online).toBe(true);
    // 11 minutes later: past 180 + 120 s and past the debounce.
    r = stepPresence(r.state, { lastSeen: T + 55 }, T + 55 + 660, s);
    expect(r.notices).toEqual([{ kind: 'disconnect', reconnects: 0 }]);
  });

  it('debounced: flapping inside 10 minutes is summarised in the next notice', () => {
    let st: PresenceState = { online: true, announced: true, lastNoticeAt: T, endpoint: '198.51.100.7:5000', connects: [T] };
    const out: unknown[] = [];
    // Offline at T+400, online at T+450, offline at T+800 (suppressed: inside 600 s of T? no: 800 > 600).
    for (const [hs, now] of [
      [T, T + 400],
      [T + 440, T + 450],
      [T + 445, T + 500],
      [T + 500, T + 505],
    ] as const) {
      const r = stepPresence(st, { lastSeen: hs, endpoint: '203.0.113.9:4000' }, now, s);
      out.push(...r.notices);
      st = r.state;
    }
    // T+400: offline but inside the debounce window: nothing. T+450: online again (what was announced): nothing.
    expect(out).toEqual([]);
    expect(st.connects).toEqual([T, T + 450]);
    // The peer drops for good; at T+1200 the window is over: one disconnect with the reconnects of the hour.
    let r = stepPresence(st, { lastSeen: T + 500 }, T + 1200, s);
    expect(r.notices).toEqual([{ kind: 'disconnect', reconnects: 2 }]);
    // It comes back from another network 20 minutes later: the connect shows the new endpoint.
    r = stepPresence(r.state, { lastSeen: T + 2400, endpoint: '203.0.113.9:4000' }, T + 2401, s);
    expect(r.notices).toEqual([{ kind: 'connect', endpoint: '203.0.113.9:4000', endpointChanged: true, reconnects: 3 }]);
    // An hour later the old connects no longer count.
    r = stepPresence(r.state, { lastSeen: T + 2400 }, T + 2400 + 3700, s);
    expect(r.notices).toEqual([{ kind: 'disconnect', reconnects: 0 }]);
  });

  it('at most one notice per debounce window', () => {
    let st: PresenceState = initialPresence({ lastSeen: 0 }, T, s);
    let count = 0;
    for (let i = 0; i < 20; i++) {
      // Alternating online/offline every minute for 20 minutes.
      const now = T + 60 * (i + 1);
      const r = stepPresence(st, { lastSeen: i % 2 === 0 ? now : 1 }, now, s);
      count += r.notices.length;
      st = r.state;
    }
    expect(count).toBeLessThanOrEqual(3);
    expect(count).toBeGreaterThan(0);
  });
});
