/**
 * Profiles as PeerService uses them: the client's routes, the tunnel's own addresses, and the firewall
 * (the PeerPolicy port) as the fourth target of a journaled change. Pure, apart from the port it is given.
 */
import type { TunnelSubnet } from './allocate.js';
import { formatIPv4, formatIPv6 } from './ip.js';
import type { PeerEntry, PeerMeta } from './peer.js';
import { profileOf, type PeerChange } from './peer-change.js';
import type { PeerPolicy, PolicyPeer } from './ports.js';
import { clientAllowedIps, parseProfile } from './profile.js';

/** The tunnel's networks and the Pi's own tunnel addresses. */
export function tunnelAddresses(subnet: TunnelSubnet): { networks: string[]; serverAddresses: string[] } {
  const { v4, v6 } = subnet;
  return {
    networks: [`${formatIPv4(v4.network)}/${v4.prefix}`, ...(v6 ? [`${formatIPv6(v6.network)}/${v6.prefix}`] : [])],
    serverAddresses: [`${formatIPv4(v4.server)}/32`, ...(v6 ? [`${formatIPv6(v6.server)}/128`] : [])],
  };
}

/** The AllowedIPs a client config carries for `profile`. */
export function clientRoutes(profile: string, s: { clientAllowedIps: string[]; lanSubnets?: string[] }, subnet: TunnelSubnet): string[] {
  return clientAllowedIps(parseProfile(profile), {
    fullAllowedIps: s.clientAllowedIps,
    lanSubnets: s.lanSubnets ?? [],
    serverAddresses: tunnelAddresses(subnet).serverAddresses,
  });
}

/**
 * Every enabled peer as the firewall sees it (what `sync` writes at start). Hand-written peers and peers
 * without a record are `full`, as before profiles existed.
 */
export function policyPeers(
  managed: readonly { entry: PeerEntry; meta?: PeerMeta }[],
  unmanaged: readonly Pick<PeerEntry, 'allowedIps' | 'enabled'>[],
): PolicyPeer[] {
  return [
    ...managed.filter((v) => v.entry.enabled).map((v) => ({ addresses: v.entry.allowedIps, profile: profileOf(v.meta) })),
    ...unmanaged.filter((p) => p.enabled && p.allowedIps.length > 0).map((p) => ({ addresses: p.allowedIps, profile: 'full' })),
  ];
}

/**
 * Apply a change to the firewall: an enabled peer has its profile's rules, any other address none. Idempotent
 * (the nftables policy keeps what its map holds), so it serves commit, rollback and recovery like the other targets.
 */
export async function applyToPolicy(policy: PeerPolicy, change: PeerChange): Promise<boolean> {
  const { entry } = change;
  if (change.op === 'remove' || !entry.enabled) {
    await policy.remove(entry.allowedIps);
    return true;
  }
  const profile = change.op === 'route' ? change.profile : profileOf(change.meta);
  await policy.apply({ addresses: entry.allowedIps, profile });
  return true;
}
