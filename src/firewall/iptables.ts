/**
 * The per-peer firewall for systems without nftables: iptables (iptables-nft or iptables-legacy, whichever
 * `iptables-restore` is) and ip6tables, without ipset. The same rules as src/firewall/nft.ts in chains of
 * their own, named after the interface, in the filter table:
 *
 *   INPUT   -i wg0 -j WGC-wg0-in   established → RETURN, then -g WGC-wg0-p
 *   FORWARD -j WGC-wg0             established → RETURN, -i wg0 -g WGC-wg0-p, -o wg0 DROP (into the tunnel)
 *   WGC-wg0-p                      one rule per peer address: -s ADDR -g WGC-wg0-<profile>; then DROP (unknown)
 *   WGC-wg0-<profile>              the profile's rules: allowed → RETURN, forbidden → DROP
 *
 * "Allowed" returns (through the gotos) to INPUT/FORWARD, so the system's own rules still decide after ours,
 * as with the nft table at priority filter - 1. Every change is one `iptables-restore --noflush` per family
 * (atomic per family); a peer change touches only its own dispatch rules and its profile's chain.
 */
import type { PeerPolicy, PolicyPeer } from '../core/ports.js';
import type { CommandRunner } from '../exec/runner.js';
import type { Conntrack } from './conntrack.js';
import { addressProfiles, familyOf, hostOf, profileKey, profileRules, type FirewallSettings, type PolicyRule } from './rules.js';

type Family = 4 | 6;

export const chainBase = (iface: string): string => `WGC-${iface}`;
/** A profile's chain (at most 28 characters, iptables' limit: "WGC-" + 15 + "-" + 8). */
export const iptablesProfileChain = (iface: string, profile: string): string => `${chainBase(iface)}-${profileKey(profile).slice(0, 8)}`;
const ownChain = (iface: string) => new RegExp(`^${chainBase(iface).replace(/[.+]/g, '\\$&')}(-(in|p|full|lan|[0-9a-f]{8}))?$`);

function ruleArgs(r: PolicyRule): string {
  const target = r.verdict === 'accept' ? 'RETURN' : 'DROP';
  if (r.cidr === undefined) return `-j ${target}`;
  return r.port === undefined ? `-d ${r.cidr} -j ${target}` : `-d ${r.cidr} -p ${r.protocol} -m ${r.protocol} --dport ${r.port} -j ${target}`;
}

/** A profile chain for one family: declared (created, or flushed when it exists), then its rules. Pure. */
export function profileChainLines(profile: string, family: Family, s: FirewallSettings): string[] {
  const chain = iptablesProfileChain(s.iface, profile);
  const rules = profileRules(profile, s).filter((r) => r.family === undefined || r.family === family);
  return [`:${chain} - [0:0]`, ...rules.map((r) => `-A ${chain} ${ruleArgs(r)}`)];
}

const dispatch = (host: string, family: Family, chain: string) => `-s ${host}/${family === 4 ? 32 : 128} -g ${chain}`;

/** Our hook rules and chains as iptables-save shows them: what sync and uninstall remove. Pure. */
export function ownedBy(save: string, iface: string): { hooks: string[]; chains: string[] } {
  const own = ownChain(iface);
  const hooks: string[] = [];
  const chains: string[] = [];
  for (const line of save.split('\n')) {
    const c = /^:(\S+) /.exec(line)?.[1];
    if (c && own.test(c)) chains.push(c);
    const hook = /^-A (INPUT|FORWARD) (.*-j (\S+))$/.exec(line);
    if (hook && own.test(hook[3]!)) hooks.push(`-D ${hook[1]} ${hook[2]}`);
  }
  return { hooks, chains };
}

/** The whole set for one family, replacing what `save` shows of ours (one restore, atomic). Pure. */
export function fullRestore(peers: readonly PolicyPeer[], family: Family, s: FirewallSettings, save: string): string {
  const base = chainBase(s.iface);
  const i = s.iface;
  const old = ownedBy(save, i);
  const profiles = [...new Set(peers.map((p) => p.profile))];
  const wanted = new Set([base, `${base}-in`, `${base}-p`, ...profiles.map((p) => iptablesProfileChain(i, p))]);
  const lines = ['*filter', ...[base, `${base}-in`, `${base}-p`].map((c) => `:${c} - [0:0]`)];
  // Stale chains are flushed first (so nothing refers to them any more), and deleted at the end.
  const stale = old.chains.filter((c) => !wanted.has(c));
  lines.push(...stale.map((c) => `:${c} - [0:0]`), ...old.hooks);
  lines.push(`-I INPUT 1 -i ${i} -j ${base}-in`, `-I FORWARD 1 -j ${base}`);
  lines.push(`-A ${base}-in -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`, `-A ${base}-in -g ${base}-p`);
  lines.push(`-A ${base} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`, `-A ${base} -i ${i} -g ${base}-p`, `-A ${base} -o ${i} -j DROP`);
  for (const p of profiles) lines.push(...profileChainLines(p, family, s));
  for (const [host, profile] of addressProfiles(peers)) {
    if (familyOf(host) === family) lines.push(`-A ${base}-p ${dispatch(host, family, iptablesProfileChain(i, profile))}`);
  }
  lines.push(`-A ${base}-p -j DROP`, ...stale.map((c) => `-X ${c}`), 'COMMIT');
  return `${lines.join('\n')}\n`;
}

