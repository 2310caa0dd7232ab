/**
 * IPv4 shared by the provider, IPv6 not: when the router's WAN address says port forwarding cannot work for
 * IPv4 (carrier-grade NAT, 100.64.0.0/10, or a WAN address that differs from the public one) but this Pi
 * has a global IPv6 address, clients can still come in over IPv6. Decides what doctor and /ip advise. Pure.
 */
import { isCgnatIPv4, isPrivateIPv4, isPublicIPv4, isPublicIPv6 } from './ip.js';

export interface Ipv6AdviceInput {
  /** The router's WAN address (UPnP/NAT-PMP), if it said. */
  wan?: string;
  /** The public IPv4 the echo services agree on. */
  publicIPv4?: string;
  /** A global IPv6 address of this Pi (or the IPv6 consensus). */
  ipv6?: string;
  /** DDNS_IPV6: whether the AAAA record is kept current. */
  ddnsIpv6: 'auto' | 'on' | 'off';
  /** The DDNS hostname clients dial, if any. */
  hostname?: string;
}

export interface Ipv6Advice {
  /** Why IPv4 cannot be reached from outside. */
  reason: 'cgnat' | 'upstream-nat';
  ipv6: string;
  /** What clients on IPv6 networks put as Endpoint (with the port they use now). */
  endpoint: string;
  /** The AAAA record is not kept (DDNS_IPV6=off): say to turn it on. */
  turnOnAaaa: boolean;
  /** There is no hostname: the endpoint is the bare address, which changes when the prefix does. */
  noHostname: boolean;
}

/**
 * Undefined when IPv4 can be forwarded as usual, when there is no global IPv6, or when it is a double NAT
 * behind a private WAN address (then forwarding on both routers is the fix, not IPv6).
 */
export function ipv6Advice(i: Ipv6AdviceInput): Ipv6Advice | undefined {
  if (!i.wan || !i.ipv6 || !isPublicIPv6(i.ipv6)) return undefined;
  const reason = isCgnatIPv4(i.wan)
    ? 'cgnat'
    : !isPrivateIPv4(i.wan) && i.publicIPv4 !== undefined && isPublicIPv4(i.wan) && i.wan !== i.publicIPv4
      ? 'upstream-nat'
      : undefined;
  if (!reason) return undefined;
  return {
    reason,
    ipv6: i.ipv6,
    endpoint: i.hostname ?? `[${i.ipv6}]`,
    turnOnAaaa: i.ddnsIpv6 === 'off' && i.hostname !== undefined,
    noHostname: i.hostname === undefined,
  };
}

/** The catalogue keys (what is wrong, what to do) and their parameters, for doctor and /ip alike. */
export function ipv6AdviceText(a: Ipv6Advice): { statusKey: string; adviceKey: string; params: Record<string, string> } {
  const adviceKey = a.noHostname ? 'ipv6Advice.noHostname' : a.turnOnAaaa ? 'ipv6Advice.turnOnAaaa' : 'ipv6Advice.useHostname';
  return {
    statusKey: `ipv6Advice.status.${a.reason === 'cgnat' ? 'cgnat' : 'upstream'}`,
    adviceKey,
    params: { ipv6: a.ipv6, endpoint: a.endpoint },
  };
}
