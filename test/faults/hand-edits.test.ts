/**
 * Hand edits, made as PiVPN's own scripts make them, against a live wireguard-go interface:
 * `pivpn -a` appends a block and a clients.txt line, then reloads (`wg syncconf IFACE <(wg-quick strip IFACE)`);
 * `pivpn -r` deletes both (sed range delete); `pivpn -off` prefixes every line of the block, markers too,
 * with `#[disabled] `. Made while the bot is stopped and while it runs: kept, shown by /peers at once,
 * recorded in the database, reported to the admins and by doctor's drift check.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { generateKeyPair, generatePresharedKey } from '../../src/core/keys.js';
import { findDrift } from '../../src/install/drift.js';
import type { createMemoryLogger } from '../../src/log/logger.js';
import { admin, plain, RecordingAdapter, startedWithRecorder } from '../helpers/app.js';
import { createLab, sh, tunnelTestsEnabled, type TestLab, labEnv } from '../helpers/netns.js';

let lab: TestLab;
let dataDir: string;
let apps: App[] = [];

/** `wg syncconf IFACE <(wg-quick strip IFACE)`, as PiVPN's reload does (without a shell). */
function syncconf(): void {
  const stripped = execFileSync('wg-quick', ['strip', lab.configPath], { encoding: 'utf8' });
  const tmp = join(mkdtempSync(join(tmpdir(), 'wgc-strip-')), 'stripped.conf');
  writeFileSync(tmp, stripped, { mode: 0o600 });
  sh('wg', ['syncconf', lab.serverIface, tmp]);
}

const clientsTxt = () => join(lab.configDir, 'configs', 'clients.txt');

function pivpnAdd(name: string, octet: number): string {
  const { publicKey } = generateKeyPair();
  appendFileSync(
    lab.configPath,
    `### begin ${name} ###\n[Peer]\nPublicKey = ${publicKey}\nPresharedKey = ${generatePresharedKey()}\nAllowedIPs = 10.80.0.${octet}/32\n### end ${name} ###\n`,
  );
  mkdirSync(join(lab.configDir, 'configs'), { recursive: true });
  appendFileSync(clientsTxt(), `${name} ${publicKey} ${Math.floor(Date.now() / 1000)} ${(10 << 24) + (80 << 16) + octet}\n`);
  syncconf();
  return publicKey;
}

function pivpnRemove(name: string): void {
  execFileSync('sed', ['-i', `/### begin ${name} ###/,/### end ${name} ###/d`, lab.configPath]);
  try {
    execFileSync('sed', ['-i', `/^${name} /d`, clientsTxt()]);
  } catch {
    /* no clients.txt: the bot made this peer */
  }
  syncconf();
}

function pivpnOff(name: string): void {
  execFileSync('sed', ['-i', `/### begin ${name} ###/,/### end ${name} ###/ s/^/#[disabled] /`, lab.configPath]);
  syncconf();
}

function liveKeys(): Set<string> {
  return new Set(sh('wg', ['show', lab.serverIface, 'peers']).trim().split('\n').filter(Boolean));
}

async function bot(): Promise<{ app: App; chat: RecordingAdapter; logger: ReturnType<typeof createMemoryLogger> }> {
  const started = await startedWithRecorder(labEnv(lab, dataDir), { isRoot: true, cwd: dataDir });
  apps.push(started.app);
  return started;
}

const drift = () =>
  findDrift({ conf: lab.configPath, db: join(dataDir, 'db.json'), journal: join(dataDir, 'journal') }, sh('wg', ['show', lab.serverIface, 'allowed-ips']));

