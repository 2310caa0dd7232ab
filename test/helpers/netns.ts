/**
 * Real WireGuard for tests: network namespaces and wireguard-go interfaces that the test creates and
 * removes itself. Traffic stays inside these namespaces. wireguard-go's control sockets live in
 * /var/run/wireguard for every namespace, so every interface gets a unique name, and `wg` can drive
 * them from the root namespace too (which is how the bot, running outside, reaches them).
 */
import { execFileSync, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { generateKeyPair } from '../../src/core/keys.js';

const run = promisify(execFile);

/** Root, with every named program on PATH. */
export function rootWith(...programs: string[]): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('sh', ['-c', programs.map((p) => `command -v ${p}`).join(' && ')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether this machine can run the real-tunnel tests. */
export const canRunTunnels = (): boolean => rootWith('wireguard-go', 'wg', 'ip', 'ping');

/** CI sets WG_CHATOPS_REQUIRE_TUNNEL=1 so a machine that cannot run them fails instead of skipping. */
export const tunnelTestsEnabled = (): boolean => {
  const ok = canRunTunnels();
  if (!ok && process.env.WG_CHATOPS_REQUIRE_TUNNEL === '1') throw new Error('real-tunnel tests required but this machine lacks root/wireguard-go/wg/ip');
  return ok;
};

export const uniqueName = (prefix: string): string => `${prefix}${randomBytes(4).toString('hex')}`.slice(0, 15);

export function sh(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function shAsync(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const WG_GO_ENV = { WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' };

/** A wireguard-go interface inside a namespace. */
export function createWgInterface(ns: string, name: string): void {
  sh('ip', ['netns', 'exec', ns, 'wireguard-go', name], WG_GO_ENV);
}

export interface TestLab {
  id: string;
  serverNs: string;
  clientNs: string;
  /** The server's address on the veth link: what clients dial. */
  serverLanIp: string;
  clientLanIp: string;
  serverIface: string;
  /** Temp dir holding the server config (WG_CONFIG_DIR). */
  configDir: string;
  configPath: string;
  serverPrivateKey: string;
  listenPort: number;
  tunnelCidr: string;
  /** Every client interface created, removed by destroy(). */
  clientIfaces: string[];
  destroy(): void;
}

/**
 * Two namespaces joined by a veth pair (10.231.X.1 ↔ 10.231.X.2), a wireguard-go server interface
 * configured from a freshly written server config file (like wg-quick up would: setconf + address + up).
 */
export function createLab(opts: { listenPort?: number; tunnelCidr?: string; serverConfigExtra?: string } = {}): TestLab {
  const id = randomBytes(3).toString('hex');
  const serverNs = `wgcs${id}`;
  const clientNs = `wgcc${id}`;
  const octet = (parseInt(id.slice(0, 2), 16) % 250) + 1;
  const serverLanIp = `10.231.${octet}.1`;
  const clientLanIp = `10.231.${octet}.2`;
  const serverIface = `wgs${id}`;
  const listenPort = opts.listenPort ?? 51820;
  const tunnelCidr = opts.tunnelCidr ?? '10.66.0.0/24';
  const serverTunnelIp = tunnelCidr.replace(/\.0\/(\d+)$/, '.1/$1');
  const { privateKey } = generateKeyPair();
  const configDir = mkdtempSync(join(tmpdir(), 'wgc-lab-'));
  const configPath = join(configDir, `${serverIface}.conf`);
  writeFileSync(
    configPath,
    `# test server\n[Interface]\nPrivateKey = ${privateKey}\nAddress = ${serverTunnelIp}\nListenPort = ${listenPort}\n${opts.serverConfigExtra ?? ''}`,
    { mode: 0o600 },
  );

  const lab: TestLab = {
    id,
    serverNs,
    clientNs,
    serverLanIp,
    clientLanIp,
    serverIface,
    configDir,
    configPath,
    serverPrivateKey: privateKey,
    listenPort,
    tunnelCidr,
    clientIfaces: [],
    destroy() {
      // wireguard-go keeps running (and keeps the namespace alive) until its control socket is removed,
      // which is how wg-quick stops a userspace interface.
      for (const iface of [serverIface, ...lab.clientIfaces]) stopWgInterface(iface);
      for (const ns of [serverNs, clientNs]) {
        try {
          sh('ip', ['netns', 'del', ns]);
        } catch {
          /* already gone */
        }
      }
    },
  };
  try {
    sh('ip', ['netns', 'add', serverNs]);
    sh('ip', ['netns', 'add', clientNs]);
    sh('ip', ['link', 'add', `vs${id}`, 'netns', serverNs, 'type', 'veth', 'peer', 'name', `vc${id}`, 'netns', clientNs]);
    sh('ip', ['-n', serverNs, 'addr', 'add', `${serverLanIp}/24`, 'dev', `vs${id}`]);
    sh('ip', ['-n', clientNs, 'addr', 'add', `${clientLanIp}/24`, 'dev', `vc${id}`]);
    for (const [ns, dev] of [
      [serverNs, `vs${id}`],
      [clientNs, `vc${id}`],
    ] as const) {
      sh('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    createWgInterface(serverNs, serverIface);
    const keyFile = join(configDir, 'server.key');
    writeFileSync(keyFile, `${privateKey}\n`, { mode: 0o600 });
    sh('wg', ['set', serverIface, 'private-key', keyFile, 'listen-port', String(listenPort)]);
    sh('ip', ['-n', serverNs, 'addr', 'add', serverTunnelIp, 'dev', serverIface]);
    sh('ip', ['-n', serverNs, 'link', 'set', serverIface, 'up']);
  } catch (error) {
    lab.destroy();
    throw error;
  }
  return lab;
}

/**
 * Bring a client config (as the bot produced it) up in the client namespace: what the WireGuard app
 * does on a phone. wg-quick-only keys (Address, DNS, MTU) are applied with ip; the rest with wg setconf.
 */
export function bringUpClient(lab: TestLab, clientConfig: string): string {
  const iface = uniqueName('wgk');
  lab.clientIfaces.push(iface);
  bringUpConfig(lab.clientNs, iface, clientConfig, lab.configDir);
  return iface;
}

/** A new wireguard-go interface IFACE in namespace NS from a client config (its key file goes in DIR, 0600). */
export function bringUpConfig(ns: string, iface: string, clientConfig: string, dir: string): void {
  createWgInterface(ns, iface);
  const addresses: string[] = [];
  const kept: string[] = [];
  for (const line of clientConfig.split('\n')) {
    const m = /^\s*(\w+)\s*=\s*(.*)$/.exec(line);
    const key = m?.[1]?.toLowerCase();
    if (key === 'address') addresses.push(...m![2]!.split(',').map((s) => s.trim()));
    else if (key === 'dns' || key === 'mtu') continue;
    else kept.push(line);
  }
  const file = join(dir, `${iface}.conf`);
  writeFileSync(file, kept.join('\n'), { mode: 0o600 });
  sh('wg', ['setconf', iface, file]);
  for (const a of addresses) if (!a.includes(':')) sh('ip', ['-n', ns, 'addr', 'add', a, 'dev', iface]);
  sh('ip', ['-n', ns, 'link', 'set', iface, 'up']);
}

export function removeClient(lab: TestLab, iface: string): void {
  stopWgInterface(iface);
  try {
    sh('ip', ['-n', lab.clientNs, 'link', 'del', iface]);
  } catch {
    /* gone */
  }
}

/**
 * A namespace of its own with one wireguard-go interface in it, for the describe block this is called in:
 * made before its tests, removed after. Names are unique (prefixes of at most 5 letters).
 */
export function useWgInterface(prefix: string): { ns: string; iface: string } {
  const ns = uniqueName(`${prefix}n`);
  const iface = uniqueName(prefix);
  beforeAll(() => {
    sh('ip', ['netns', 'add', ns]);
    createWgInterface(ns, iface);
  });
  afterAll(() => {
    stopWgInterface(iface);
    sh('ip', ['netns', 'del', ns]);
  });
  return { ns, iface };
}

/** Stop a wireguard-go interface the way wg-quick does for userspace: remove its control socket. */
export function stopWgInterface(iface: string): void {
  rmSync(`/var/run/wireguard/${iface}.sock`, { force: true });
}

/** One ping through the tunnel from the client namespace to the server's tunnel address. */
export async function pingThroughTunnel(lab: TestLab, attempts = 3): Promise<boolean> {
  const target = lab.tunnelCidr.replace(/\.0\/\d+$/, '.1');
  const r = await shAsync('ip', ['netns', 'exec', lab.clientNs, 'ping', '-c', String(attempts), '-W', '1', '-i', '0.2', target]);
  return r.code === 0 && / 0% packet loss|[1-9]\d* received/.test(r.stdout) && !/ 0 received/.test(r.stdout);
}

/** The bot's settings for a lab's server side: its interface and config directory, no firewall, one admin. */
export function labEnv(lab: TestLab, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WG_FIREWALL: 'off',
    WG_INTERFACE: lab.serverIface,
    WG_CONFIG_DIR: lab.configDir,
    WG_ENDPOINT: lab.serverLanIp,
    DATA_DIR: dataDir,
    ADMIN_KEYS: 'test:admin',
    ...extra,
  };
}
