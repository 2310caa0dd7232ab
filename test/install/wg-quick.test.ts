/**
 * The server config install writes, brought up for real by wg-quick (userspace wireguard-go) in a
 * network namespace, with its NAT rules; then the bot adds a peer and a client pings through the tunnel.
 * Everything runs inside namespaces this test creates; the steps' commands run there too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import { createProcessRunner, type CommandRunner } from '../../src/exec/runner.js';
import { validateAnswers } from '../../src/install/answers.js';
import { detectFacts } from '../../src/install/facts.js';
import { applyPlan } from '../../src/install/files.js';
import { defaultsPrompter } from '../../src/install/prompt.js';
import { decisions } from '../../src/install/plan-apply.js';
import { emptyState } from '../../src/install/state.js';
import { ipForwarding, serverConfig } from '../../src/install/steps/wireguard.js';
import type { InstallContext } from '../../src/install/types.js';
import { underRoot } from '../../src/wireguard/pivpn/fs-util.js';
import { botEnv, printedFiles, runConsole } from '../helpers/cli.js';
import { bringUpClient, pingThroughTunnel, sh, shAsync, stopWgInterface, tunnelTestsEnabled, uniqueName, type TestLab } from '../helpers/netns.js';
import { fakeNet } from './helpers.js';

const USERSPACE = { WG_QUICK_USERSPACE_IMPLEMENTATION: 'wireguard-go', WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' };

/** The real runner, every command run inside the namespace (as it would run on the Pi). */
function inNamespace(ns: string, inner: CommandRunner): CommandRunner {
  return { run: (file, args, options) => inner.run('ip', ['netns', 'exec', ns, file, ...args], options) };
}

describe.runIf(tunnelTestsEnabled())('install’s server config under wg-quick', () => {
  const id = uniqueName('').slice(0, 6);
  const serverNs = `wgis${id}`;
  const clientNs = `wgic${id}`;
  const lanDev = `vis${id}`;
  const iface = `wgi${id}`;
  const root = mkdtempSync(join(tmpdir(), 'wgc-wgquick-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'wgc-wgquick-data-'));
  const serverLan = '172.29.41.1';
  let confPath = '';
  let lab: TestLab;

  beforeAll(() => {
    sh('ip', ['netns', 'add', serverNs]);
    sh('ip', ['netns', 'add', clientNs]);
    sh('ip', ['link', 'add', lanDev, 'netns', serverNs, 'type', 'veth', 'peer', 'name', `vic${id}`, 'netns', clientNs]);
    sh('ip', ['-n', serverNs, 'addr', 'add', `${serverLan}/24`, 'dev', lanDev]);
    sh('ip', ['-n', clientNs, 'addr', 'add', '172.29.41.2/24', 'dev', `vic${id}`]);
    for (const [ns, dev] of [
      [serverNs, lanDev],
      [clientNs, `vic${id}`],
    ] as const) {
      sh('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
  });

  afterAll(async () => {
    for (const client of lab?.clientIfaces ?? []) stopWgInterface(client);
    if (confPath)
      await shAsync('ip', ['netns', 'exec', serverNs, 'env', ...Object.entries(USERSPACE).map(([k, v]) => `${k}=${v}`), 'wg-quick', 'down', confPath]);
    for (const ns of [serverNs, clientNs]) await shAsync('ip', ['netns', 'del', ns]);
    rmSync(root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes up with NAT, and a peer the bot adds pings through', async () => {
    const runner = inNamespace(serverNs, createProcessRunner());
    const values = {
      WG_INTERFACE: iface,
      WG_PORT: '51820',
      WG_ENDPOINT: serverLan,
      INSTALL_LAN_INTERFACE: lanDev,
      INSTALL_FIREWALL: 'nftables',
    };
    const answers = validateAnswers(values, 'test');
    const path = (p: string) => underRoot(root, p);
    const facts = await detectFacts(runner, { root, path, nodeVersion: process.versions.node, isRoot: true, lanInterface: lanDev });
    expect(facts.lan).toMatchObject({ iface: lanDev, address: serverLan, dynamic: false });
    const ctx: InstallContext = {
      root,
      path,
      runner,
      env: values,
      answers,
      facts,
      state: emptyState(),
      net: fakeNet(),
      prompt: defaultsPrompter(),
      t: (k) => k,
      dryRun: false,
      yes: true,
      appDir: '/opt/wg-chatops',
      nodePath: process.execPath,
      random: Math.random,
      decide: decisions(),
      say: () => {},
    };
    for (const step of [serverConfig, ipForwarding]) {
      expect(await step.check(ctx)).toBe('todo');
      await applyPlan(ctx, await step.plan(ctx));
    }
    expect(await serverConfig.check(ctx)).toBe('done');
    confPath = path(`/etc/wireguard/${iface}.conf`);
    const doc = parseServerConfig(readFileSync(confPath, 'utf8'));
    const subnet = doc.iface.addresses[0]!.replace(/\.1\/24$/, '.0/24');
    expect(sh('ip', ['netns', 'exec', serverNs, 'sysctl', '-n', 'net.ipv4.ip_forward']).trim()).toBe('1');

    sh('ip', ['netns', 'exec', serverNs, 'wg-quick', 'up', confPath], USERSPACE);
    expect(sh('ip', ['netns', 'exec', serverNs, 'wg', 'show', iface, 'listen-port']).trim()).toBe('51820');
    expect(sh('ip', ['netns', 'exec', serverNs, 'nft', 'list', 'table', 'inet', `wgchatops_${iface}`])).toContain(
      `ip saddr ${subnet} oifname "${lanDev}" masquerade`,
    );

    // The bot (compiled, console chat) adds a peer to the running interface.
    const env = botEnv({
      WG_INTERFACE: iface,
      WG_CONFIG_DIR: path('/etc/wireguard'),
      WG_ENDPOINT: `${serverLan}:51820`,
      WG_CLIENT_ALLOWED_IPS: subnet,
      DATA_DIR: dataDir,
    });
    const added = await runConsole(env, ['/addpeer laptop']);
    expect(added.code, added.stderr).toBe(0);
    const laptop = printedFiles(added.stdout).get('laptop.conf');
    expect(laptop).toBeDefined();
    expect(listPeers(parseServerConfig(readFileSync(confPath, 'utf8'))).map((p) => p.name)).toEqual(['laptop']);

    lab = {
      id,
      serverNs,
      clientNs,
      serverLanIp: serverLan,
      clientLanIp: '172.29.41.2',
      serverIface: iface,
      configDir: dataDir,
      configPath: confPath,
      serverPrivateKey: '',
      listenPort: 51820,
      tunnelCidr: subnet,
      clientIfaces: [],
      destroy: () => {},
    };
    bringUpClient(lab, laptop!);
    expect(await pingThroughTunnel(lab)).toBe(true);

    // wg-quick down runs PostDown: the NAT table goes with the interface.
    sh('ip', ['netns', 'exec', serverNs, 'wg-quick', 'down', confPath], USERSPACE);
    confPath = '';
    const gone = await shAsync('ip', ['netns', 'exec', serverNs, 'nft', 'list', 'table', 'inet', `wgchatops_${iface}`]);
    expect(gone.code).not.toBe(0);
  });
});