describe.runIf(tunnelTestsEnabled())('hand edits made as PiVPN makes them', () => {
  beforeAll(() => {
    lab = createLab({ tunnelCidr: '10.80.0.0/24' });
  });
  afterAll(() => lab?.destroy());
  afterEach(async () => {
    for (const a of apps) await a.stop();
    apps = [];
  });

  it('while the bot is stopped: kept at start, shown by /peers, in the database, reported; nothing is undone', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wgc-hand-'));
    const first = await bot();
    for (const n of ['alice', 'laptop', 'phone']) await first.app.dispatcher.handle(admin(`/addpeer ${n}`));
    const laptopKey = first.app.peers.get('laptop')!.entry.publicKey;
    const phoneKey = first.app.peers.get('phone')!.entry.publicKey;
    expect(await drift()).toEqual([]);
    await first.app.stop();
    apps = [];

    const pvKey = pivpnAdd('pvnew', 50);
    pivpnRemove('laptop');
    pivpnOff('phone');
    const before = await drift();
    expect(before.join('\n')).toMatch(/"pvnew" is in .* not in the database \(added by hand\)/);
    expect(before.join('\n')).toMatch(/"laptop" is in the database but not in .*\(removed by hand\)/);
    expect(before.join('\n')).toMatch(/"phone" is disabled in .* \(changed by hand\)/);
    const conf = readFileSync(lab.configPath, 'utf8');

    const { app, logger } = await bot();
    const findings = app.peers.driftReport.findings.join('\n');
    expect(findings).toMatch(/"laptop" .* removed .* by hand: treated as revoked/);
    expect(findings).toMatch(/"phone" was disabled by hand/);
    expect(findings).toMatch(/"pvnew" .* added .* by hand: adopted/);
    expect(findings).not.toMatch(/finished an interrupted/);
    expect(logger.lines.join('\n')).toMatch(/treated as revoked/);
    // The file is exactly as PiVPN left it, and the interface follows it.
    expect(readFileSync(lab.configPath, 'utf8')).toBe(conf);
    const live = liveKeys();
    expect(live.has(pvKey)).toBe(true);
    expect(live.has(laptopKey)).toBe(false);
    expect(live.has(phoneKey)).toBe(false);
    const listing = plain(await app.dispatcher.handle(admin('/peers')));
    expect(listing).toMatch(/pvnew/);
    expect(listing).toMatch(/phone .*disabled/);
    expect(listing).not.toMatch(/laptop/);
    const db = JSON.parse(readFileSync(join(dataDir, 'db.json'), 'utf8'));
    expect(db.peers.laptop).toBeUndefined();
    expect(db.peers.phone.disabled).toBe(true);
    expect(db.peers.pvnew.owner).toBe('admins');
    expect(await drift()).toEqual([]);
  });

  it('while the bot runs: the next command shows them, the admins are told, the next change keeps them, a restart changes nothing', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wgc-hand-'));
    writeFileSync(lab.configPath, readFileSync(lab.configPath, 'utf8').replace(/### begin[\s\S]*$/, ''));
    syncconf();
    const { app, chat } = await bot();
    for (const n of ['alice', 'laptop', 'phone']) await app.dispatcher.handle(admin(`/addpeer ${n}`));
    const laptopKey = app.peers.get('laptop')!.entry.publicKey;

    pivpnAdd('pvrun', 60);
    pivpnRemove('laptop');
    pivpnOff('phone');
    expect((await drift()).length).toBe(3);
    const listing = plain(await app.dispatcher.handle(admin('/peers')));
    expect(listing).toMatch(/pvrun/);
    expect(listing).toMatch(/phone .*disabled/);
    expect(listing).not.toMatch(/laptop/);
    expect(await drift()).toEqual([]);
    const told = chat.to('admin').map(plain).join('\n');
    expect(told).toMatch(/edited outside the bot[\s\S]*"laptop"[\s\S]*treated as revoked/);

    // /status counts them at once too; the next change keeps every hand edit.
    expect(plain(await app.dispatcher.handle(admin('/status')))).toMatch(/3 peers, \d+ online, 1 disabled/);
    await app.dispatcher.handle(admin('/addpeer after'));
    const conf = readFileSync(lab.configPath, 'utf8');
    expect(conf).toContain('#[disabled] ### begin phone ###');
    expect(conf).toContain('### begin pvrun ###');
    expect(conf).not.toContain('laptop');
    expect(liveKeys().has(laptopKey)).toBe(false);

    await app.stop();
    apps = [];
    const again = await bot();
    expect(again.app.peers.driftReport.findings.filter((f) => /by hand|interrupted/.test(f))).toEqual([]);
    expect(readFileSync(lab.configPath, 'utf8')).toBe(conf);
    expect(again.app.peers.list().map((p) => [p.entry.name, p.entry.enabled])).toEqual([
      ['alice', true],
      ['phone', false],
      ['pvrun', true],
      ['after', true],
    ]);
  });
});
