/**
 * /route is a journaled change like add/remove/enable/disable: the database and the firewall change
 * together; a failure takes both back, and a crash is finished at the next start, whose firewall sync
 * then carries the finished profile.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/index.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { inverse, type PeerChange } from '../../src/core/peer-change.js';
import type { PeerPolicy, PolicyPeer } from '../../src/core/ports.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';

class RecordingPolicy implements PeerPolicy {
  calls: string[] = [];
  synced: PolicyPeer[] = [];
  failApply = false;
  async sync(peers: readonly PolicyPeer[]) {
    this.synced = [...peers];
    this.calls.push(`sync ${peers.length}`);
  }
  async apply(peer: PolicyPeer) {
    if (this.failApply) throw new Error('nft: Operation not permitted');
    this.calls.push(`apply ${peer.addresses[0]} ${peer.profile}`);
  }
  async remove(addresses: readonly string[]) {
    this.calls.push(`remove ${addresses[0]}`);
  }
}

const opened: App[] = [];
afterEach(async () => {
  for (const a of opened.splice(0)) await a.stop();
});

function makeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-route-'));
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
  writeFileSync(join(dir, 'wg0.conf'), `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\nListenPort = 51820\n`, {
    mode: 0o600,
  });
  return dir;
}

async function open(dir: string, policy: PeerPolicy, onPeerStep?: (step: string) => void): Promise<App> {
  const config = parseConfig(
    {
      WG_CONFIG_DIR: dir,
      DATA_DIR: join(dir, 'data'),
      WG_OFFLINE: 'true',
      WG_ENDPOINT: 'vpn.example.net',
      ADMIN_KEYS: 'test:admin',
      LAN_SUBNETS: '192.168.1.0/24',
    },
    { isRoot: false, cwd: dir },
  );
  const logger = createMemoryLogger();
  const app = await buildApp(config, { logger, runner: createProcessRunner(logger), policy, ...(onPeerStep ? { onPeerStep } : {}) });
  await app.start();
  opened.push(app);
  return app;
}

const dbProfile = (dir: string, name: string) =>
  (JSON.parse(readFileSync(join(dir, 'data', 'db.json'), 'utf8')) as { peers: Record<string, { profile?: string }> }).peers[name]?.profile;

describe('/route through the journal', () => {
  it('the inverse of a route change restores the profile before it', () => {
    const entry = { name: 'nas', publicKey: 'k', allowedIps: ['10.6.0.2/32'], enabled: true };
    const change: PeerChange = {
      op: 'route',
      entry,
      meta: { name: 'nas', publicKey: 'k', owner: 'test:a', createdAt: 'x', profile: 'lan' },
      profile: 'full',
    };
    const back = inverse(change);
    expect(back).toMatchObject({ op: 'route', profile: 'lan' });
    expect((back as { meta: { profile?: string } }).meta.profile).toBeUndefined();
    expect(inverse(back)).toEqual(change);
  });

  it('a failing firewall takes the database back too, and the next start syncs the old profile', async () => {
    const dir = makeDir();
    const policy = new RecordingPolicy();
    const app = await open(dir, policy);
    await app.peers.add({ name: 'nas', owner: 'test:admin', profile: 'lan' });
    policy.failApply = true;
    await expect(app.peers.setProfile('nas', 'full')).rejects.toThrow(/Operation not permitted/);
    expect(app.peers.get('nas')?.meta?.profile).toBe('lan');
    expect(dbProfile(dir, 'nas')).toBe('lan');
    await app.stop();
    opened.splice(0);
    const again = new RecordingPolicy();
    const reopened = await open(dir, again);
    expect(again.synced).toEqual([{ addresses: ['10.6.0.2/32'], profile: 'lan' }]);
    expect(reopened.peers.driftReport.findings).toEqual([]);
  });

  it('a crash in the middle of a /route is finished at the next start, firewall included', async () => {
    const dir = makeDir();
    const policy = new RecordingPolicy();
    let counting = false;
    const crashes: { step: string; dir: string }[] = [];
    const app = await open(dir, policy, (step) => {
      if (!counting || step === 'done') return;
      // What a kill -9 here leaves on disk.
      const copy = mkdtempSync(join(tmpdir(), 'wgc-route-crash-'));
      for (const f of readdirSync(dir)) cpSync(join(dir, f), join(copy, f), { recursive: true });
      crashes.push({ step, dir: copy });
    });
    await app.peers.add({ name: 'nas', owner: 'test:admin', profile: 'lan' });
    await app.peers.idle();
    counting = true;
    await app.peers.setProfile('nas', '192.168.1.10:445/tcp');
    await app.peers.idle();
    counting = false;
    expect(crashes.map((c) => c.step)).toEqual(expect.arrayContaining(['begin', 'begun', 'db', 'policy']));
    for (const crash of crashes) {
      const after = new RecordingPolicy();
      const recovered = await open(crash.dir, after);
      // Before the intent was journaled: nothing changed; from then on: the change applied once.
      const want = crash.step === 'begin' ? 'lan' : '192.168.1.10:445/tcp';
      expect(recovered.peers.get('nas')?.meta?.profile, crash.step).toBe(want);
      expect(dbProfile(crash.dir, 'nas'), crash.step).toBe(want);
      expect(after.synced, crash.step).toEqual([{ addresses: ['10.6.0.2/32'], profile: want }]);
      expect(recovered.peers.driftReport.findings.filter((f) => /by hand/.test(f))).toEqual([]);
    }
  });
});

describe('hand edits while running', () => {
  it('the firewall follows a block added or removed by hand at the next command', async () => {
    const dir = makeDir();
    const policy = new RecordingPolicy();
    const app = await open(dir, policy);
    await app.peers.add({ name: 'nas', owner: 'test:admin', profile: 'lan' });
    const { publicKey } = generateKeyPair();
    const conf = join(dir, 'wg0.conf');
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}### begin byhand ###\n[Peer]\nPublicKey = ${publicKey}\nAllowedIPs = 10.6.0.9/32\n### end byhand ###\n`, {
      mode: 0o600,
    });
    await app.peers.refresh();
    expect(policy.synced).toEqual([
      { addresses: ['10.6.0.2/32'], profile: 'lan' },
      { addresses: ['10.6.0.9/32'], profile: 'full' },
    ]);
  });
});
