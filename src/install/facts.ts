/** What install needs to know about the machine, found once per run with read-only queries. */
import { readFile } from 'node:fs/promises';
import type { CommandRunner } from '../exec/runner.js';
import { ipJson, probe, stdoutOf, succeeds } from './probe.js';

export interface LanInfo {
  iface: string;
  address: string;
  prefix: number;
  gateway?: string;
  /** The kernel marks DHCP leases "dynamic". */
  dynamic: boolean;
}

export interface SystemFacts {
  osId: string;
  osLike: string[];
  codename: string;
  prettyName: string;
  arch: string;
  nodeVersion: string;
  isRoot: boolean;
  kernelWireguard: boolean;
  firewall: 'nftables' | 'iptables' | 'none';
  lan?: LanInfo;
  /** Every IPv4 network the host is on or routes to (the tunnel subnet must avoid them). */
  ipv4Networks: string[];
  networking: 'NetworkManager' | 'dhcpcd' | 'other';
}

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return out;
}

const DPKG_ARCH: Record<string, string> = { arm64: 'arm64', arm: 'armhf', x64: 'amd64' };

interface IpAddrInfo {
  ifname: string;
  addr_info?: { family: string; local: string; prefixlen: number; dynamic?: boolean }[];
}
interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
}

export interface FactsOptions {
  root: string;
  path(p: string): string;
  nodeVersion: string;
  isRoot: boolean;
  lanInterface?: string;
}

export async function detectFacts(runner: CommandRunner, options: FactsOptions): Promise<SystemFacts> {
  const os = parseOsRelease(await readFile(options.path('/etc/os-release'), 'utf8').catch(() => ''));
  const arch = (await stdoutOf(runner, 'dpkg', ['--print-architecture'])) ?? DPKG_ARCH[process.arch] ?? process.arch;
  const kernelWireguard = await succeeds(runner, 'modinfo', ['-F', 'version', 'wireguard']);
  const firewall = (await succeeds(runner, 'nft', ['--version'])) ? 'nftables' : (await succeeds(runner, 'iptables', ['--version'])) ? 'iptables' : 'none';

  const defaults = await ipJson<IpRoute>(runner, ['-4', 'route', 'show', 'default']);
  const routes = await ipJson<IpRoute>(runner, ['-4', 'route', 'show']);
  const addrs = await ipJson<IpAddrInfo>(runner, ['-4', 'addr', 'show']);
  const ipv4Networks = new Set<string>();
  for (const r of routes) if (r.dst && r.dst !== 'default') ipv4Networks.add(r.dst.includes('/') ? r.dst : `${r.dst}/32`);
  for (const a of addrs) for (const i of a.addr_info ?? []) if (i.family === 'inet' && a.ifname !== 'lo') ipv4Networks.add(`${i.local}/${i.prefixlen}`);

  const iface = options.lanInterface ?? defaults[0]?.dev;
  let lan: LanInfo | undefined;
  const info = addrs.find((a) => a.ifname === iface)?.addr_info?.find((i) => i.family === 'inet');
  if (iface && info) {
    lan = { iface, address: info.local, prefix: info.prefixlen, dynamic: info.dynamic === true };
    const gw = defaults.find((d) => d.dev === iface)?.gateway;
    if (gw) lan.gateway = gw;
  }
  const active = async (unit: string) => (await probe(runner, 'systemctl', ['is-active', '--quiet', unit]))?.exitCode === 0;
  const networking = (await active('NetworkManager')) ? 'NetworkManager' : (await active('dhcpcd')) ? 'dhcpcd' : 'other';

  const facts: SystemFacts = {
    osId: os.ID ?? 'unknown',
    osLike: (os.ID_LIKE ?? '').split(/\s+/).filter(Boolean),
    codename: os.VERSION_CODENAME ?? '',
    prettyName: os.PRETTY_NAME ?? os.ID ?? 'unknown',
    arch,
    nodeVersion: options.nodeVersion,
    isRoot: options.isRoot,
    kernelWireguard,
    firewall,
    ipv4Networks: [...ipv4Networks],
    networking,
  };
  if (lan) facts.lan = lan;
  return facts;
}
