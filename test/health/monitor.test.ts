/**
 * The health monitor on real conditions: a small tmpfs filled up, then remounted read-only, a
 * wireguard-go interface removed; temperature, throttling and the clock through the probe seams.
 * Alerts go through a Notifier that renders them in English, as the chat hub would.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notifier } from '../../src/core/notifier.js';
import { replyToPlainText } from '../../src/core/reply.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { doctorWithHealth, healthCheckOnce, HealthMonitor, systemProbes, type HealthProbes } from '../../src/health/monitor.js';
import { admin, offlineApp, plain } from '../helpers/app.js';
import { createI18n } from '../../src/i18n/index.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { withUserspaceApi } from '../../src/wireguard/uapi.js';
import { wgCliInterface } from '../../src/wireguard/wg-cli.js';
import { createLab, rootWith, stopWgInterface, tunnelTestsEnabled, type TestLab } from '../helpers/netns.js';

function recordingNotifier(): Notifier & { texts: string[] } {
  const t = createI18n().t('en') as (key: string, params?: Record<string, unknown>) => string;
  const texts: string[] = [];
  return {
    texts,
    async toAdmins(build) {
      texts.push(replyToPlainText(build(t)));
      return [];
    },
    async toUser() {
      return [];
    },
    async edit() {},
  };
}

const logger = createMemoryLogger();
const runner = createProcessRunner(logger);

function monitor(opts: { probes: HealthProbes; dir: string; diskPaths?: string[]; rootPath?: string; now?: () => Date }) {
  const notifier = recordingNotifier();
  const m = new HealthMonitor({
    probes: opts.probes,
    notifier,
    logger,
    statePath: join(opts.dir, 'health.json'),
    diskPaths: opts.diskPaths ?? [],
    ...(opts.rootPath ? { rootPath: opts.rootPath } : {}),
    interfaceName: 'wg0',
    intervalSeconds: 3600,
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { m, notifier };
}

const quiet = (): HealthProbes => ({
  statfs: async () => undefined,
  mounts: async () => undefined,
  temperatures: async () => [],
  throttled: async () => undefined,
  clockSynchronised: async () => undefined,
  interfaceUp: async () => undefined,
});

describe.runIf(rootWith('mount', 'umount'))('health: a real tmpfs filling up and going read-only', () => {
  let mnt: string;
  let stateDir: string;
  beforeAll(() => {
    mnt = mkdtempSync(join(tmpdir(), 'wgc-health-'));
    stateDir = mkdtempSync(join(tmpdir(), 'wgc-health-state-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=210m,mode=0700', 'tmpfs', mnt]);
  });
  afterAll(() => {
    try {
      execFileSync('umount', [mnt]);
    } catch {
      /* not mounted */
    }
    rmSync(mnt, { recursive: true, force: true });
  });

  it('alerts on < 200 MB free and on read-only, once each, and says resolved when they end', async () => {
    const probes = systemProbes({ runner, interfaceUp: async () => undefined });
    let now = new Date('2026-12-01T10:00:00Z');
    const { m, notifier } = monitor({
      probes: { ...probes, temperatures: async () => [], throttled: async () => undefined, clockSynchronised: async () => true },
      dir: stateDir,
      diskPaths: [mnt],
      rootPath: mnt,
      now: () => now,
    });
    await m.start();
    expect(notifier.texts).toEqual([]);

    writeFileSync(join(mnt, 'filler'), Buffer.alloc(20 * 1024 * 1024));
    await m.check();
    expect(notifier.texts).toHaveLength(1);
    expect(notifier.texts[0]).toMatch(new RegExp(`⚠️ The disk holding ${mnt} is almost full: 1\\d\\d MB`));
    await m.check();
    expect(notifier.texts).toHaveLength(1); // de-duplicated

    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    await m.check();
    expect(notifier.texts[1]).toBe(
      `⚠️ The file system at ${mnt} is read-only (often a failing SD card): changes cannot be saved. Make a backup (/backup) and replace the card.`,
    );
    expect(
      m
        .checkResults()
        .map((c) => c.id)
        .sort(),
    ).toEqual([`health:disk:${mnt}`, 'health:read-only']);

    now = new Date(now.getTime() + 25 * 3600 * 1000);
    await m.check();
    expect(notifier.texts.slice(2).sort()).toEqual(
      [expect.stringMatching(/^⚠️ Still: The disk holding/), expect.stringMatching(/^⚠️ Still: The file system/)].sort(),
    );

    execFileSync('mount', ['-o', 'remount,rw', mnt]);
    rmSync(join(mnt, 'filler'));
    await m.check();
    expect(notifier.texts.slice(4).sort()).toEqual(
      [expect.stringMatching(/^✅ Resolved: The disk holding/), expect.stringMatching(/^✅ Resolved: The file system/)].sort(),
    );
    expect(m.problems()).toEqual([]);
    await m.stop();
  });

  it('keeps working in memory when its own state cannot be written (full disk)', async () => {
    const dir = join(mnt, 'state');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(mnt, 'state', 'health.json'), '{"running":false,"active":{}}');
    const filler = join(mnt, 'filler2');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=300'], { stdio: 'ignore' });
    } catch {
      /* ENOSPC: full, as intended */
    }
    const probes = systemProbes({ runner, interfaceUp: async () => undefined });
    const { m, notifier } = monitor({ probes: { ...quiet(), statfs: probes.statfs }, dir, diskPaths: [mnt] });
    await m.start();
    expect(notifier.texts).toEqual([expect.stringMatching(/almost full: 0 MB/)]);
    expect(readFileSync(join(dir, 'health.json'), 'utf8')).toBe('{"running":false,"active":{}}'); // unchanged, not truncated
    await m.stop();
    rmSync(filler);
  });
});

