/**
 * PeerService against a live wireguard-go interface: concurrent adds get distinct addresses and the
 * database, config file and interface agree; a kill -9 in the middle of adds leaves a readable
 * database that the next start reconciles.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/index.js';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { BIN, botEnv, runConsole } from '../helpers/cli.js';
import { createLab, sh, tunnelTestsEnabled, type TestLab, labEnv } from '../helpers/netns.js';

function liveKeys(lab: TestLab): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of sh('wg', ['show', lab.serverIface, 'allowed-ips']).trim().split('\n').filter(Boolean)) {
    const [key, ips] = line.split('\t');
    out.set(key!, ips!);
  }
  return out;
}

describe.runIf(tunnelTestsEnabled())('PeerService with a live interface', () => {
  let lab: TestLab;
  beforeAll(() => {
    lab = createLab({ tunnelCidr: '10.77.0.0/24' });
  });
  afterAll(() => lab?.destroy());

  it('50 concurrent adds: 50 distinct addresses; database, config file and interface agree', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wgc-conc-'));
    const config = parseConfig(labEnv(lab, dataDir), { isRoot: true, cwd: dataDir });
    const logger = createMemoryLogger();
    const app = await buildApp(config, { logger, runner: createProcessRunner(logger) });
    await app.start();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => app.peers.add({ name: `c${i}`, owner: 'test:admin' })));
    const addresses = new Set(results.map((r) => r.entry.allowedIps[0]));
    expect(addresses.size).toBe(50);
    expect(results.every((r) => r.live)).toBe(true);

    const fileDoc = parseServerConfig(readFileSync(lab.configPath, 'utf8'));
    const filePeers = listPeers(fileDoc);
    expect(filePeers).toHaveLength(50);
    const db = JSON.parse(readFileSync(join(dataDir, 'db.json'), 'utf8'));
    const live = liveKeys(lab);
    for (const p of filePeers) {
      expect(db.peers[p.name].publicKey).toBe(p.publicKey);
      expect(live.get(p.publicKey)).toBe(p.allowedIps.join(' '));
    }
    expect(live.size).toBe(50);
    // A secret never reached the log.
    const secrets = results.flatMap((r) => [r.meta.privateKey!, r.entry.presharedKey!]);
    expect(logger.lines.some((l) => secrets.some((s) => l.includes(s)))).toBe(false);
    await app.stop();
  });
});

describe.runIf(tunnelTestsEnabled())('crash safety', () => {
  let lab: TestLab;
  beforeAll(() => {
    lab = createLab({ tunnelCidr: '10.78.0.0/24' });
  });
  afterAll(() => lab?.destroy());

  it('a kill -9 while peers are being added leaves a readable database that the next start reconciles', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wgc-kill-'));
    const env = botEnv({ WG_INTERFACE: lab.serverIface, WG_CONFIG_DIR: lab.configDir, WG_ENDPOINT: lab.serverLanIp, DATA_DIR: dataDir });
    const child = spawn(process.execPath, [BIN, 'console'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // Feed adds and kill once some have been answered, while the rest are in flight.
    const killed = new Promise<void>((resolve) => {
      child.stdout.on('data', () => {
        if ((out.match(/# end of file:/g) ?? []).length >= 5 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    for (let i = 0; i < 200; i++) child.stdin.write(`/addpeer k${i}\n`);
    await killed;
    await new Promise((r) => child.once('close', r));

    // The database parses.
    const db = JSON.parse(readFileSync(join(dataDir, 'db.json'), 'utf8'));
    expect(db.version).toBe(1);

    // After a restart, database, file and interface agree on every peer in the file.
    const restarted = await runConsole(env, ['/peers']);
    expect(restarted.code, restarted.stderr).toBe(0);
    const filePeers = listPeers(parseServerConfig(readFileSync(lab.configPath, 'utf8')));
    expect(filePeers.length).toBeGreaterThanOrEqual(5);
    const dbAfter = JSON.parse(readFileSync(join(dataDir, 'db.json'), 'utf8'));
    const live = liveKeys(lab);
    for (const p of filePeers) {
      expect(live.get(p.publicKey), p.name).toBe(p.allowedIps.join(' '));
      expect(dbAfter.peers[p.name]?.publicKey, p.name).toBe(p.publicKey);
    }
    expect(new Set(filePeers.map((p) => p.allowedIps[0])).size).toBe(filePeers.length);
  });
});
