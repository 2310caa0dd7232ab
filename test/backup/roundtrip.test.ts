/**
 * Backup and restore with a real tunnel: peers are added, a backup made; WG_CONFIG_DIR and DATA_DIR
 * are wiped and the interface torn down; a fresh server config is written (as install would), the
 * backup restored and the interface brought up from the restored file (as wg-quick would). The
 * client's config, never changed, pings through again.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { BackupRoots } from '../../src/backup/archive.js';
import { restoreBackup } from '../../src/backup/restore.js';
import { createRecoveryCode, makeBackupFile } from '../../src/backup/service.js';
import { parseConfig } from '../../src/config/index.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import {
  bringUpClient,
  createLab,
  createWgInterface,
  pingThroughTunnel,
  sh,
  stopWgInterface,
  tunnelTestsEnabled,
  type TestLab,
  labEnv,
} from '../helpers/netns.js';

/** What wg-quick up does for a userspace interface: create, setconf (without wg-quick's own keys), address, up. */
async function serverLinkGone(lab: TestLab): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (!sh('ip', ['-n', lab.serverNs, '-o', 'link', 'show']).includes(`${lab.serverIface}:`)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function wgQuickUp(lab: TestLab, confPath: string): Promise<void> {
  createWgInterface(lab.serverNs, lab.serverIface);
  const text = readFileSync(confPath, 'utf8');
  const address = /^\s*Address\s*=\s*(.+)$/m.exec(text)![1]!.split(',')[0]!.trim();
  const stripped = join(mkdtempSync(join(tmpdir(), 'wgc-quick-')), 'wg.conf');
  writeFileSync(stripped, text.replace(/^\s*(Address|DNS|MTU)\s*=.*$/gim, ''), { mode: 0o600 });
  sh('wg', ['setconf', lab.serverIface, stripped]);
  sh('ip', ['-n', lab.serverNs, 'addr', 'add', address, 'dev', lab.serverIface]);
  sh('ip', ['-n', lab.serverNs, 'link', 'set', lab.serverIface, 'up']);
}

describe.runIf(tunnelTestsEnabled())('backup and restore with a real tunnel', () => {
  let lab: TestLab;
  beforeAll(() => {
    lab = createLab({ tunnelCidr: '10.83.0.0/24' });
  });
  afterAll(() => lab?.destroy());

  it('the old client config pings through after wipe, fresh install and restore', { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wgc-rt-data-'));
    const env = labEnv(lab, dataDir, { WG_ENDPOINT: `${lab.serverLanIp}:${lab.listenPort}`, WG_CLIENT_ALLOWED_IPS: lab.tunnelCidr });
    const config = parseConfig(env, { isRoot: true, cwd: dataDir });
    const logger = createMemoryLogger();
    const app = await buildApp(config, { logger, runner: createProcessRunner(logger) });
    await app.start();
    const code = await createRecoveryCode(dataDir);
    const phone = await app.peers.add({ name: 'phone', owner: 'test:admin' });
    await app.peers.add({ name: 'laptop', owner: 'test:admin' });
    bringUpClient(lab, phone.clientConfig);
    expect(await pingThroughTunnel(lab)).toBe(true);
    const serverPublicKey = sh('wg', ['show', lab.serverIface, 'public-key']).trim();

    const roots: BackupRoots = { wgConfigDir: lab.configDir, dataDir, envFile: join(dataDir, '..', `wgc-rt-${lab.id}.env`) };
    writeFileSync(roots.envFile!, `WG_INTERFACE=${lab.serverIface}\nTELEGRAM_BOT_TOKEN=123456:AAAAsecretsecretsecretsecretsecret1\n`, {
      mode: 0o600,
    });
    const backup = await makeBackupFile(roots, { appVersion: '0.1.0', interfaceName: lab.serverIface, now: new Date() });
    expect(backup.peers).toBe(2);
    // Encrypted: neither keys nor names nor the token are readable in the file.
    const asText = Buffer.from(backup.data).toString('latin1');
    for (const secret of [phone.meta.privateKey!, 'phone', 'secretsecret', 'PrivateKey']) expect(asText).not.toContain(secret);
    const backupPath = join(mkdtempSync(join(tmpdir(), 'wgc-rt-file-')), backup.name);
    writeFileSync(backupPath, backup.data, { mode: 0o600 });

    // The SD card dies: everything is gone, the interface too.
    await app.stop();
    stopWgInterface(lab.serverIface);
    for (const name of readdirSync(lab.configDir)) rmSync(join(lab.configDir, name), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(roots.envFile!);
    expect(await serverLinkGone(lab)).toBe(true);
    expect(await pingThroughTunnel(lab, 1)).toBe(false);

    // A fresh install: a new server key and an empty data directory, and the new token typed in again.
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(
      join(lab.configDir, `${lab.serverIface}.conf`),
      `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.83.0.1/24\nListenPort = 51999\n`,
      { mode: 0o600 },
    );
    writeFileSync(roots.envFile!, `TELEGRAM_BOT_TOKEN=654321:BBBBnewtokennewtokennewtokennew1\n`, { mode: 0o600 });

    const result = await restoreBackup(readFileSync(backupPath), code, roots);
    expect(result.payload.interfaceName).toBe(lab.serverIface);
    expect(result.missingSecrets).toEqual([]);
    expect(readFileSync(roots.envFile!, 'utf8')).toBe(`WG_INTERFACE=${lab.serverIface}\nTELEGRAM_BOT_TOKEN=654321:BBBBnewtokennewtokennewtokennew1\n`);
    await wgQuickUp(lab, join(lab.configDir, `${lab.serverIface}.conf`));
    expect(sh('wg', ['show', lab.serverIface, 'public-key']).trim()).toBe(serverPublicKey);
    expect(sh('wg', ['show', lab.serverIface, 'listen-port']).trim()).toBe(String(lab.listenPort));

    const again = await buildApp(config, { logger, runner: createProcessRunner(logger) });
    await again.start();
    expect(
      again.peers
        .list()
        .map((p) => p.entry.name)
        .sort(),
    ).toEqual(['laptop', 'phone']);
    expect(again.db.data.peers.phone?.owner).toBe('test:admin');
    // The phone still holds a session with the old server; WireGuard makes a new handshake after about
    // 15 s without answers (as a real phone would), with the unchanged config.
    let through = false;
    for (let i = 0; i < 15 && !through; i++) through = await pingThroughTunnel(lab, 3);
    expect(through).toBe(true);
    await again.stop();
  });
});
