/**
 * Tunnel address allocation, compatible with PiVPN: the server holds network+1, clients get the lowest
 * free address from network+2 to broadcast−1, and a client's IPv6 is the IPv6 network with the client's
 * IPv4 as its last 32 bits (10.6.0.2 → fd11:5ee:bad:c0de::a06:2).
 */
import { UserError } from './errors.js';
import { formatIPv4, formatIPv6, ipv4InNetwork, ipv4Mask, ipv6InNetwork, ipv6Mask, parseCidr, parseIPv4 } from './ip.js';

export interface TunnelSubnet {
  v4: { network: number; prefix: number; server: number };
  v6?: { network: bigint; prefix: number; server: bigint };
}

export interface AllocatedAddress {
  v4: string;
  v6?: string;
  /** Server side [Peer] AllowedIPs: host routes. */
  allowedIps: string[];
  /** Client side [Interface] Address: the address with the tunnel's prefix length, as PiVPN writes it. */
  clientAddresses: string[];
}

// A /31 or /32 leaves no room for a client; the IPv6 host part must hold a whole IPv4 address.
const MAX_V4_PREFIX = 30;
const MAX_V6_PREFIX = 96;

function checkPrefixes(v4Prefix: number, v6Prefix: number | undefined): void {
  if (v4Prefix > MAX_V4_PREFIX) throw new Error(`tunnel IPv4 prefix /${v4Prefix} leaves no client addresses`);
  if (v6Prefix !== undefined && v6Prefix > MAX_V6_PREFIX) {
    throw new Error(`tunnel IPv6 prefix /${v6Prefix} is longer than /${MAX_V6_PREFIX}: no room for the PiVPN-style host part`);
  }
}

/** From the server's [Interface] Address values, e.g. ["10.6.0.1/24", "fd11:5ee:bad:c0de::1/64"]. */
export function tunnelSubnetFromAddresses(addresses: string[]): TunnelSubnet {
  const parsed = addresses.map((a) => parseCidr(a.trim()));
  const v4 = parsed.filter((c) => c.family === 4);
  const v6 = parsed.filter((c) => c.family === 6);
  if (v4.length !== 1) {
    throw new Error(`the interface must have exactly one IPv4 address, found ${v4.length} in ${JSON.stringify(addresses)}`);
  }
  const [ownV4] = v4;
  // PiVPN writes a single IPv6; with several, the first is the tunnel's (others may be extra routes).
  const [ownV6] = v6;
  if (ownV4 === undefined) throw new Error('unreachable');
  checkPrefixes(ownV4.prefix, ownV6?.prefix);
  const subnet: TunnelSubnet = {
    v4: { network: (ownV4.address & ipv4Mask(ownV4.prefix)) >>> 0, prefix: ownV4.prefix, server: ownV4.address },
  };
  if (ownV6 !== undefined) {
    subnet.v6 = { network: ownV6.address & ipv6Mask(ownV6.prefix), prefix: ownV6.prefix, server: ownV6.address };
  }
  return subnet;
}

/** From network CIDRs, e.g. "10.6.0.0/24" and "fd11:5ee:bad:c0de::/64"; the server is network+1. */
export function tunnelSubnetFromCidr(v4Cidr: string, v6Cidr?: string): TunnelSubnet {
  const v4 = parseCidr(v4Cidr);
  if (v4.family !== 4) throw new Error(`not an IPv4 CIDR: ${v4Cidr}`);
  const v6 = v6Cidr === undefined ? undefined : parseCidr(v6Cidr);
  if (v6 !== undefined && v6.family !== 6) throw new Error(`not an IPv6 CIDR: ${v6Cidr}`);
  checkPrefixes(v4.prefix, v6?.prefix);
  const v4Network = (v4.address & ipv4Mask(v4.prefix)) >>> 0;
  const subnet: TunnelSubnet = { v4: { network: v4Network, prefix: v4.prefix, server: v4Network + 1 } };
  if (v6 !== undefined) {
    const v6Network = v6.address & ipv6Mask(v6.prefix);
    subnet.v6 = { network: v6Network, prefix: v6.prefix, server: v6Network + 1n };
  }
  return subnet;
}

