/** Choosing the tunnel subnet and the NAT rules that go with it. */
import { formatIPv4, ipv4Mask, parseCidr } from '../core/ip.js';

/** Networks home routers and other VPNs commonly use: a client sitting in one of them could not reach the tunnel. */
export const COMMON_HOME_NETWORKS = ['10.0.0.0/16', '10.1.0.0/16', '10.10.0.0/16', '10.6.0.0/24', '10.8.0.0/24', '10.9.0.0/24', '10.100.0.0/16'];

function range(cidr: string): [number, number] {
  const c = parseCidr(cidr);
  if (c.family !== 4) throw new Error(`not IPv4: ${cidr}`);
  const start = (c.address & ipv4Mask(c.prefix)) >>> 0;
  return [start, (start | ~ipv4Mask(c.prefix)) >>> 0];
}

export function overlaps(a: string, b: string): boolean {
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

/** A random free /24 in 10.0.0.0/8 (as PiVPN picks), avoiding the host's networks and common home ones. */
export function chooseTunnelSubnet(hostNetworks: readonly string[], random: () => number): string {
  const avoid = [...hostNetworks, ...COMMON_HOME_NETWORKS];
  for (let attempt = 0; attempt < 2000; attempt++) {
    const n = Math.floor(random() * 65536);
    const candidate = `10.${n >> 8}.${n & 0xff}.0/24`;
    if (!avoid.some((a) => overlaps(candidate, a))) return candidate;
  }
  throw new Error('no free /24 found in 10.0.0.0/8');
}

/** The subnet collides with a network of this host: a clear message for WG_SUBNET. */
export function subnetConflict(subnet: string, hostNetworks: readonly string[]): string | undefined {
  return hostNetworks.find((n) => overlaps(subnet, n));
}

/**
 * A random unique local IPv6 /64 (RFC 4193: fd00::/8 plus a 40-bit global id), next to the IPv4 subnet:
 * the tunnel is dual-stack as PiVPN's is; random rather than PiVPN's fixed prefix so two sites never clash.
 */
export function chooseUla64(random: () => number): string {
  const word = () => Math.floor(random() * 0x10000);
  const id = [0xfd00 | Math.floor(random() * 0x100), word(), word(), word()];
  return `${id.map((g) => g.toString(16)).join(':')}::/64`;
}

export const serverAddress = (subnet: string): string => {
  const [start] = range(subnet);
  return `${formatIPv4(start + 1)}/${parseCidr(subnet).prefix}`;
};

export interface NatRules {
  postUp: string[];
  postDown: string[];
}

/** nftables: one table per interface, removed whole on PostDown. %i is wg-quick's interface name. */
export function nftablesRules(subnet: string, subnet6: string | undefined, lanIface: string, iface: string): NatRules {
  const table = `wgchatops_${iface.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const up = [
    `nft add table inet ${table}`,
    `nft add chain inet ${table} postrouting '{ type nat hook postrouting priority srcnat; policy accept; }'`,
    `nft add rule inet ${table} postrouting ip saddr ${subnet} oifname "${lanIface}" masquerade`,
    `nft add chain inet ${table} forward '{ type filter hook forward priority filter; policy accept; }'`,
    `nft add rule inet ${table} forward iifname "%i" accept`,
    `nft add rule inet ${table} forward oifname "%i" ct state related,established accept`,
  ];
  if (subnet6) up.splice(3, 0, `nft add rule inet ${table} postrouting ip6 saddr ${subnet6} oifname "${lanIface}" masquerade`);
  return { postUp: up, postDown: [`nft delete table inet ${table}`] };
}

export function iptablesRules(subnet: string, subnet6: string | undefined, lanIface: string): NatRules {
  const rules = (bin: string, net: string) => [
    [bin, '-t nat', 'POSTROUTING', `-s ${net} -o ${lanIface} -j MASQUERADE`],
    [bin, '', 'FORWARD', '-i %i -j ACCEPT'],
    [bin, '', 'FORWARD', '-o %i -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'],
  ];
  const all = [...rules('iptables', subnet), ...(subnet6 ? rules('ip6tables', subnet6) : [])];
  const line = (op: string) => all.map(([bin, table, chain, spec]) => [bin, table, op, chain, spec].filter((s) => s !== '').join(' '));
  return { postUp: line('-A'), postDown: line('-D') };
}
