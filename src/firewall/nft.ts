/**
 * The Pi's per-peer firewall in nftables: one table per interface (`inet wgchatops_<iface>_peers`),
 * next to the NAT table install writes. Hooks input and forward; a packet from the tunnel is sent by its
 * source address through a verdict map to its peer's chain, which accepts exactly what the profile allows
 * and drops the rest. Unknown tunnel sources are dropped, and so is anything entering the tunnel that does
 * not answer a connection a peer opened. A peer change touches only its map elements and its profile's chain.
 */
import { createHash } from 'node:crypto';
import { allowedTargets, parseProfile, type ProfileTarget } from '../core/profile.js';
import { parseCidr } from '../core/ip.js';
import type { PeerPolicy, PolicyPeer } from '../core/ports.js';
import type { CommandRunner } from '../exec/runner.js';

export interface FirewallSettings {
  iface: string;
  /** The tunnel networks ("10.6.0.0/24", "fd11:5ee:bad:c0de::/64"). */
  tunnelNetworks: string[];
  /** The Pi's own tunnel addresses as host CIDRs. */
  serverAddresses: string[];
  lanSubnets: string[];
  isolation: boolean;
}

export const tableName = (iface: string): string => `wgchatops_${iface.replace(/[^A-Za-z0-9_]/g, '_')}_peers`;

/**
 * A chain per profile, shared by every peer with that profile (its rules depend on the profile only): the
 * table holds as many chains as there are distinct profiles, not one per peer, so nft's work per change
 * stays small at 1,000 peers. A peer is its map elements.
 */
export function profileChain(profile: string): string {
  if (profile === 'full' || profile === 'lan') return `prof_${profile}`;
  return `prof_${createHash('sha256').update(profile).digest('hex').slice(0, 16)}`;
}

function hostOf(cidr: string): { family: 4 | 6; host: string } {
  const c = parseCidr(cidr.includes('/') ? cidr : `${cidr}/${cidr.includes(':') ? 128 : 32}`);
  return { family: c.family, host: cidr.replace(/\/\d+$/, '') };
}

function targetRule(t: ProfileTarget): string {
  const match = `${t.family === 4 ? 'ip' : 'ip6'} daddr ${t.cidr}`;
  return t.port === undefined ? `${match} accept` : `${match} ${t.protocol} dport ${t.port} accept`;
}

/** The rules of one peer's chain. Pure. */
export function peerRules(peer: PolicyPeer, s: FirewallSettings): string[] {
  const { all, targets } = allowedTargets(parseProfile(peer.profile), { lanSubnets: s.lanSubnets, serverAddresses: s.serverAddresses });
  // The Pi's own tunnel addresses (ping, DNS on the Pi) come first: isolation below must not cut them off.
  const server = s.serverAddresses.map((cidr) => targetRule({ family: cidr.includes(':') ? 6 : 4, cidr }));
  const rules = [...new Set([...server, ...targets.map(targetRule)])];
  // Other peers: named targets above are allowed; with isolation the rest of the tunnel is not.
  if (s.isolation) for (const n of s.tunnelNetworks) rules.push(`${n.includes(':') ? 'ip6' : 'ip'} daddr ${n} drop`);
  rules.push(all ? 'accept' : 'drop');
  return rules;
}

/** The nft commands that (re)define one peer: its profile's chain and its map elements. Pure. */
export function peerScript(peer: PolicyPeer, s: FirewallSettings, present: ReadonlyMap<string, string> = new Map(), chainWritten = false): string {
  const table = `inet ${tableName(s.iface)}`;
  const chain = profileChain(peer.profile);
  // A profile's chain is written once (its rules depend only on the profile and the settings).
  const lines = chainWritten ? [] : [`add chain ${table} ${chain}`, `flush chain ${table} ${chain}`, ...peerRules(peer, s).map((r) => `add rule ${table} ${chain} ${r}`)];
  for (const a of peer.addresses) {
    const { family, host } = hostOf(a);
    // `present`: what the map holds (kept by the caller since the last sync); a changed verdict is deleted and added.
    const now = present.get(host);
    if (now === chain) continue;
    if (now !== undefined) lines.push(`delete element ${table} peers${family} { ${host} }`);
    lines.push(`add element ${table} peers${family} { ${host} : jump ${chain} }`);
  }
  return `${lines.join('\n')}\n`;
}

