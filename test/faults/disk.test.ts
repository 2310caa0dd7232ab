/**
 * Real full and read-only file systems: DATA_DIR and WG_CONFIG_DIR on a tiny tmpfs (root only: mount).
 * Peers are added until the disk is full; every confirmed one must survive a restart, every refused one
 * must be absent, every file valid, and the bot must start and answer read-only commands on the full disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import { admin, plain, RecordingAdapter, startedWithRecorder } from '../helpers/app.js';

const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];
let apps: App[] = [];

afterEach(async () => {
  for (const a of apps) await a.stop().catch(() => undefined);
  apps = [];
  for (const m of mounts.splice(0)) {
    execFileSync('umount', ['-l', m]);
    rmSync(m, { recursive: true, force: true });
  }
});

function tinyDisk(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounts.push(dir);
  writeFileSync(join(dir, 'wg0.conf'), `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/16\nListenPort = 51820\n`, {
    mode: 0o600,
  });
  return dir;
}

async function bot(dir: string): Promise<{ app: App; chat: RecordingAdapter }> {
  const started = await startedWithRecorder(
    { WG_CONFIG_DIR: dir, DATA_DIR: join(dir, 'data'), WG_OFFLINE: 'true', WG_ENDPOINT: 'vpn.example.net', ADMIN_KEYS: 'test:admin' },
    { isRoot: false, cwd: dir },
  );
  apps.push(started.app);
  return started;
}

/** What is on disk: peers in the config file (it must parse) and in the database (it must be JSON). */
function onDisk(dir: string): { file: string[]; db: string[] } {
  const doc = parseServerConfig(readFileSync(join(dir, 'wg0.conf'), 'utf8'));
  const db = JSON.parse(readFileSync(join(dir, 'data', 'db.json'), 'utf8')) as { peers: Record<string, unknown> };
  return { file: listPeers(doc).map((p) => p.name), db: Object.keys(db.peers) };
}

describe.skipIf(!isRoot)('a full disk (tmpfs)', () => {
  it('adds until full: confirmed peers intact after a restart, refused ones absent, files valid; starts and serves /peers on the full disk', async () => {
    const dir = tinyDisk('256k');
    // Something else on the card, deleted at the end to free space.
    writeFileSync(join(dir, 'old-logs'), Buffer.alloc(128 * 1024));
    const { app, chat } = await bot(dir);
    const confirmed: string[] = [];
    const refused: string[] = [];
    let refusal = '';
    for (let i = 0; i < 2000 && refused.length < 5; i++) {
      const name = `p${i}`;
      const reply = plain(await app.dispatcher.handle(admin(`/addpeer ${name}`)));
      if (app.peers.get(name)) confirmed.push(name);
      else {
        refused.push(name);
        refusal = reply;
      }
    }
    expect(confirmed.length).toBeGreaterThan(20);
    expect(refused).toHaveLength(5);
    expect(refusal).toMatch(/disk is full: nothing was changed/);
    // One alert to the admins, however many changes were refused.
    expect(chat.to('admin').filter((r) => /Peer changes are failing/.test(plain(r)))).toHaveLength(1);
    // Read-only commands keep working on the full disk.
    expect(plain(await app.dispatcher.handle(admin('/peers')))).toContain(confirmed[0]!);
    expect(onDisk(dir)).toEqual({ file: confirmed, db: confirmed });

    // Fill the rest of the disk completely, then restart on it: the bot starts and answers.
    try {
      writeFileSync(join(dir, 'filler'), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: the disk is full now, as intended
    }
    await app.stop();
    apps = [];
    const again = await bot(dir);
    expect(again.app.peers.list().map((p) => p.entry.name)).toEqual(confirmed);
    expect(plain(await again.app.dispatcher.handle(admin('/status')))).toMatch(/peers/i);
    expect(plain(await again.app.dispatcher.handle(admin('/addpeer onemore')))).toMatch(/disk is full/);
    expect(onDisk(dir)).toEqual({ file: confirmed, db: confirmed });
    for (const name of refused) expect(readFileSync(join(dir, 'wg0.conf'), 'utf8')).not.toContain(`begin ${name} `);

    // Space freed: changes work again.
    rmSync(join(dir, 'filler'), { force: true });
    rmSync(join(dir, 'old-logs'), { force: true });
    expect(plain(await again.app.dispatcher.handle(admin('/revoke p0')))).not.toMatch(/disk/);
    expect(onDisk(dir).file).not.toContain('p0');
  });

  it('a read-only remount: changes refused in plain words, nothing changed, reads work; back to normal after remount rw', async () => {
    const dir = tinyDisk('4m');
    const { app } = await bot(dir);
    for (const n of ['a', 'b', 'c']) await app.dispatcher.handle(admin(`/addpeer ${n}`));
    await app.dispatcher.handle(admin('/disable c'));
    const before = { conf: readFileSync(join(dir, 'wg0.conf'), 'utf8'), db: readFileSync(join(dir, 'data', 'db.json'), 'utf8') };
    // No file open for writing, or the remount is refused (busy).
    await app.audit.flush();
    await app.peers.idle();
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    for (const cmd of ['/addpeer d', '/revoke a', '/enable c', '/disable b']) {
      expect(plain(await app.dispatcher.handle(admin(cmd)))).toMatch(/read-only .*: nothing was changed/);
    }
    expect(plain(await app.dispatcher.handle(admin('/peers')))).toMatch(/a[\s\S]*b[\s\S]*c/);
    expect(app.peers.list().map((p) => [p.entry.name, p.entry.enabled])).toEqual([
      ['a', true],
      ['b', true],
      ['c', false],
    ]);
    await app.stop();
    apps = [];
    // Restart while read-only.
    const ro = await bot(dir);
    expect(ro.app.peers.list().map((p) => p.entry.name)).toEqual(['a', 'b', 'c']);
    expect({ conf: readFileSync(join(dir, 'wg0.conf'), 'utf8'), db: readFileSync(join(dir, 'data', 'db.json'), 'utf8') }).toEqual(before);
    execFileSync('mount', ['-o', 'remount,rw', dir]);
    expect(plain(await ro.app.dispatcher.handle(admin('/addpeer d')))).not.toMatch(/read-only/);
    expect(onDisk(dir).file).toEqual(['a', 'b', 'c', 'd']);
  });
});
