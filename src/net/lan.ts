/** The Pi's LAN subnets: what a "lan" profile reaches when LAN_SUBNETS is unset. */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isPrivateIPv4 } from '../core/ip.js';
import { parseProfile } from '../core/profile.js';

/** Pure: private IPv4 and ULA/global IPv6 networks of every interface except loopback and the tunnel. */
export function lanSubnetsFrom(interfaces: Record<string, NetworkInterfaceInfo[] | undefined>, tunnelIface: string): string[] {
  const out = new Set<string>();
  for (const [name, addrs] of Object.entries(interfaces)) {
    if (name === tunnelIface || name === 'lo') continue;
    for (const a of addrs ?? []) {
      if (a.internal || !a.cidr) continue;
      if (a.family === 'IPv4' && !isPrivateIPv4(a.address)) continue;
      if (a.family === 'IPv6' && /^fe80:/i.test(a.address)) continue;
      const p = parseProfile(a.cidr);
      if (p.kind === 'custom' && p.targets[0]) out.add(p.targets[0].cidr); // the network, host bits cleared
    }
  }
  return [...out];
}

export function detectLanSubnets(tunnelIface: string): string[] {
  return lanSubnetsFrom(networkInterfaces(), tunnelIface);
}