export function removeScript(addresses: readonly string[], s: FirewallSettings, present: ReadonlyMap<string, string>): string {
  const table = `inet ${tableName(s.iface)}`;
  // The profile's chain stays (other peers may share it; an unused one is gone at the next start).
  const lines: string[] = [];
  for (const a of addresses) {
    const { family, host } = hostOf(a);
    if (present.has(host)) lines.push(`delete element ${table} peers${family} { ${host} }`);
  }
  if (lines.length === 0) return '';
  return `${lines.join('\n')}\n`;
}

/** The whole table with every peer: written at start in one transaction (replacing what was there). Pure. */
export function fullScript(peers: readonly PolicyPeer[], s: FirewallSettings): string {
  const t = tableName(s.iface);
  const i = JSON.stringify(s.iface);
  const base = [
    `table inet ${t} {}`,
    `delete table inet ${t}`,
    `table inet ${t} {`,
    `  map peers4 { type ipv4_addr : verdict; }`,
    `  map peers6 { type ipv6_addr : verdict; }`,
    // Priority filter - 1: decided before the install table's accept rules (a drop anywhere is final).
    `  chain input { type filter hook input priority filter - 1; policy accept;`,
    `    iifname ${i} ct state established,related accept`,
    `    iifname ${i} ip saddr vmap @peers4`,
    `    iifname ${i} ip6 saddr vmap @peers6`,
    `    iifname ${i} meta l4proto { icmp, ipv6-icmp } accept`,
    `    iifname ${i} drop`,
    `  }`,
    `  chain forward { type filter hook forward priority filter - 1; policy accept;`,
    `    ct state established,related accept`,
    `    iifname ${i} ip saddr vmap @peers4`,
    `    iifname ${i} ip6 saddr vmap @peers6`,
    `    iifname ${i} drop`,
    // Into the tunnel from elsewhere (the LAN, the Internet): only answers to a peer's own connections.
    `    oifname ${i} drop`,
    `  }`,
    `}`,
  ];
  // Each profile's chain once, then every peer's elements.
  const chains = new Map<string, string>();
  for (const p of peers) chains.set(profileChain(p.profile), p.profile);
  const lines: string[] = [];
  for (const [chain, profile] of chains) {
    lines.push(`add chain inet ${t} ${chain}`, ...peerRules({ addresses: [], profile }, s).map((r) => `add rule inet ${t} ${chain} ${r}`));
  }
  for (const p of peers) {
    for (const a of p.addresses) {
      const { family, host } = hostOf(a);
      lines.push(`add element inet ${t} peers${family} { ${host} : jump ${profileChain(p.profile)} }`);
    }
  }
  return `${base.join('\n')}\n${lines.join('\n')}\n`;
}

export interface NftPolicyOptions {
  runner: CommandRunner;
  /** Read when rules are written (the tunnel's addresses are known once the peers have started). */
  settings: () => FirewallSettings;
  /** argv that runs nft (tests: ["ip", "netns", "exec", NS, "nft"]). */
  nft?: string[];
}

export class NftPeerPolicy implements PeerPolicy {
  private readonly nft: string[];
  constructor(private readonly o: NftPolicyOptions) {
    this.nft = o.nft ?? ['nft'];
  }

  /** Map element → chain, as written (the table is ours alone: rewritten whole by sync, then changed only here). */
  private present = new Map<string, string>();
  /** Profile chains in the table since the last sync. */
  private chains = new Set<string>();
  private lock: Promise<unknown> = Promise.resolve();

  private async run(script: string): Promise<void> {
    if (script === '') return;
    const [file, ...args] = this.nft;
    await this.o.runner.run(file!, [...args, '-f', '-'], { input: script });
  }

  /** One change at a time, and `present` updated only when nft accepted the batch (all or nothing). */
  private serialised(work: () => Promise<void>): Promise<void> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  sync(peers: readonly PolicyPeer[]): Promise<void> {
    return this.serialised(async () => {
      await this.run(fullScript(peers, this.o.settings()));
      this.chains = new Set(peers.map((p) => profileChain(p.profile)));
      this.present = new Map(peers.flatMap((p) => p.addresses.map((a) => [hostOf(a).host, profileChain(p.profile)] as [string, string])));
    });
  }

  apply(peer: PolicyPeer): Promise<void> {
    return this.serialised(async () => {
      const chain = profileChain(peer.profile);
      await this.run(peerScript(peer, this.o.settings(), this.present, this.chains.has(chain)));
      this.chains.add(chain);
      for (const a of peer.addresses) this.present.set(hostOf(a).host, profileChain(peer.profile));
    });
  }

  remove(addresses: readonly string[]): Promise<void> {
    return this.serialised(async () => {
      await this.run(removeScript(addresses, this.o.settings(), this.present));
      for (const a of addresses) this.present.delete(hostOf(a).host);
    });
  }
}