/** The lines that (re)define one peer in one family; '' when nothing changes. Pure. */
export function peerRestore(peer: PolicyPeer, family: Family, s: FirewallSettings, present: ReadonlyMap<string, string>, chainWritten: boolean): string {
  const chain = iptablesProfileChain(s.iface, peer.profile);
  const lines: string[] = [];
  for (const a of peer.addresses) {
    const { family: f, host } = hostOf(a);
    if (f !== family || present.get(host) === chain) continue;
    const now = present.get(host);
    if (now !== undefined) lines.push(`-D ${chainBase(s.iface)}-p ${dispatch(host, family, now)}`);
    lines.push(`-I ${chainBase(s.iface)}-p 1 ${dispatch(host, family, chain)}`);
  }
  if (lines.length === 0) return '';
  return `${['*filter', ...(chainWritten ? [] : profileChainLines(peer.profile, family, s)), ...lines, 'COMMIT'].join('\n')}\n`;
}

export function removeRestore(addresses: readonly string[], family: Family, s: FirewallSettings, present: ReadonlyMap<string, string>): string {
  const lines = addresses
    .map(hostOf)
    .filter(({ family: f, host }) => f === family && present.has(host))
    .map(({ host }) => `-D ${chainBase(s.iface)}-p ${dispatch(host, family, present.get(host)!)}`);
  return lines.length === 0 ? '' : `${['*filter', ...lines, 'COMMIT'].join('\n')}\n`;
}

export interface IptablesOptions {
  runner: CommandRunner;
  settings: () => FirewallSettings;
  /** "legacy" or "nft" picks iptables-legacy-restore / iptables-nft-restore; default: what iptables-restore is. */
  variant?: 'legacy' | 'nft';
  /** argv before the program (tests: ["ip", "netns", "exec", NS]). */
  prefix?: string[];
  conntrack?: Conntrack;
}

/** iptables-save / iptables-restore for one family, as argv. */
export function iptablesProgram(o: Pick<IptablesOptions, 'variant' | 'prefix'>, family: Family, tool: 'save' | 'restore'): string[] {
  return [...(o.prefix ?? []), `ip${family === 6 ? '6' : ''}tables${o.variant ? `-${o.variant}` : ''}-${tool}`];
}

/** Removes our hooks and chains in both families (uninstall). */
export async function removeIptablesChains(runner: CommandRunner, iface: string, o: Pick<IptablesOptions, 'variant' | 'prefix'> = {}): Promise<void> {
  for (const family of [4, 6] as const) {
    const [save, ...sa] = iptablesProgram(o, family, 'save');
    const listed = await runner.run(save!, [...sa, '-t', 'filter'], { reject: false });
    const { hooks, chains } = ownedBy(listed.stdout, iface);
    if (hooks.length + chains.length === 0) continue;
    const [restore, ...ra] = iptablesProgram(o, family, 'restore');
    const script = ['*filter', ...chains.map((c) => `:${c} - [0:0]`), ...hooks, ...chains.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
    await runner.run(restore!, [...ra, '--noflush', '--wait=5'], { input: script });
  }
}

export class IptablesPeerPolicy implements PeerPolicy {
  constructor(private readonly o: IptablesOptions) {}

  /** Address → profile chain, as written (both families; addresses do not overlap). */
  private present = new Map<string, string>();
  private chains = new Set<string>();
  private lock: Promise<unknown> = Promise.resolve();

  private serialised(work: () => Promise<void>): Promise<void> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async restore(family: Family, script: string): Promise<void> {
    if (script === '') return;
    const [file, ...args] = iptablesProgram(this.o, family, 'restore');
    await this.o.runner.run(file!, [...args, '--noflush', '--wait=5'], { input: script });
  }

  sync(peers: readonly PolicyPeer[]): Promise<void> {
    return this.serialised(async () => {
      const s = this.o.settings();
      for (const family of [4, 6] as const) {
        const [save, ...sa] = iptablesProgram(this.o, family, 'save');
        const listed = await this.o.runner.run(save!, [...sa, '-t', 'filter']);
        await this.restore(family, fullRestore(peers, family, s, listed.stdout));
      }
      this.chains = new Set(peers.flatMap((p) => [`4 ${p.profile}`, `6 ${p.profile}`]));
      this.present = new Map([...addressProfiles(peers)].map(([host, profile]) => [host, iptablesProfileChain(s.iface, profile)]));
      await this.o.conntrack?.check();
    });
  }

  apply(peer: PolicyPeer): Promise<void> {
    return this.serialised(async () => {
      const s = this.o.settings();
      const chain = iptablesProfileChain(s.iface, peer.profile);
      const moved = peer.addresses.map(hostOf).filter(({ host }) => this.present.has(host) && this.present.get(host) !== chain);
      // Each family is its own transaction (both at once): `present` and the chains follow each one committed.
      const results = await Promise.allSettled(
        ([4, 6] as const).map(async (family) => {
          const script = peerRestore(peer, family, s, this.present, this.chains.has(`${family} ${peer.profile}`));
          await this.restore(family, script);
          return { family, written: script !== '' };
        }),
      );
      for (const r of results) {
        if (r.status === 'rejected') continue;
        if (r.value.written) this.chains.add(`${r.value.family} ${peer.profile}`);
        for (const a of peer.addresses) if (hostOf(a).family === r.value.family) this.present.set(hostOf(a).host, chain);
      }
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      if (moved.length > 0) await this.o.conntrack?.cutForbidden(moved, profileRules(peer.profile, s));
    });
  }

  remove(addresses: readonly string[]): Promise<void> {
    return this.serialised(async () => {
      const s = this.o.settings();
      for (const family of [4, 6] as const) {
        await this.restore(family, removeRestore(addresses, family, s, this.present));
        for (const a of addresses) if (hostOf(a).family === family) this.present.delete(hostOf(a).host);
      }
    });
  }
}
