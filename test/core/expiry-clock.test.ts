/** The expiry clock's shell alone, with its timers, wall clock and monotonic clock all injected. */
import { describe, expect, it } from 'vitest';
import { ExpiryClock } from '../../src/core/expiry-clock.js';
import type { DueAction, PeerState } from '../../src/core/expiry.js';
import { createMemoryLogger } from '../../src/log/logger.js';

const T0 = Date.parse('2026-06-01T00:00:00Z');

function harness(peers: PeerState[], act: (a: DueAction) => Promise<void>) {
  let mono = 0;
  let jump = 0;
  const timers: { run: () => void; at: number }[] = [];
  const logger = createMemoryLogger();
  const clock = new ExpiryClock({
    peers: () => peers,
    act,
    now: () => new Date(T0 + mono + jump),
    monotonic: () => mono,
    setTimer: (run, ms) => {
      const t = { run, at: mono + ms };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => timers.splice(timers.indexOf(h as (typeof timers)[0]), 1),
    logger,
  });
  /** Let monotonic time pass, firing the timers that fall due (and letting their work finish). */
  const pass = async (ms: number) => {
    const until = mono + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > until) break;
      timers.shift();
      mono = next.at;
      next.run();
      await clock.settled();
    }
    mono = until;
  };
  return { clock, pass, logger, timers, jumpBy: (ms: number) => (jump += ms) };
}

const peer = (name: string, end: number, enabled = true): PeerState => ({
  entry: { name, publicKey: `${name}-key`, allowedIps: [], enabled },
  meta: {
    name,
    publicKey: `${name}-key`,
    owner: 'test:bob',
    createdAt: new Date(T0 - 30 * 86_400_000).toISOString(),
    expiresAt: new Date(end).toISOString(),
    remindedFor: new Date(end).toISOString(),
  },
});

describe('ExpiryClock', () => {
  it('never sleeps past a heartbeat, acts at the end, and on a jump at once', async () => {
    const peers = [peer('a', T0 + 3600_000)];
    const acted: string[] = [];
    const h = harness(peers, async (a) => {
      acted.push(`${a.kind}:${a.name}`);
      peers[0] = { ...peers[0]!, entry: { ...peers[0]!.entry, enabled: false } };
    });
    await h.clock.start();
    expect(h.timers.map((t) => t.at)).toEqual([30_000]);
    await h.pass(60_000);
    expect(acted).toEqual([]);
    h.jumpBy(2 * 3600_000); // NTP: the wall clock moves two hours, the monotonic one does not
    await h.pass(30_000);
    expect(acted).toEqual(['expire:a']);
    expect(h.logger.lines.join('\n')).toMatch(/jumped forward by 7200 s/);
    h.jumpBy(-3 * 3600_000); // and back: nothing is done again
    await h.pass(120_000);
    expect(acted).toEqual(['expire:a']);
    expect(h.logger.lines.join('\n')).toMatch(/jumped back by 10800 s/);
    h.clock.stop();
    expect(h.timers).toEqual([]);
  });

  it('a failed action is tried again at the next wake; a poke evaluates on the next turn', async () => {
    const peers = [peer('a', T0 - 1000)];
    let failures = 1;
    const acted: string[] = [];
    const h = harness(peers, async (a) => {
      if (failures-- > 0) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      acted.push(a.name);
      const i = peers.findIndex((p) => p.entry.name === a.name);
      if (a.name !== 'stuck') peers[i] = { ...peers[i]!, entry: { ...peers[i]!.entry, enabled: false } };
    });
    await h.clock.start();
    expect(acted).toEqual([]);
    expect(h.logger.lines.join('\n')).toMatch(/could not expire a; tried again later/);
    await h.pass(30_000);
    expect(acted).toEqual(['a']);
    peers.push(peer('b', T0 + 40_000));
    h.clock.poke();
    h.clock.poke();
    expect(h.timers.filter((t) => t.at === 30_000)).toHaveLength(1); // one poke timer for the burst
    await h.pass(1);
    expect(h.timers.map((t) => t.at)).toEqual([40_000]); // planned for b's end
    await h.pass(10_000);
    expect(acted).toEqual(['a', 'b']);
    // An action that stays due after it was carried out does not spin: it is tried once a heartbeat.
    peers.push(peer('stuck', T0));
    h.clock.poke();
    await h.pass(60_000);
    expect(acted.filter((n) => n === 'stuck').length).toBeGreaterThanOrEqual(2);
    expect(acted.filter((n) => n === 'stuck').length).toBeLessThanOrEqual(4);
  });
});
