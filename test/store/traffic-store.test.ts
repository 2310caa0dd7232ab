import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notifier } from '../../src/core/notifier.js';
import type { InterfaceLiveState, PeerEntry } from '../../src/core/peer.js';
import { replyToPlainText } from '../../src/core/reply.js';
import { FORGET_GONE_SECONDS, TrafficService, type TrafficPeers } from '../../src/core/traffic-service.js';
import { readRing, TIERS, type TrafficStore } from '../../src/core/traffic.js';
import { createLogger } from '../../src/log/logger.js';
import { openTrafficStore, RING_FILE_BYTES } from '../../src/store/traffic-store.js';

const KEY_A = 'A'.repeat(43) + '=';
const KEY_B = 'B'.repeat(43) + '=';
const entry = (name: string, publicKey: string, enabled = true): PeerEntry => ({ name, publicKey, allowedIps: ['10.6.0.2/32'], enabled });

class FakePeers implements TrafficPeers {
  readonly offline = false;
  counters = new Map<string, { rx: number; tx: number; hs: number }>();
  entries = [entry('laptop', KEY_A), entry('phone', KEY_B)];
  disabled: string[] = [];
  up = true;
  list() {
    return this.entries.map((e) => ({
      entry: e,
      meta: { name: e.name, publicKey: e.publicKey, owner: 'telegram:42', createdAt: '2026-12-01T00:00:00Z' },
    }));
  }
  async liveState(): Promise<InterfaceLiveState | undefined> {
    if (!this.up) return undefined;
    const peers = this.entries
      .filter((e) => e.enabled && this.counters.has(e.publicKey))
      .map((e) => {
        const c = this.counters.get(e.publicKey)!;
        return { publicKey: e.publicKey, allowedIps: e.allowedIps, latestHandshake: c.hs, rxBytes: c.rx, txBytes: c.tx };
      });
    return { privateKeyPresent: true, publicKey: KEY_A, listenPort: 51820, peers };
  }
  async setEnabled(name: string, enabled: boolean) {
    const e = this.entries.find((x) => x.name === name)!;
    if (e.enabled === enabled) return { changed: false };
    e.enabled = enabled;
    if (!enabled) this.disabled.push(name);
    return { changed: true };
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(dir: string, peers: FakePeers, clock: { t: number }, sent: string[] = [], wrap = (store: TrafficStore) => store) {
  const notifier: Notifier = {
    toAdmins: async (build) => {
      sent.push(`admins: ${replyToPlainText(build((k, p) => `${k} ${JSON.stringify(p ?? {})}`))}`);
      return [];
    },
    toUser: async (key, build) => {
      sent.push(`${key}: ${replyToPlainText(build((k, p) => `${k} ${JSON.stringify(p ?? {})}`))}`);
      return [];
    },
    edit: async () => undefined,
  };
  return new TrafficService({
    store: wrap(openTrafficStore(dir)),
    peers,
    notifier,
    logger: createLogger({ level: 'error', write: () => undefined }),
    now: () => new Date(clock.t * 1000),
    settings: {
      sampleSeconds: 60,
      flushSeconds: 300,
      quotaResetDay: 1,
      timeZone: 'UTC',
      presence: { onlineSeconds: 180, graceSeconds: 120, debounceSeconds: 600 },
    },
  });
}

describe('traffic service with its store', () => {
  it('forgets the history of a peer gone for more than a week, and keeps it for one gone a day (an undo still finds it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traffic-'));
    dirs.push(dir);
    const clock = { t: 1_800_000_000 };
    const peers = new FakePeers();
    const svc = setup(dir, peers, clock);
    await svc.start();
    peers.counters.set(KEY_A, { rx: 0, tx: 0, hs: clock.t });
    await svc.sample();
    clock.t += 60;
    peers.counters.set(KEY_A, { rx: 1000, tx: 10, hs: clock.t });
    await svc.sample();
    await svc.flush();
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const a = peers.entries.findIndex((e) => e.publicKey === KEY_A);
    const [removed] = peers.entries.splice(a, 1);
    clock.t += 86_400;
    await svc.flush();
    expect(svc.record(KEY_A)?.total).toEqual({ rx: 1000, tx: 10 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    clock.t += FORGET_GONE_SECONDS;
    await svc.flush();
    expect(svc.record(KEY_A)).toBeUndefined();
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(0);
    // The saved state agrees after a restart.
    const again = setup(dir, peers, clock);
    await again.start();
    expect(again.record(KEY_A)).toBeUndefined();
    expect(removed).toBeDefined();
  });

  it('counts deltas across an interface restart, and totals and history survive a restart of the bot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traffic-'));
    dirs.push(dir);
    const clock = { t: 1_800_000_000 };
    const peers = new FakePeers();
    peers.counters.set(KEY_A, { rx: 500, tx: 100, hs: clock.t }); // before the bot ever looked: not counted
    let svc = setup(dir, peers, clock);
    await svc.start();
    await svc.sample();
    expect(svc.record(KEY_A)!.total).toEqual({ rx: 0, tx: 0 });
    clock.t += 60;
    peers.counters.set(KEY_A, { rx: 1500, tx: 300, hs: clock.t });
    await svc.sample();
    // The interface restarts: counters from 0 again.
    peers.up = false;
    clock.t += 60;
    await svc.sample();
    peers.up = true;
    peers.counters.set(KEY_A, { rx: 4000, tx: 50, hs: clock.t });
    clock.t += 60;
    await svc.sample();
    expect(svc.record(KEY_A)!.total).toEqual({ rx: 1000 + 4000, tx: 200 + 50 });
    // No flush yet (300 s): a crash now keeps the totals in state.json; the history comes back at load.
    svc = setup(dir, peers, clock);
    await svc.start();
    expect(svc.record(KEY_A)!.total).toEqual({ rx: 5000, tx: 250 });
    const h = await svc.history(KEY_A);
    const points = readRing(h.rings[0]!, TIERS[0]!, clock.t - 3600, clock.t);
    expect(points.reduce((s, p) => s + p.rx, 0)).toBe(5000);
    // Counters went on while the bot was down.
    clock.t += 60;
    peers.counters.set(KEY_A, { rx: 4100, tx: 60, hs: clock.t });
    await svc.sample();
    await svc.flush();
    svc = setup(dir, peers, clock);
    await svc.start();
    expect(svc.record(KEY_A)!.total).toEqual({ rx: 5100, tx: 260 });
    const again = await svc.history(KEY_A);
    // Flushed rings and the restored state agree: nothing counted twice.
    expect(readRing(again.rings[0]!, TIERS[0]!, clock.t - 3600, clock.t).reduce((s, p) => s + p.rx, 0)).toBe(5100);
    expect(readRing(again.rings[1]!, TIERS[1]!, clock.t - 7200, clock.t).reduce((s, p) => s + p.tx, 0)).toBe(260);
    const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    expect(files.length).toBe(1);
    expect(statSync(join(dir, files[0]!)).size).toBe(RING_FILE_BYTES);
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
  });

  it('reads no ring file at start; the first flush after it rewrites only the rings that missed traffic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traffic-'));
    dirs.push(dir);
    const clock = { t: 1_800_000_000 };
    const peers = new FakePeers();
    peers.counters.set(KEY_A, { rx: 0, tx: 0, hs: clock.t });
    peers.counters.set(KEY_B, { rx: 0, tx: 0, hs: clock.t });
    let svc = setup(dir, peers, clock);
    await svc.start();
    await svc.sample();
    clock.t += 60;
    peers.counters.set(KEY_A, { rx: 700, tx: 70, hs: clock.t });
    peers.counters.set(KEY_B, { rx: 900, tx: 90, hs: clock.t });
    await svc.sample();
    await svc.flush(); // both rings hold everything so far
    clock.t += 60;
    peers.counters.set(KEY_A, { rx: 1000, tx: 100, hs: clock.t }); // counted, saved, not flushed: then a crash
    await svc.sample();

    const calls: string[] = [];
    const counting = (store: TrafficStore): TrafficStore => ({
      ...store,
      readRings: (key) => (calls.push(`read ${key[0]}`), store.readRings(key)),
      writeRings: (key, rings) => (calls.push(`write ${key[0]}`), store.writeRings(key, rings)),
    });
    svc = setup(dir, peers, clock, [], counting);
    await svc.start();
    expect(calls).toEqual([]);
    expect(svc.record(KEY_A)!.total).toEqual({ rx: 1000, tx: 100 });
    await svc.flush();
    expect(calls.sort()).toEqual(['read A', 'read B', 'write A']);
    const sumRx = (r: Awaited<ReturnType<typeof svc.history>>) => readRing(r.rings[0]!, TIERS[0]!, clock.t - 3600, clock.t).reduce((n, p) => n + p.rx, 0);
    expect(sumRx(await svc.history(KEY_A))).toBe(1000);
    expect(sumRx(await svc.history(KEY_B))).toBe(900);
    // A second restart finds the rings complete: nothing is added twice.
    svc = setup(dir, peers, clock);
    await svc.start();
    await svc.flush();
    expect(sumRx(await svc.history(KEY_A))).toBe(1000);
  });

  it('warns at 80 %, disables at 100 % with reason quota, and tells owner and admins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traffic-'));
    dirs.push(dir);
    const clock = { t: 1_800_000_000 };
    const peers = new FakePeers();
    const sent: string[] = [];
    const svc = setup(dir, peers, clock, sent);
    await svc.start();
    await svc.sample();
    await svc.setQuota({ entry: peers.entries[0]! }, { bytes: 1000, period: 'total' });
    peers.counters.set(KEY_A, { rx: 700, tx: 150, hs: clock.t });
    clock.t += 60;
    await svc.sample();
    expect(sent).toEqual([expect.stringMatching(/^telegram:42: quota.warned .*"percent":85/)]);
    peers.counters.set(KEY_A, { rx: 900, tx: 150, hs: clock.t });
    clock.t += 60;
    await svc.sample();
    expect(peers.disabled).toEqual(['laptop']);
    expect(sent.slice(1)).toEqual([expect.stringMatching(/^admins: quota.disabledNotice/), expect.stringMatching(/^telegram:42: quota.disabledNotice/)]);
    clock.t += 60;
    await svc.sample();
    expect(sent.length).toBe(3);
  });

  it('a refused write (the directory cannot be made: a file is in its way) changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traffic-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'blocker'), '');
    const clock = { t: 1_800_000_000 };
    const peers = new FakePeers();
    const svc = new TrafficService({
      store: openTrafficStore(join(dir, 'blocker', 'traffic')),
      peers,
      logger: createLogger({ level: 'error', write: () => undefined }),
      now: () => new Date(clock.t * 1000),
      settings: {
        sampleSeconds: 60,
        flushSeconds: 300,
        quotaResetDay: 1,
        presence: { onlineSeconds: 180, graceSeconds: 120, debounceSeconds: 600 },
      },
    });
    await expect(svc.setQuota({ entry: peers.entries[0]! }, { bytes: 1000, period: 'month' })).rejects.toThrow();
    expect(svc.record(KEY_A)).toBeUndefined();
  });
});
