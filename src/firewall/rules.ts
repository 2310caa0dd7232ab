/**
 * What the Pi's firewall decides for a peer, independent of the backend (nftables or iptables): an ordered
 * list of rules per profile, first match wins. Both backends render this list; conntrack clean-up evaluates
 * existing connections against it. Pure.
 */
import { createHash } from 'node:crypto';
import { allowedTargets, cidrContains, parseProfile, type Protocol } from '../core/profile.js';
import { parseCidr } from '../core/ip.js';
import type { PolicyPeer } from '../core/ports.js';

export interface FirewallSettings {
  iface: string;
  /** The tunnel networks ("10.6.0.0/24", "fd11:5ee:bad:c0de::/64"). */
  tunnelNetworks: string[];
  /** The Pi's own tunnel addresses as host CIDRs. */
  serverAddresses: string[];
  lanSubnets: string[];
  isolation: boolean;
}

/** One rule of a profile: a destination (absent: anything), optionally one port, and the verdict. */
export interface PolicyRule {
  family?: 4 | 6;
  cidr?: string;
  protocol?: Protocol;
  port?: number;
  verdict: 'accept' | 'drop';
}

/** The rules of one profile: the Pi first, the named targets, isolation, then the final verdict. */
export function profileRules(profile: string, s: FirewallSettings): PolicyRule[] {
  const { all, targets } = allowedTargets(parseProfile(profile), { lanSubnets: s.lanSubnets, serverAddresses: s.serverAddresses });
  const rules: PolicyRule[] = [];
  const seen = new Set<string>();
  const push = (r: PolicyRule) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return;
    rules.push(r);
    seen.add(key);
  };
  // The Pi's own tunnel addresses (ping, DNS on the Pi) come first: isolation below must not cut them off.
  for (const cidr of s.serverAddresses) push({ family: familyOf(cidr), cidr, verdict: 'accept' });
  for (const t of targets) push({ family: t.family, cidr: t.cidr, ...(t.port !== undefined ? { protocol: t.protocol, port: t.port } : {}), verdict: 'accept' });
  // Other peers: named targets above are allowed; with isolation the rest of the tunnel is not.
  if (s.isolation) for (const n of s.tunnelNetworks) push({ family: familyOf(n), cidr: n, verdict: 'drop' });
  push({ verdict: all ? 'accept' : 'drop' });
  return rules;
}

/** A connection as conntrack shows it (its original direction). */
export interface Flow {
  family: 4 | 6;
  destination: string;
  protocol: string;
  dport?: number;
}

/** What the rules decide for a new connection like `flow` (first match). */
export function verdictFor(rules: readonly PolicyRule[], flow: Flow): 'accept' | 'drop' {
  for (const r of rules) {
    if (r.family !== undefined && r.family !== flow.family) continue;
    if (r.cidr !== undefined && !cidrContains(r.cidr, `${flow.destination}/${flow.family === 4 ? 32 : 128}`)) continue;
    if (r.protocol !== undefined && (r.protocol !== flow.protocol || r.port !== flow.dport)) continue;
    return r.verdict;
  }
  return 'drop';
}

export const familyOf = (cidr: string): 4 | 6 => (cidr.includes(':') ? 6 : 4);

/** A peer's tunnel address without its prefix, and its family. */
export function hostOf(cidr: string): { family: 4 | 6; host: string } {
  const c = parseCidr(cidr.includes('/') ? cidr : `${cidr}/${cidr.includes(':') ? 128 : 32}`);
  return { family: c.family, host: cidr.replace(/\/\d+$/, '') };
}

/**
 * A short stable name per profile, shared by every peer with that profile (its rules depend on the profile
 * only): the firewall holds as many profile chains as there are distinct profiles, not one per peer.
 */
export function profileKey(profile: string): string {
  if (profile === 'full' || profile === 'lan') return profile;
  return createHash('sha256').update(profile).digest('hex').slice(0, 16);
}

/** Each address of each peer with the profile it has (what a backend's dispatch holds). */
export function addressProfiles(peers: readonly PolicyPeer[]): Map<string, string> {
  return new Map(peers.flatMap((p) => p.addresses.map((a) => [hostOf(a).host, p.profile] as [string, string])));
}
