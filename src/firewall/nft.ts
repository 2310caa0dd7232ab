/**
 * The Pi's per-peer firewall in nftables: one table per interface (`inet wgchatops_<iface>_peers`),
 * next to the NAT table install writes. Hooks input and forward; a packet from the tunnel is sent by its
 * source address through a verdict map to its peer's chain, which accepts exactly what the profile allows
 * and drops the rest. Unknown tunnel sources are dropped, and so is anything entering the tunnel that does
 * not answer a connection a peer opened. A peer change touches only its map elements and its profile's chain.
 */
import type { PeerPolicy, PolicyPeer } from '../core/ports.js';
import type { CommandRunner } from '../exec/runner.js';
import type { Conntrack } from './conntrack.js';
import { NftSession } from './nft-session.js';
import { addressProfiles, hostOf, profileKey, profileRules, type FirewallSettings, type PolicyRule } from './rules.js';

export type { FirewallSettings } from './rules.js';

export const tableName = (iface: string): string => `wgchatops_${iface.replace(/[^A-Za-z0-9_]/g, '_')}_peers`;

/** A chain per profile, shared by every peer with that profile: a peer is its map elements. */
export const profileChain = (profile: string): string => `prof_${profileKey(profile)}`;

function nftRule(r: PolicyRule): string {
  if (r.cidr === undefined) return r.verdict;
  const match = `${r.family === 6 ? 'ip6' : 'ip'} daddr ${r.cidr}`;
  return r.port === undefined ? `${match} ${r.verdict}` : `${match} ${r.protocol} dport ${r.port} ${r.verdict}`;
}

/** The rules of one peer's chain. Pure. */
export function peerRules(peer: PolicyPeer, s: FirewallSettings): string[] {
  return profileRules(peer.profile, s).map(nftRule);
}

/** The nft commands that (re)define one peer: its profile's chain and its map elements. Pure. */
export function peerScript(peer: PolicyPeer, s: FirewallSettings, present: ReadonlyMap<string, string> = new Map(), chainWritten = false): string {
  const table = `inet ${tableName(s.iface)}`;
  const chain = profileChain(peer.profile);
  // A profile's chain is written once (its rules depend only on the profile and the settings).
  const lines = chainWritten
    ? []
    : [`add chain ${table} ${chain}`, `flush chain ${table} ${chain}`, ...peerRules(peer, s).map((r) => `add rule ${table} ${chain} ${r}`)];
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
  /** Cuts a peer's forbidden connections after its profile changed; none: they run on until they end. */
  conntrack?: Conntrack;
}

/** `nft -j list map` output → element → chain. */
function mapElements(json: string): Array<[string, string]> {
  const doc = JSON.parse(json) as { nftables?: Array<{ map?: { elem?: Array<[string, { jump?: { target?: string } }]> } }> };
  return (doc.nftables ?? []).flatMap((o) => o.map?.elem ?? []).map(([key, v]) => [String(key), v.jump?.target ?? ''] as [string, string]);
}

export class NftPeerPolicy implements PeerPolicy {
  private readonly nft: string[];
  private readonly session: NftSession;
  constructor(private readonly o: NftPolicyOptions) {
    this.nft = o.nft ?? ['nft'];
    // Per-change batches go to one long-lived `nft -i` (a process per change cost ~20 ms at p95 on a Pi).
    this.session = new NftSession({ argv: this.nft });
  }

  /** Map element → chain, as written (the table is ours alone: rewritten whole by sync, then changed only here). */
  private present = new Map<string, string>();
  /** Profile chains in the table since the last sync. */
  private chains = new Set<string>();
  private lock: Promise<unknown> = Promise.resolve();

  private async runFile(script: string): Promise<void> {
    if (script === '') return;
    const [file, ...args] = this.nft;
    await this.o.runner.run(file!, [...args, '-f', '-'], { input: script });
  }

  /** A batch cut off by nft's end may or may not have been committed: read the maps back, rewrite chains as needed. */
  private async recover(): Promise<void> {
    if (!this.session.uncertain) return;
    const [file, ...args] = this.nft;
    const table = tableName(this.o.settings().iface);
    const present = new Map<string, string>();
    for (const map of ['peers4', 'peers6']) {
      const r = await this.o.runner.run(file!, [...args, '-j', 'list', 'map', 'inet', table, map]);
      for (const [k, v] of mapElements(r.stdout)) present.set(k, v);
    }
    this.present = present;
    this.chains.clear();
    this.session.uncertain = false;
  }

  /**
   * A change through the session; when nft -i died or hung (not when it refused the change), the maps are
   * read back and the change, recomputed, goes through a one-shot `nft -f -` instead: slower, never lost.
   */
  private async send(script: () => string): Promise<void> {
    try {
      await this.session.batch(lines(script()));
    } catch (error) {
      if (!this.session.uncertain) throw error;
      await this.recover();
      await this.runFile(script());
    }
  }

  /** One change at a time, and `present` updated only when nft accepted the batch (all or nothing). */
  private serialised(work: () => Promise<void>): Promise<void> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  sync(peers: readonly PolicyPeer[]): Promise<void> {
    return this.serialised(async () => {
      await this.runFile(fullScript(peers, this.o.settings()));
      this.chains = new Set(peers.map((p) => profileChain(p.profile)));
      this.present = new Map([...addressProfiles(peers)].map(([host, profile]) => [host, profileChain(profile)]));
      this.session.uncertain = false;
      await this.o.conntrack?.check();
    });
  }

  apply(peer: PolicyPeer): Promise<void> {
    return this.serialised(async () => {
      await this.recover();
      const s = this.o.settings();
      const chain = profileChain(peer.profile);
      const moved = peer.addresses.map(hostOf).filter(({ host }) => this.present.has(host) && this.present.get(host) !== chain);
      await this.send(() => peerScript(peer, s, this.present, this.chains.has(chain)));
      this.chains.add(chain);
      for (const a of peer.addresses) this.present.set(hostOf(a).host, chain);
      // A profile change: what the peer opened before and may no longer reach stops now.
      if (moved.length > 0) await this.o.conntrack?.cutForbidden(moved, profileRules(peer.profile, s));
    });
  }

  remove(addresses: readonly string[]): Promise<void> {
    return this.serialised(async () => {
      await this.recover();
      await this.send(() => removeScript(addresses, this.o.settings(), this.present));
      for (const a of addresses) this.present.delete(hostOf(a).host);
    });
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

const lines = (script: string): string[] => script.split('\n').filter((l) => l.trim() !== '');
