/** Durable writes, the database's memory on a failed write, the journal's slots, and a rollback on ENOSPC. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/keys.js';
import { PeerService } from '../../src/core/peer-service.js';
import type { InterfaceConfigFile, JournalRecord } from '../../src/core/ports.js';
import { UserError } from '../../src/core/errors.js';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { writeFileAtomic } from '../../src/store/atomic-file.js';
import { openBotDb } from '../../src/store/bot-db.js';
import { openJournal, SLOT_BYTES } from '../../src/store/journal.js';
import { interfaceConfigFile } from '../../src/wireguard/config-file.js';
import { interfaceDocument } from '../../src/wireguard/interface-document.js';

const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) {
    execFileSync('umount', ['-l', m]);
    rmSync(m, { recursive: true, force: true });
  }
});

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

describe.skipIf(!isRoot)('on a full tmpfs', () => {
  function full(): string {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    mounts.push(dir);
    return dir;
  }

  it('writeFileAtomic fails with ENOSPC, leaves the old file whole and no temp file', async () => {
    const dir = full();
    await writeFileAtomic(join(dir, 'f'), 'old content');
    await expect(writeFileAtomic(join(dir, 'f'), [Buffer.alloc(40_000, 'a'), Buffer.alloc(40_000, 'b')])).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('old content');
    expect(readdirSync(dir)).toEqual(['f']);
  });

  it('JsonStore.update: a failed write leaves memory as it was (new keys, deleted keys, records edited in place)', async () => {
    const dir = full();
    const db = await openBotDb(join(dir, 'db.json'));
    await db.update((d) => {
      d.users.u1 = { key: 'u1', name: 'One', approvedBy: 'a', approvedAt: 't' };
      d.peers.p1 = { name: 'p1', publicKey: 'k1', owner: 'o', createdAt: 't' };
    });
    const before = JSON.stringify(db.data);
    await expect(
      db.update((d) => {
        d.peers.p2 = { name: 'p2', publicKey: 'k2', owner: 'o'.repeat(80_000), createdAt: 't' };
        delete d.peers.p1;
        d.users.u1!.name = 'changed in place';
      }),
    ).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(JSON.stringify(db.data)).toBe(before);
    // And the next save writes exactly the data (the encoder's cache was not left ahead of it).
    await db.update((d) => {
      d.peers.p3 = { name: 'p3', publicKey: 'k3', owner: 'o', createdAt: 't' };
    });
    expect(readFileSync(join(dir, 'db.json'), 'utf8')).toBe(JSON.stringify(db.data));
  });

  it('the journal is written in place: records still go in when the disk is full', async () => {
    const dir = full();
    const journal = await openJournal(join(dir, 'journal'));
    const entry = { name: 'a', publicKey: generateKeyPair().publicKey, allowedIps: ['10.6.0.2/32'], enabled: true };
    const seq = await journal.begin({ op: 'add', entry });
    try {
      writeFileSync(join(dir, 'filler'), Buffer.alloc(128 * 1024));
    } catch {
      /* full now */
    }
    await journal.mark(seq, 'undoing');
    await journal.mark(seq, 'undone');
    const second = await journal.begin({ op: 'remove', entry });
    await journal.close();
    const reread = await openJournal(join(dir, 'journal'));
    expect(await reread.last()).toMatchObject({ seq: second, state: 'begun', change: { op: 'remove' } });
  });
});

describe('the journal', () => {
  it('a torn newest slot is ignored: the previous record counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-journal-'));
    const path = join(dir, 'journal');
    const journal = await openJournal(path);
    const entry = { name: 'a', publicKey: generateKeyPair().publicKey, allowedIps: ['10.6.0.2/32'], enabled: true };
    const first = await journal.begin({ op: 'add', entry });
    await journal.mark(first, 'done');
    const second = await journal.begin({ op: 'remove', entry });
    await journal.close();
    // A power cut half-way through the second record's slot.
    const h = await open(path, 'r+');
    await h.write(Buffer.alloc(100, 0x41), 0, 100, (second % 2) * SLOT_BYTES + 90);
    await h.close();
    const reread = await openJournal(path);
    expect(await reread.last()).toMatchObject<Partial<JournalRecord>>({ seq: first, state: 'done' });
  });
});

describe('a change whose file write fails with ENOSPC', () => {
  it('is refused in plain words, rolled back in the database and the interface, journaled undone; admins told once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-rollback-'));
    writeFileSync(join(dir, 'wg0.conf'), `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\n`, {
      mode: 0o600,
    });
    const real = interfaceConfigFile(join(dir, 'wg0.conf'));
    let failWrites = false;
    // The fault at the port: the disk fills up between the space check and this write.
    const file: InterfaceConfigFile = { ...real, write: (chunks) => (failWrites ? Promise.reject(enospc()) : real.write(chunks)) };
    const db = await openBotDb(join(dir, 'db.json'));
    const journal = await openJournal(join(dir, 'journal'));
    const livePeers = new Map<string, string[]>();
    const faults: string[] = [];
    const peers = new PeerService({
      document: interfaceDocument(file),
      db,
      journal,
      live: {
        name: 'wgmem',
        state: async () => ({ privateKeyPresent: true, publicKey: 'x', listenPort: 1, peers: [] }),
        setPeer: async (p) => (livePeers.set(p.publicKey, p.allowedIps), true),
        removePeer: async (k) => (livePeers.delete(k), true),
      },
      settings: {
        endpoint: 'vpn.example.net',
        dns: [],
        clientAllowedIps: ['0.0.0.0/0'],
        persistentKeepalive: 25,
        keepClientKeys: false,
        undoSeconds: 300,
      },
      logger: createMemoryLogger(),
      onDiskFault: (fault) => faults.push(fault),
    });
    await peers.start();
    await peers.add({ name: 'kept', owner: 'o' });
    failWrites = true;
    for (const name of ['lost1', 'lost2']) {
      const error = await peers.add({ name, owner: 'o' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).key).toBe('storage.full');
    }
    expect(faults).toEqual(['full']);
    expect(Object.keys(db.data.peers)).toEqual(['kept']);
    expect(JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')).peers).toHaveProperty('kept');
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')).peers)).toEqual(['kept']);
    expect(livePeers.size).toBe(1);
    expect(listPeers(parseServerConfig(readFileSync(join(dir, 'wg0.conf'), 'utf8'))).map((p) => p.name)).toEqual(['kept']);
    expect(await journal.last()).toMatchObject({ state: 'undone', change: { op: 'add', entry: { name: 'lost2' } } });
    expect(peers.list().map((p) => p.entry.name)).toEqual(['kept']);
    // Space again: changes work and the fault clears.
    failWrites = false;
    await peers.add({ name: 'after', owner: 'o' });
    expect(peers.storageFault).toBeUndefined();
    await journal.close();
  });
});