describe.runIf(tunnelTestsEnabled())('health: a real WireGuard interface going away', () => {
  let lab: TestLab;
  beforeAll(() => {
    lab = createLab({ tunnelCidr: '10.81.0.0/24' });
  });
  afterAll(() => lab?.destroy());

  it('alerts when the interface is deleted', async () => {
    const live = withUserspaceApi(wgCliInterface(lab.serverIface, runner));
    const { m, notifier } = monitor({
      probes: { ...quiet(), interfaceUp: async () => (await live.state().catch(() => undefined)) !== undefined },
      dir: mkdtempSync(join(tmpdir(), 'wgc-h-if-')),
    });
    await m.start();
    expect(notifier.texts).toEqual([]);
    stopWgInterface(lab.serverIface);
    // Until the interface is really gone (polled, generous for a slow machine), not a fixed pause.
    for (let i = 0; i < 100 && (await live.state().catch(() => undefined)) !== undefined; i++) await new Promise((r) => setTimeout(r, 200));
    await m.check();
    expect(notifier.texts).toEqual(['⚠️ The WireGuard interface wg0 is down: nobody can connect.']);
    await m.stop();
  });
});

describe('health: seams for temperature, throttling, the clock; a crash restart', () => {
  it('alerts on heat, under-voltage, throttling and an unsynchronised clock', async () => {
    let temps = [85_500];
    let throttled = 'throttled=0x50005';
    let synced = false;
    const { m, notifier } = monitor({
      probes: { ...quiet(), temperatures: async () => temps, throttled: async () => throttled, clockSynchronised: async () => synced },
      dir: mkdtempSync(join(tmpdir(), 'wgc-h-seam-')),
    });
    await m.start();
    expect(notifier.texts.sort()).toEqual(
      [
        '⚠️ The CPU is at 85.5 °C (over 80 °C). Improve the cooling.',
        '⚠️ Under-voltage: the power supply is too weak. Use the official power supply.',
        '⚠️ The CPU is being throttled (0x50005).',
        '⚠️ The clock is not synchronised (no NTP). WireGuard handshakes need a correct clock; check the network and systemd-timesyncd.',
      ].sort(),
    );
    temps = [50_000];
    throttled = 'throttled=0x50000';
    synced = true;
    await m.check();
    expect(notifier.texts.slice(4).every((t) => t.startsWith('✅ Resolved: '))).toBe(true);
    expect(notifier.texts).toHaveLength(8);
    await m.stop();
  });

  it('a start after a run that never stopped cleanly says the bot restarted after a crash; a clean stop does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-h-crash-'));
    const first = monitor({ probes: quiet(), dir });
    await first.m.start(); // and then "killed": no stop()
    const second = monitor({ probes: quiet(), dir });
    await second.m.start();
    expect(second.notifier.texts).toEqual(['⚠️ The bot restarted after a crash (see journalctl -u wg-chatops).']);
    await second.m.stop();
    const third = monitor({ probes: quiet(), dir });
    await third.m.start();
    expect(third.notifier.texts).toEqual([]);
    await third.m.stop();
  });
});

