/**
 * `wg-chatops install --restore FILE` against a temporary --root and the recording runner (the booted
 * test, test/booted/restore.test.ts, proves the tunnel): the backup is checked before any step, so a wrong
 * code or a damaged file changes nothing; the restore step writes the backup's files before the WireGuard
 * step (which then keeps them), its settings become defaults under the answers, and a re-run restores nothing.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { generateBackupKey } from '../../src/backup/crypto.js';
import { makeBackupFile } from '../../src/backup/service.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { runInstallCli } from '../../src/install/cli.js';
import { harness, makeRoot, TOKEN, tree, writeAnswers } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const ANSWERS = `TELEGRAM_BOT_TOKEN=${TOKEN}\nTELEGRAM_ADMIN_IDS=11111111\nINSTALL_STATIC_IP=no\nINSTALL_UNATTENDED_UPGRADES=no\nINSTALL_PORT_MAPPING=manual\n`;

/** A backup of another Pi: its interface config with one peer, its database, its settings (token emptied). */
async function oldPiBackup(): Promise<{ file: Uint8Array; code: string; wg0: string; db: string }> {
  const old = await mkdtemp(join(tmpdir(), 'wgc-oldpi-'));
  dirs.push(old);
  const server = generateKeyPair();
  const peer = generateKeyPair();
  const wg0 = `[Interface]\nPrivateKey = ${server.privateKey}\nAddress = 10.55.0.1/24\nListenPort = 51999\n\n# laptop\n[Peer]\nPublicKey = ${peer.publicKey}\nAllowedIPs = 10.55.0.2/32\n`;
  const db = '{"version":1,"peers":{}}\n';
  const key = await generateBackupKey();
  await mkdir(join(old, 'wg'));
  await mkdir(join(old, 'data'));
  await writeFile(join(old, 'wg/wg0.conf'), wg0, { mode: 0o600 });
  await writeFile(join(old, 'data/db.json'), db, { mode: 0o600 });
  await writeFile(join(old, 'data/backup-recipient.txt'), `${key.recipient}\n`, { mode: 0o600 });
  await writeFile(join(old, '.env'), `TELEGRAM_BOT_TOKEN=${TOKEN}\nWG_ENDPOINT=old.example.org:51999\nWG_PORT=51999\nWG_SUBNET=10.55.0.0/24\n`);
  const made = await makeBackupFile(
    { wgConfigDir: join(old, 'wg'), dataDir: join(old, 'data'), envFile: join(old, '.env') },
    { appVersion: '0.1.0', interfaceName: 'wg0', now: new Date() },
  );
  return { file: made.data, code: key.identity, wg0, db };
}

describe('wg-chatops install --restore', () => {
  it('refuses a wrong code and a damaged file before any step; restores once, then keeps the files', async () => {
    const r = await makeRoot();
    dirs.push(r);
    const backup = await oldPiBackup();
    const file = join(r, 'backup.age');
    await writeFile(file, backup.file);
    const answers = await writeAnswers(r, ANSWERS);
    const run = (code: string, path = file) => {
      const h = harness(r, { stdin: Readable.from([`${code}\n`]) });
      return runInstallCli(['--root', r, '--answers', answers, '--restore', path], h.deps).then((exit) => ({ exit, h }));
    };

    const damaged = join(r, 'damaged.age');
    await writeFile(damaged, backup.file.subarray(0, backup.file.length - 80));
    const before = await tree(r);
    const wrong = await run((await generateBackupKey()).identity);
    expect(wrong.exit).toBe(1);
    expect(wrong.h.err.join('')).toContain('The recovery code does not open this backup');
    const bad = await run(backup.code, damaged);
    expect(bad.exit).toBe(1);
    expect(bad.h.err.join('')).toMatch(/damaged or truncated/);
    for (const { h } of [wrong, bad]) expect(h.system.mutations()).toEqual([]);
    expect(await tree(r)).toEqual(before);

    const ok = await run(backup.code);
    expect(ok.h.err.join(''), ok.h.out.join('')).toBe('');
    expect(ok.exit).toBe(0);
    const text = ok.h.out.join('');
    expect(text).toMatch(/\[\d+\/16\] Restoring the backup/);
    expect(text).toContain('write /etc/wireguard/wg0.conf (mode 0600)');
    // The WireGuard step keeps the restored server instead of making a new one.
    expect(await readFile(join(r, 'etc/wireguard/wg0.conf'), 'utf8')).toBe(backup.wg0);
    expect(await readFile(join(r, 'var/lib/wg-chatops/db.json'), 'utf8')).toBe(backup.db);
    expect(ok.h.system.mutations().map((m) => m.argv.join(' '))).toContain(`chown -R wg-chatops:wg-chatops ${join(r, 'var/lib/wg-chatops')}`);
    // The settings came back under the answers; the token is the one the answers gave.
    const env = await readFile(join(r, 'etc/wg-chatops/.env'), 'utf8');
    expect(env).toContain('WG_ENDPOINT=old.example.org:51999');
    expect(env).toContain('WG_PORT=51999');
    expect(env).toContain(`TELEGRAM_BOT_TOKEN=${TOKEN}`);

    // The bot changes its files afterwards; a re-run with the same backup keeps them.
    await writeFile(join(r, 'var/lib/wg-chatops/db.json'), '{"version":1,"peers":{"x":{}}}\n');
    const again = await run(backup.code);
    expect(again.exit).toBe(0);
    expect(again.h.out.join('')).not.toContain('write /etc/wireguard/wg0.conf');
    expect(await readFile(join(r, 'var/lib/wg-chatops/db.json'), 'utf8')).toContain('"x"');
  });

  it('is not a step of an install without --restore', async () => {
    const r = await makeRoot();
    dirs.push(r);
    const h = harness(r);
    expect(await runInstallCli(['--root', r, '--dry-run', '--answers', await writeAnswers(r, ANSWERS)], h.deps)).toBe(0);
    expect(h.out.join('')).not.toContain('Restoring the backup');
    expect(h.out.join('')).toContain('[1/15] Checking this machine');
  });
});