function broadcastOf(subnet: TunnelSubnet): number {
  return (subnet.v4.network | ~ipv4Mask(subnet.v4.prefix)) >>> 0;
}

function subnetText(subnet: TunnelSubnet): string {
  return `${formatIPv4(subnet.v4.network)}/${subnet.v4.prefix}`;
}

/**
 * IPv4 host addresses of the subnet that `allowedIps` already claim: /32 entries inside the subnet, and
 * /128 entries inside the IPv6 subnet (their last 32 bits), so a derived IPv6 is never handed out twice.
 * Anything else (routed networks, foreign addresses, unparsable text) cannot collide and is ignored.
 */
export function usedHostAddresses(subnet: TunnelSubnet, allowedIps: Iterable<string>): Set<number> {
  const used = new Set<number>();
  const { network, prefix } = subnet.v4;
  for (const raw of allowedIps) {
    let cidr;
    try {
      const text = raw.trim();
      cidr = parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
    } catch {
      continue;
    }
    if (cidr.family === 4) {
      if (cidr.prefix === 32 && ipv4InNetwork(cidr.address, network, prefix)) used.add(cidr.address);
    } else if (subnet.v6 !== undefined && cidr.prefix === 128 && ipv6InNetwork(cidr.address, subnet.v6.network, subnet.v6.prefix)) {
      const low32 = Number(cidr.address & 0xffffffffn);
      if (ipv4InNetwork(low32, network, prefix)) used.add(low32);
    }
  }
  return used;
}

/** Lowest free client address (reusing freed ones). O(used + scanned), one Set built per call. */
export function allocateAddress(subnet: TunnelSubnet, usedAllowedIps: Iterable<string>): AllocatedAddress {
  return allocateFromUsed(subnet, usedHostAddresses(subnet, usedAllowedIps));
}

/** The same, from a set of used IPv4 host addresses that the caller keeps up to date (no re-parsing per add). */
export function allocateFromUsed(subnet: TunnelSubnet, used: ReadonlySet<number>): AllocatedAddress {
  const last = broadcastOf(subnet) - 1;
  for (let candidate = subnet.v4.network + 2; candidate <= last; candidate++) {
    if (candidate !== subnet.v4.server && !used.has(candidate)) return describe(subnet, candidate);
  }
  throw new UserError('peer.subnetFull', { subnet: subnetText(subnet) });
}

/** The same shape for a chosen IPv4 (restoring a revoked peer, imports); it must be a client host address of the subnet. */
export function addressForV4(subnet: TunnelSubnet, v4: string): AllocatedAddress {
  const address = parseIPv4(v4);
  const { network, prefix, server } = subnet.v4;
  if (!ipv4InNetwork(address, network, prefix)) throw new Error(`${v4} is outside the tunnel subnet ${subnetText(subnet)}`);
  if (address === network || address === broadcastOf(subnet) || address === server) {
    throw new Error(`${v4} is not a client address of ${subnetText(subnet)}`);
  }
  return describe(subnet, address);
}

function describe(subnet: TunnelSubnet, address: number): AllocatedAddress {
  const v4 = formatIPv4(address);
  const result: AllocatedAddress = {
    v4,
    allowedIps: [`${v4}/32`],
    clientAddresses: [`${v4}/${subnet.v4.prefix}`],
  };
  if (subnet.v6 !== undefined) {
    const v6 = formatIPv6(subnet.v6.network | BigInt(address));
    result.v6 = v6;
    result.allowedIps.push(`${v6}/128`);
    result.clientAddresses.push(`${v6}/${subnet.v6.prefix}`);
  }
  return result;
}