describe('health: the system probes on a machine tree (thermal zones, vcgencmd)', () => {
  it('reads the hottest thermal zone and runs vcgencmd where it exists; without them, says nothing', async () => {
    const sys = mkdtempSync(join(tmpdir(), 'wgc-h-sys-'));
    for (const [zone, temp] of [
      ['thermal_zone0', '61000'],
      ['thermal_zone1', '83500'],
    ] as const) {
      mkdirSync(join(sys, 'sys/class/thermal', zone), { recursive: true });
      writeFileSync(join(sys, 'sys/class/thermal', zone, 'temp'), `${temp}\n`);
    }
    mkdirSync(join(sys, 'usr/bin'), { recursive: true });
    writeFileSync(join(sys, 'usr/bin/vcgencmd'), '#!/bin/sh\n[ "$1" = get_throttled ] && echo throttled=0x50005\n', { mode: 0o755 });
    const probes = systemProbes({ runner, interfaceUp: async () => undefined, sysRoot: sys });
    const { m, notifier } = monitor({
      probes: { ...probes, statfs: async () => undefined, mounts: async () => undefined },
      dir: mkdtempSync(join(tmpdir(), 'wgc-h-sys-state-')),
    });
    await m.start();
    expect(notifier.texts.sort()).toEqual(
      [
        '⚠️ The CPU is at 83.5 °C (over 80 °C). Improve the cooling.',
        '⚠️ Under-voltage: the power supply is too weak. Use the official power supply.',
        '⚠️ The CPU is being throttled (0x50005).',
      ].sort(),
    );
    await m.stop();
    const bare = systemProbes({ runner, interfaceUp: async () => undefined, sysRoot: mkdtempSync(join(tmpdir(), 'wgc-h-bare-')) });
    expect(await bare.temperatures()).toEqual([]);
    expect(await bare.throttled()).toBeUndefined();
    expect(await bare.clockSynchronised()).toBeUndefined();
  });
});

describe('health in /status and doctor', () => {
  it('/status lists the current problems for admins; doctor gets them from a one-off check', async () => {
    const { m } = monitor({
      probes: { ...quiet(), temperatures: async () => [85_500] },
      dir: mkdtempSync(join(tmpdir(), 'wgc-h-status-')),
    });
    await m.start();
    const app = await offlineApp({}, { doctor: doctorWithHealth(undefined, () => m) });
    const text = plain(await app.dispatcher.handle(admin('/status')));
    expect(text).toMatch(/The CPU is at 85\.5 °C \(over 80 °C\)/);
    await app.stop();
    await m.stop();
    const once = await healthCheckOnce({
      probes: { ...quiet(), clockSynchronised: async () => false },
      diskPaths: [],
      interfaceName: 'wg0',
    });
    expect(once).toEqual([{ id: 'health:clock', status: 'warn', key: 'health.clock', params: {} }]);
  });
});
