/**
 * The whole bot as a user runs it (compiled CLI, console chat) against a real wireguard-go server:
 * the config it prints brings a client up, a ping crosses the tunnel, /revoke cuts it, and peers
 * survive a restart.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig, listPeers } from '../../src/core/server-config.js';
import { botEnv, printedFiles, runConsole } from '../helpers/cli.js';
import { bringUpClient, createLab, pingThroughTunnel, removeClient, sh, tunnelTestsEnabled, type TestLab } from '../helpers/netns.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe.runIf(tunnelTestsEnabled())('console bot with a real tunnel', () => {
  let lab: TestLab;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    lab = createLab();
    env = botEnv({
      WG_FIREWALL: 'off',
      WG_INTERFACE: lab.serverIface,
      WG_CONFIG_DIR: lab.configDir,
      WG_ENDPOINT: `${lab.serverLanIp}:${lab.listenPort}`,
      WG_CLIENT_ALLOWED_IPS: lab.tunnelCidr,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'wgc-data-')),
    });
  });
  afterAll(() => lab?.destroy());

  it('adds a peer whose config pings through, revokes it, and keeps the rest across a restart', async () => {
    const first = await runConsole(env, ['/addpeer laptop', '/addpeer phone']);
    expect(first.code, first.stderr).toBe(0);
    const files = printedFiles(first.stdout);
    const laptop = files.get('laptop.conf');
    const phone = files.get('phone.conf');
    expect(laptop).toMatch(/\[Interface\][\s\S]*PrivateKey = [\s\S]*\[Peer\][\s\S]*Endpoint = 10\.231\./);
    expect(phone).toBeDefined();
    // A terminal cannot take messages back, so the console does not promise it.
    expect(first.stdout).not.toMatch(/will be deleted/);

    // The server config file holds both peers in PiVPN's block form, mode 0600.
    const doc = parseServerConfig(readFileSync(lab.configPath, 'utf8'));
    expect(listPeers(doc).map((p) => p.name)).toEqual(['laptop', 'phone']);
    expect(sh('stat', ['-c', '%a', lab.configPath]).trim()).toBe('600');

    const laptopIface = bringUpClient(lab, laptop!);
    expect(await pingThroughTunnel(lab)).toBe(true);
    expect(sh('wg', ['show', lab.serverIface, 'latest-handshakes'])).toMatch(/\t[1-9]\d+/);

    const revoked = await runConsole(env, ['/revoke laptop']);
    expect(revoked.stdout).toMatch(/laptop is revoked/);
    expect(await pingThroughTunnel(lab, 2)).toBe(false);
    removeClient(lab, laptopIface);

    // A new process (restart) still knows phone, and phone's config still works.
    const after = await runConsole(env, ['/peers']);
    expect(after.stdout).toMatch(/phone/);
    expect(after.stdout).not.toMatch(/laptop/);
    bringUpClient(lab, phone!);
    expect(await pingThroughTunnel(lab)).toBe(true);
  });
});
