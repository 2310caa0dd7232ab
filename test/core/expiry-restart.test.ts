/**
 * The expiry timers across restarts and clock jumps, with the whole bot (offline WireGuard, a recording
 * chat platform): restarts over the same data directory, a wall clock that jumps (NTP after boot), and fake
 * timers for the clock's own sleeping.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { admin, appWithRecorder, plain, RecordingAdapter } from '../helpers/app.js';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const H = 3600_000;
let apps: App[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const a of apps.reverse()) await a.stop().catch(() => undefined);
  apps = [];
});

/** The same bot started again over the same data dir and config file, at wall-clock time `t`. */
async function restart(first: App, t: number): Promise<{ app: App; chat: RecordingAdapter; logger: ReturnType<typeof createMemoryLogger> }> {
  const logger = createMemoryLogger();
  const app = await buildApp(first.config, { logger, runner: createProcessRunner(logger), now: () => new Date(t) });
  const chat = new RecordingAdapter();
  app.addAdapter(chat);
  await app.start();
  apps.push(app);
  return { app, chat, logger };
}

/** Waits in real time, firing fake timers that are due (not moving the fake clock): a change's disk writes take real milliseconds. */
async function until(probe: () => boolean, ms = 30_000): Promise<void> {
  const start = process.hrtime.bigint();
  while (!probe()) {
    if (Number(process.hrtime.bigint() - start) / 1e6 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
    await vi.advanceTimersByTimeAsync(0);
  }
}

const texts = (chat: RecordingAdapter, user: string) => chat.to(user).map((r) => plain(r));
const enabledInFile = (app: App, name: string) =>
  listPeers(parseServerConfig(readFileSync(app.config.interfaceConfigPath, 'utf8'))).find((p) => p.name === name)?.enabled;

describe('expiry across restarts', () => {
  it('a reminder is sent once across restarts; an end that passed while the bot was down is expired at start, once', async () => {
    const first = await appWithRecorder({}, { now: () => new Date(T0) });
    apps.push(first.app);
    await first.app.peers.add({ name: 'guest', owner: 'test:bob', end: new Date(T0 + 2 * H) });
    await first.app.stop();
    apps = [];

    // Down for 70 minutes: the reminder (at half of 2 h) is due when it starts.
    const second = await restart(first.app, T0 + 70 * 60_000);
    expect(texts(second.chat, 'bob')).toEqual([expect.stringMatching(/Your VPN peer guest ends on 2026-06-01 02:00 \(in 50m\)/)]);
    expect(second.app.db.data.peers.guest!.remindedFor).toBe(new Date(T0 + 2 * H).toISOString());
    await second.app.stop();

    const third = await restart(first.app, T0 + 71 * 60_000);
    expect(texts(third.chat, 'bob')).toEqual([]);
    await third.app.stop();

    // Down past the end: switched off at start (file, database), owner and admins told.
    const fourth = await restart(first.app, T0 + 5 * H);
    expect(fourth.app.peers.get('guest')!.entry.enabled).toBe(false);
    expect(enabledInFile(fourth.app, 'guest')).toBe(false);
    expect(fourth.app.db.data.peers.guest).toMatchObject({ disabled: true, disabledReason: 'expired' });
    expect(texts(fourth.chat, 'bob')).toEqual([expect.stringMatching(/Your VPN peer guest reached its end \(2026-06-01 02:00\) and is switched off/)]);
    expect(texts(fourth.chat, 'admin')).toEqual([expect.stringMatching(/Peer guest \(owner .*\) reached its end .* \/expire guest 7d brings it back/)]);
    expect(plain(await fourth.app.dispatcher.handle(admin('/peers')))).toMatch(/guest .* — expired 2026-06-01 02:00/);
    await fourth.app.stop();

    const fifth = await restart(first.app, T0 + 6 * H);
    expect([...texts(fifth.chat, 'bob'), ...texts(fifth.chat, 'admin')]).toEqual([]);
    // Journaled like /disable: the journal's last change is the expiry's disable, marked done.
    const journal = readFileSync(`${first.app.config.dataDir}/journal`).toString('latin1');
    expect(journal).toMatch(/"state":"done","change":\{"op":"disable"[^}]*"name":"guest"[\s\S]*"reason":"expired"/);
  });
});

describe('expiry timers with fake timers and an injected wall clock', () => {
  it('fires on time while running, and at once when the wall clock jumps forward (NTP after boot)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    vi.setSystemTime(T0);
    let jump = 0;
    const r = await appWithRecorder({}, { now: () => new Date(Date.now() + jump) });
    apps.push(r.app);
    const logger = (r.app as unknown as { logger: { lines: string[] } }).logger;

    // On time: a 5 s guest is switched off at its end, not a heartbeat later.
    await r.app.peers.add({ name: 'guest', owner: 'test:bob', end: new Date(Date.now() + 5000) });
    await vi.advanceTimersByTimeAsync(4000);
    expect(r.app.peers.get('guest')!.entry.enabled).toBe(true);
    await vi.advanceTimersByTimeAsync(1500);
    await until(() => !r.app.peers.get('guest')!.entry.enabled);
    await until(() => texts(r.chat, 'bob').some((t) => /guest reached its end/.test(t)));
    // Its reminder came at half its time, once.
    expect(texts(r.chat, 'bob').filter((t) => /guest ends on/.test(t))).toHaveLength(1);

    // A peer ending in 3 hours; then the wall clock jumps 4 hours ahead while the monotonic clock does not.
    await r.app.peers.add({ name: 'laptop', owner: 'test:bob', end: new Date(Date.now() + jump + 3 * H) });
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.app.peers.get('laptop')!.entry.enabled).toBe(true);
    jump = 4 * H;
    // Within one heartbeat (30 s), not 3 hours of timer later.
    await vi.advanceTimersByTimeAsync(31_000);
    await until(() => !r.app.peers.get('laptop')!.entry.enabled);
    expect(logger.lines.join('\n')).toMatch(/wall clock jumped forward by 14400 s/);
    await until(() => texts(r.chat, 'bob').some((t) => /laptop reached its end/.test(t)));
    // A jump back changes nothing that was done, and nothing fires twice.
    jump = 0;
    await vi.advanceTimersByTimeAsync(61_000);
    await r.app.peers.idle();
    expect(texts(r.chat, 'bob').filter((t) => /reached its end/.test(t))).toHaveLength(2);
    expect(r.app.peers.list().map((p) => [p.entry.name, p.entry.enabled])).toEqual([
      ['guest', false],
      ['laptop', false],
    ]);
  });
});
