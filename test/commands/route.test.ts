import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { parseClientConfig } from '../../src/core/client-config.js';
import type { PeerPolicy, PolicyPeer } from '../../src/core/ports.js';
import type { Reply } from '../../src/core/reply.js';
import { admin, appWithRecorder, plain, stranger } from '../helpers/app.js';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** The firewall port, recording what the service asks of it (the real nftables one: test/firewall). */
class RecordingPolicy implements PeerPolicy {
  calls: string[] = [];
  failNext = false;
  async sync(peers: readonly PolicyPeer[]) {
    this.calls.push(`sync ${peers.length}`);
  }
  async apply(peer: PolicyPeer) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('nft: Operation not permitted');
    }
    this.calls.push(`apply ${peer.addresses[0]} ${peer.profile}`);
  }
  async remove(addresses: readonly string[]) {
    this.calls.push(`remove ${addresses[0]}`);
  }
}

const conf = (reply: Reply | undefined) => parseClientConfig(Buffer.from(reply!.attachments!.find((a) => a.kind === 'file')!.data).toString('utf8'));
const env = { LAN_SUBNETS: '192.168.1.0/24' };

describe('/addpeer NAME PROFILE', () => {
  it('gives the client the routes of its profile and the firewall the rules', async () => {
    const policy = new RecordingPolicy();
    const r = await appWithRecorder(env, { policy });
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer nas-only 192.168.1.10:445/tcp'));
    await app.dispatcher.handle(admin('/addpeer home lan'));
    await app.dispatcher.handle(admin('/addpeer laptop'));
    const [a, b, c] = r.chat.to('admin');
    expect(conf(a).allowedIps).toEqual(['10.6.0.1/32', 'fd11:5ee:bad:c0de::1/128', '192.168.1.10/32']);
    expect(conf(b).allowedIps).toEqual(['10.6.0.1/32', 'fd11:5ee:bad:c0de::1/128', '192.168.1.0/24']);
    expect(conf(c).allowedIps).toEqual(['0.0.0.0/0', '::/0']);
    expect(policy.calls).toEqual(['sync 0', 'apply 10.6.0.2/32 192.168.1.10:445/tcp', 'apply 10.6.0.3/32 lan', 'apply 10.6.0.4/32 full']);
    expect(app.peers.get('nas-only')?.meta?.profile).toBe('192.168.1.10:445/tcp');
  });

  it('WG_DEFAULT_PROFILE applies when no profile is named', async () => {
    const r = await appWithRecorder({ ...env, WG_DEFAULT_PROFILE: 'lan' });
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer phone'));
    expect(conf(r.chat.to('admin')[0]).allowedIps).toContain('192.168.1.0/24');
  });

  it('refuses bad profiles and unknown words, creating nothing', async () => {
    const policy = new RecordingPolicy();
    const r = await appWithRecorder(env, { policy });
    app = r.app;
    for (const [line, message] of [
      ['/addpeer x 999.1.1.1/40', /prefix length must be 0 to 32/],
      ['/addpeer x 192.168.1.10:445', /a port needs its protocol/],
      ['/addpeer x everything', /is not a profile/],
      ['/addpeer x lan full', /given twice/],
    ] as const) {
      expect(plain(await app.dispatcher.handle(admin(line)))).toMatch(message);
    }
    expect(app.peers.list()).toHaveLength(0);
    expect(policy.calls).toEqual(['sync 0']);
  });

  it('answers in Japanese too', async () => {
    const r = await appWithRecorder({ ...env, BOT_LANGUAGE: 'ja' });
    app = r.app;
    expect(plain(await app.dispatcher.handle(admin('/addpeer x 192.168.1.10:445')))).toMatch(/プロトコルが必要/);
  });

  it('a non-admin cannot pick a profile', async () => {
    const r = await appWithRecorder(env);
    app = r.app;
    expect(plain(await app.dispatcher.handle(stranger('/addpeer mine lan')))).toMatch(/Only admins choose/);
  });

  it('a failing firewall leaves nothing behind', async () => {
    const policy = new RecordingPolicy();
    const r = await appWithRecorder(env, { policy });
    app = r.app;
    policy.failNext = true;
    await app.dispatcher.handle(admin('/addpeer laptop lan'));
    expect(app.peers.list()).toHaveLength(0);
    expect(readFileSync(app.config.interfaceConfigPath, 'utf8')).not.toMatch(/laptop/);
  });
});

