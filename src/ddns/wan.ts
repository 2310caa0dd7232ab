/**
 * The router's own WAN address, to tell carrier-grade NAT and double NAT apart from a plain home NAT.
 * NAT-PMP (RFC 6886) is built in; UPnP IGD could be added behind the same interface.
 */
import { readFile } from 'node:fs/promises';
import { isCgnatIPv4, isPrivateIPv4, isPublicIPv4 } from '../core/ip.js';
import { NAT_PMP_PORT, natPmpExchange } from '../net/nat-pmp.js';
import { upnpMapper } from '../net/port-mapping.js';

export interface WanAddressReader {
  /** The router's external IPv4 address, or undefined when the router does not say. */
  read(): Promise<string | undefined>;
}

export type NatKind = 'cgnat' | 'double-nat' | 'upstream-nat';

/** What the router's WAN address says about reachability from the Internet; undefined = port forwarding can work. */
export function classifyNat(wan: string, publicIPv4: string): NatKind | undefined {
  if (isCgnatIPv4(wan)) return 'cgnat';
  if (isPrivateIPv4(wan)) return 'double-nat';
  if (isPublicIPv4(wan) && wan !== publicIPv4) return 'upstream-nat';
  return undefined;
}

/** NAT-PMP "external address" request: 2 bytes out (version 0, opcode 0), 12 bytes back. */
export function natPmpReader(gateway: string, port = NAT_PMP_PORT, timeoutMs = 2000): WanAddressReader {
  return {
    async read() {
      const msg = await natPmpExchange(gateway, Buffer.from([0, 0]), { port, timeoutMs });
      if (!msg || msg.readUInt16BE(2) !== 0) return undefined; // result code 0 = success
      return `${msg[8]}.${msg[9]}.${msg[10]}.${msg[11]}`;
    },
  };
}

/**
 * The router's WAN address the way routers offer it: UPnP IGD first (most home routers), then NAT-PMP at
 * the gateway (Apple and some others). Either may be missing: then the answer is undefined.
 */
export function routerWanReader(
  gateway: string | undefined,
  natPmpPort = NAT_PMP_PORT,
  upnp: { externalAddress(): Promise<string | undefined> } = upnpMapper(undefined, gateway),
): WanAddressReader {
  const pmp = gateway ? natPmpReader(gateway, natPmpPort) : undefined;
  return {
    async read() {
      return (await upnp.externalAddress().catch(() => undefined)) ?? (await pmp?.read());
    },
  };
}

/** The IPv4 default gateway from /proc/net/route (Linux), or undefined. */
export async function defaultGateway(routeFile = '/proc/net/route'): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(routeFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n').slice(1)) {
    const [, destination, gateway] = line.trim().split(/\s+/);
    if (destination === '00000000' && gateway && gateway !== '00000000') {
      // little-endian hex
      const n = parseInt(gateway, 16);
      return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
    }
  }
  return undefined;
}
