/** PeerService through its ports, with the live interface replaced at that seam. */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/index.js';
import { generateKeyPair, generatePresharedKey } from '../../src/core/keys.js';
import { listPeers, parseServerConfig, renderPeerBlock, renderServerConfig } from '../../src/core/server-config.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { MemoryInterface } from '../helpers/memory-interface.js';
import type { JournalRecord } from '../../src/core/ports.js';
import { encode, SLOT_BYTES } from '../../src/store/journal.js';
import { admin, offlineApp, plain } from '../helpers/app.js';

/** Modification times of the interface config and the database: equal before and after = nothing written. */
const fileStamps = (a: App): string => [a.config.interfaceConfigPath, join(a.config.dataDir, 'db.json')].map((p) => statSync(p).mtimeMs).join();

let app: App | undefined;
afterEach(async () => app?.stop());

describe('PeerService', () => {
  it('rolls a failed add back completely: not live, not in the file, not in the database', async () => {
    const live = new MemoryInterface();
    app = await offlineApp({ WG_OFFLINE: 'false' }, { live });
    const before = readFileSync(app.config.interfaceConfigPath, 'utf8');
    live.failNext = true;
    expect(plain(await app.dispatcher.handle(admin('/addpeer laptop')))).toMatch(/did not work/);
    expect(readFileSync(app.config.interfaceConfigPath, 'utf8')).toBe(before);
    expect(app.db.data.peers.laptop).toBeUndefined();
    expect(live.peers.size).toBe(0);
    // And the next add works and takes the same address.
    const r = await app.peers.add({ name: 'laptop', owner: 'test:admin' });
    expect(r.entry.allowedIps[0]).toBe('10.6.0.2/32');
    expect(live.peers.size).toBe(1);
  });

  it('with the interface down, keeps the peer in the file and says it goes live when the interface starts', async () => {
    const live = new MemoryInterface();
    live.up = false;
    app = await offlineApp({ WG_OFFLINE: 'false' }, { live });
    const r = await app.peers.add({ name: 'laptop', owner: 'test:admin' });
    expect(r.live).toBe(false);
    expect(listPeers(parseServerConfig(readFileSync(app.config.interfaceConfigPath, 'utf8'))).map((p) => p.name)).toEqual(['laptop']);
    expect(plain(await app.dispatcher.handle(admin('/status')))).toMatch(/wgmem is not running/);
  });

  it('at start, applies file peers missing from the interface and reports live peers it does not know', async () => {
    const live = new MemoryInterface();
    app = await offlineApp({ WG_OFFLINE: 'false' }, { live });
    await app.peers.add({ name: 'laptop', owner: 'test:admin' });
    live.peers.clear();
    live.peers.set('handmadeKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', {
      publicKey: 'handmadeKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      allowedIps: ['10.6.0.99/32'],
    });
    const report = await app.peers.start();
    expect(report.applied).toBe(1);
    expect([...live.peers.keys()]).toContain(app.peers.get('laptop')!.entry.publicKey);
    expect(report.findings.join('\n')).toMatch(/live on wgmem but not in/);
    // The hand-made live peer was left alone.
    expect(live.peers.has('handmadeKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toBe(true);
  });

  it('starting and read-only commands write no file', async () => {
    const live = new MemoryInterface();
    app = await offlineApp({ WG_OFFLINE: 'false' }, { live });
    await app.peers.add({ name: 'laptop', owner: 'test:admin' });
    const before = fileStamps(app);
    await new Promise((r) => setTimeout(r, 20));
    await app.peers.start();
    for (const cmd of ['/peers', '/status', '/help', '/start', '/users', '/peers 1']) await app.dispatcher.handle(admin(cmd, { languageTag: 'ja' }));
    expect(fileStamps(app)).toBe(before);
  });
});

describe('PeerService file writes', () => {
  it('notices a hand edit of the config file while running (no stale copy overwrites it)', async () => {
    const live = new MemoryInterface();
    app = await offlineApp({ WG_OFFLINE: 'false' }, { live });
    await app.peers.add({ name: 'laptop', owner: 'test:admin' });
    const handMade = { name: 'byhand', publicKey: generateKeyPair().publicKey, allowedIps: ['10.6.0.3/32'], enabled: true };
    appendFileSync(app.config.interfaceConfigPath, `# added by hand\n${renderPeerBlock(handMade)}`);
    const next = await app.peers.add({ name: 'phone', owner: 'test:admin' });
    expect(next.entry.allowedIps[0]).toBe('10.6.0.4/32');
    const text = readFileSync(app.config.interfaceConfigPath, 'utf8');
    expect(text).toContain('# added by hand\n### begin byhand ###');
    expect(app.peers.list().map((p) => p.entry.name)).toEqual(['laptop', 'byhand', 'phone']);
  });
  it('keep the file identical to a full render after any mix of changes', async () => {
    const live = new MemoryInterface();
    app = await offlineApp({ WG_OFFLINE: 'false' }, { live });
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const n of names) await app.peers.add({ name: n, owner: 'test:admin' });
    await app.peers.revoke('b', 'test:admin');
    await app.peers.setEnabled('c', false);
    await app.peers.add({ name: 'f', owner: 'test:admin' });
    await app.peers.add({ name: 'g', owner: 'test:admin' });
    const text = readFileSync(app.config.interfaceConfigPath, 'utf8');
    const doc = parseServerConfig(text);
    expect(renderServerConfig(doc)).toBe(text);
    expect(listPeers(doc).map((p) => [p.name, p.allowedIps[0], p.enabled])).toEqual([
      ['a', '10.6.0.2/32', true],
      ['c', '10.6.0.4/32', false],
      ['d', '10.6.0.5/32', true],
      ['e', '10.6.0.6/32', true],
      ['f', '10.6.0.3/32', true],
      ['g', '10.6.0.7/32', true],
    ]);
    expect(app.peers.list().map((p) => p.entry.name)).toEqual(['a', 'c', 'd', 'e', 'f', 'g']);
  });
});

describe('PeerService crash recovery (the change journal)', () => {
  async function appAfterCrash(prepare: (paths: { dir: string; data: string; conf: string }) => void, live = new MemoryInterface()) {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-crash-'));
    const data = join(dir, 'data');
    mkdirSync(data, { mode: 0o700 });
    const conf = join(dir, 'wg0.conf');
    writeFileSync(conf, `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\nListenPort = 51820\n`, {
      mode: 0o600,
    });
    prepare({ dir, data, conf });
    const config = parseConfig(
      { WG_FIREWALL: 'off', WG_CONFIG_DIR: dir, DATA_DIR: data, WG_ENDPOINT: 'vpn.example.net', ADMIN_KEYS: 'test:admin' },
      { isRoot: false, cwd: dir },
    );
    const logger = createMemoryLogger();
    const built = await buildApp(config, { logger, runner: createProcessRunner(logger), live });
    app = built;
    const report = await built.peers.start();
    return { app: built, report, live, data, conf };
  }

  const pending = async () => {
    const keys = generateKeyPair();
    const entry = {
      name: 'laptop',
      publicKey: keys.publicKey,
      presharedKey: generatePresharedKey(),
      allowedIps: ['10.6.0.2/32'],
      enabled: true,
    };
    const meta = {
      name: 'laptop',
      publicKey: keys.publicKey,
      owner: 'test:bob',
      createdAt: '2026-11-27T00:00:00.000Z',
      privateKey: keys.privateKey,
    };
    return { entry, meta };
  };
  /** A journal whose newest record is `record` (as a crash leaves it). */
  const journalWith = (data: string, record: JournalRecord) =>
    writeFileSync(
      join(data, 'journal'),
      Buffer.concat([record.seq % 2 ? Buffer.alloc(SLOT_BYTES) : encode(record), record.seq % 2 ? encode(record) : Buffer.alloc(SLOT_BYTES)]),
      { mode: 0o600 },
    );

  it('finishes an add that had begun (journal) and reached none of database, file and interface', async () => {
    const { entry, meta } = await pending();
    const r = await appAfterCrash(({ data }) => journalWith(data, { seq: 1, state: 'begun', change: { op: 'add', entry, meta } }));
    expect(r.report.findings.join('\n')).toMatch(/finished an interrupted add of laptop/);
    expect(r.app.peers.get('laptop')?.meta?.owner).toBe('test:bob');
    expect(r.app.peers.clientConfigFor('laptop')).toContain(meta.privateKey);
    expect(readFileSync(r.conf, 'utf8')).toContain('### begin laptop ###');
    expect(r.live.peers.has(entry.publicKey)).toBe(true);
    expect(JSON.parse(readFileSync(join(r.data, 'db.json'), 'utf8')).peers.laptop.owner).toBe('test:bob');
  });

  it('finishes a remove that had begun and reached only the database', async () => {
    const { entry, meta } = await pending();
    const live = new MemoryInterface();
    live.peers.set(entry.publicKey, { publicKey: entry.publicKey, allowedIps: entry.allowedIps });
    const r = await appAfterCrash(({ data, conf }) => {
      appendFileSync(conf, renderPeerBlock(entry));
      writeFileSync(join(data, 'db.json'), JSON.stringify({ version: 1, peers: {}, users: {}, requests: {}, trash: {}, profiles: {} }));
      journalWith(data, { seq: 4, state: 'begun', change: { op: 'remove', entry, meta } });
    }, live);
    expect(r.report.findings.join('\n')).toMatch(/finished an interrupted remove of laptop/);
    expect(r.app.peers.get('laptop')).toBeUndefined();
    expect(readFileSync(r.conf, 'utf8')).not.toContain('laptop');
    expect(live.peers.has(entry.publicKey)).toBe(false);
  });

  it('finishes a rollback that had begun (an add that failed, then a crash)', async () => {
    const { entry, meta } = await pending();
    const live = new MemoryInterface();
    live.peers.set(entry.publicKey, { publicKey: entry.publicKey, allowedIps: entry.allowedIps });
    const r = await appAfterCrash(({ data }) => {
      writeFileSync(join(data, 'db.json'), JSON.stringify({ version: 1, peers: { laptop: meta }, users: {}, requests: {}, trash: {}, profiles: {} }));
      journalWith(data, { seq: 2, state: 'undoing', change: { op: 'add', entry, meta } });
    }, live);
    expect(r.report.findings.join('\n')).toMatch(/rolled back a failed add of laptop/);
    expect(r.app.peers.get('laptop')).toBeUndefined();
    expect(r.app.db.data.peers.laptop).toBeUndefined();
    expect(live.peers.has(entry.publicKey)).toBe(false);
  });

  it('an interrupted add whose address was taken by hand meanwhile is dropped with a finding; the bot starts', async () => {
    const { entry, meta } = await pending();
    const other = { name: 'byhand', publicKey: generateKeyPair().publicKey, allowedIps: ['10.6.0.2/32'], enabled: true };
    const r = await appAfterCrash(({ data, conf }) => {
      appendFileSync(conf, renderPeerBlock(other));
      journalWith(data, { seq: 3, state: 'begun', change: { op: 'add', entry, meta } });
    });
    expect(r.report.findings.join('\n')).toMatch(/could not finish the interrupted add of laptop .*held by another peer.*dropped/);
    expect(r.app.peers.list().map((p) => p.entry.name)).toEqual(['byhand']);
    expect(r.app.db.data.peers.laptop).toBeUndefined();
    expect(r.live.peers.has(entry.publicKey)).toBe(false);
    // The next change goes through (the dropped record does not block it).
    expect((await r.app.peers.add({ name: 'next', owner: 'test:admin' })).entry.allowedIps[0]).toBe('10.6.0.3/32');
  });

  it('does nothing (and writes nothing) when the last change had completed', async () => {
    const live = new MemoryInterface();
    app = await offlineApp({ WG_OFFLINE: 'false' }, { live });
    await app.peers.add({ name: 'laptop', owner: 'test:admin' });
    const before = fileStamps(app);
    const report = await app.peers.start();
    expect(report.findings).toEqual([]);
    expect(fileStamps(app)).toBe(before);
  });

  it('issue 11 repro: a peer revoked by hand while the bot was stopped stays revoked (no replay of the last add)', async () => {
    const live = new MemoryInterface();
    const first = await offlineApp({ WG_OFFLINE: 'false' }, { live });
    await first.dispatcher.handle(admin('/addpeer alice'));
    await first.dispatcher.handle(admin('/addpeer laptop'));
    const laptopKey = first.peers.get('laptop')!.entry.publicKey;
    await first.stop();
    // As `pivpn -r laptop` does: the block goes (and wg syncconf drops it from the interface).
    const conf = first.config.interfaceConfigPath;
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/### begin laptop ###[\s\S]*?### end laptop ###\n/, ''));
    live.peers.delete(laptopKey);
    const logger = createMemoryLogger();
    app = await buildApp(first.config, { logger, runner: createProcessRunner(logger), live });
    const report = await app.peers.start();
    expect(report.findings.join('\n')).not.toMatch(/finished an interrupted/);
    expect(report.findings.join('\n')).toMatch(/"laptop" .* removed from .* by hand: treated as revoked/);
    expect(readFileSync(conf, 'utf8')).not.toContain('laptop');
    expect(app.db.data.peers.laptop).toBeUndefined();
    expect(live.peers.has(laptopKey)).toBe(false);
    expect(plain(await app.dispatcher.handle(admin('/peers')))).not.toContain('laptop');
    expect(plain(await app.dispatcher.handle(admin('/peers')))).toContain('alice');
  });

  it('issue 11 repro: /enable then a hand-made #[disabled] stays disabled after a restart', async () => {
    const live = new MemoryInterface();
    const first = await offlineApp({ WG_OFFLINE: 'false' }, { live });
    await first.peers.add({ name: 'phone', owner: 'test:admin' });
    await first.peers.setEnabled('phone', false);
    await first.peers.setEnabled('phone', true);
    await first.stop();
    const conf = first.config.interfaceConfigPath;
    writeFileSync(
      conf,
      readFileSync(conf, 'utf8').replace(/### begin phone ###[\s\S]*?### end phone ###\n/, (block) =>
        block
          .split('\n')
          .filter(Boolean)
          .map((l) => `#[disabled] ${l}\n`)
          .join(''),
      ),
    );
    const logger = createMemoryLogger();
    app = await buildApp(first.config, { logger, runner: createProcessRunner(logger), live });
    const report = await app.peers.start();
    expect(report.findings.join('\n')).toMatch(/"phone" was disabled by hand/);
    expect(app.peers.get('phone')?.entry.enabled).toBe(false);
    expect(readFileSync(conf, 'utf8')).toContain('#[disabled] ### begin phone ###');
    expect(live.peers.size).toBe(0);
    expect(app.db.data.peers.phone?.disabled).toBe(true);
  });
});