describe('revoke and undo keep the firewall in step', () => {
  it('revoke removes the peer’s rules; undo puts them back with its profile', async () => {
    const policy = new RecordingPolicy();
    const r = await appWithRecorder(env, { policy });
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer nas 192.168.1.10:445/tcp'));
    const item = await app.peers.revoke('nas', 'test:admin');
    expect(policy.calls.at(-1)).toBe('remove 10.6.0.2/32');
    await app.peers.undo(item.token);
    expect(policy.calls.at(-1)).toBe('apply 10.6.0.2/32 192.168.1.10:445/tcp');
  });
});

describe('/route NAME PROFILE', () => {
  it('changes the firewall and resends the config privately; bad input changes nothing', async () => {
    const policy = new RecordingPolicy();
    const r = await appWithRecorder(env, { policy });
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer laptop'));
    const db = () => readFileSync(join(app!.config.dataDir, 'db.json'), 'utf8');
    const before = db();
    for (const [line, message] of [
      ['/route laptop 999.1.1.1/40', /prefix length/],
      ['/route laptop 192.168.1.10:22', /a port needs its protocol/],
      ['/route laptop nope', /is not a profile/],
      ['/route ghost lan', /ghost/],
    ] as const) {
      expect(plain(await app.dispatcher.handle(admin(line)))).toMatch(message);
    }
    expect(db()).toBe(before);
    expect(policy.calls).toEqual(['sync 0', 'apply 10.6.0.2/32 full']);

    await app.dispatcher.handle(admin('/route laptop 192.168.1.10:445/tcp, 192.168.1.20'));
    const sent = r.chat.to('admin').at(-1)!;
    expect(sent.secret).toBe(true);
    expect(plain(sent)).toMatch(/may reach is now/);
    expect(conf(sent).allowedIps).toEqual(['10.6.0.1/32', 'fd11:5ee:bad:c0de::1/128', '192.168.1.10/32', '192.168.1.20/32']);
    expect(policy.calls.at(-1)).toBe('apply 10.6.0.2/32 192.168.1.10:445/tcp,192.168.1.20');
    expect(app.peers.clientConfigFor('laptop')).toMatch(/AllowedIPs = 10\.6\.0\.1\/32, fd11:5ee:bad:c0de::1\/128, 192\.168\.1\.10\/32/);

    policy.failNext = true;
    expect(plain(await app.dispatcher.handle(admin('/route laptop full')))).not.toMatch(/may reach is now/);
    expect(app.peers.get('laptop')?.meta?.profile).toBe('192.168.1.10:445/tcp,192.168.1.20');
  });

  it('says so when connections opened before the change cannot be cut (no conntrack)', async () => {
    const policy = Object.assign(new RecordingPolicy(), { cuts: false, cutsConnections: () => policy.cuts });
    const r = await appWithRecorder(env, { policy });
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer laptop'));
    await app.dispatcher.handle(admin('/route laptop lan'));
    expect(plain(r.chat.to('admin').at(-1)!)).toMatch(/conntrack is not installed/);
    policy.cuts = true;
    await app.dispatcher.handle(admin('/route laptop full'));
    expect(plain(r.chat.to('admin').at(-1)!)).toMatch(/may reach is now/);
    expect(plain(r.chat.to('admin').at(-1)!)).not.toMatch(/conntrack/);
  });

  it('is for admins only', async () => {
    const r = await appWithRecorder(env);
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer laptop'));
    expect(app.peers.get('laptop')?.meta?.profile).toBeUndefined();
    await app.dispatcher.handle(stranger('/route laptop lan'));
    expect(app.peers.get('laptop')?.meta?.profile).toBeUndefined();
  });
});
