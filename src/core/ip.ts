/**
 * IPv4/IPv6 text parsing and formatting, strict enough to validate user and file input.
 * IPv4 addresses are uint32 numbers, IPv6 addresses are bigints (128 bits).
 */

const IPV4_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
// No leading zeros ("010" is octal to some parsers and decimal to others: refuse it).
const IPV4_PATTERN = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export const IPV4_MAX = 0xffffffff;
export const IPV6_MAX = (1n << 128n) - 1n;

/** Strict dotted quad. A hand-written scanner: it runs for every AllowedIPs entry of a 10,000-peer config. */
export function parseIPv4(s: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // No leading zeros ("010" is octal to some parsers and decimal to others: refuse it).
      if (digits === 1 && octet === 0) return invalidIPv4(s);
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return invalidIPv4(s);
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return invalidIPv4(s);
    }
  }
  if (dots !== 3 || digits === 0) return invalidIPv4(s);
  return value * 256 + octet;
}

function invalidIPv4(s: string): never {
  throw new Error(`not an IPv4 address: ${JSON.stringify(s)}`);
}

export function formatIPv4(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > IPV4_MAX) throw new Error(`not a uint32: ${n}`);
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** Parses every RFC 4291 §2.2 text form: full, "::"-compressed, and with a dotted IPv4 tail. No zone ids. */
export function parseIPv6(s: string): bigint {
  const fail = (): never => {
    throw new Error(`not an IPv6 address: ${JSON.stringify(s)}`);
  };
  if (s.length === 0 || s.length > 45) fail();

  let groups: number[];
  const doubleColon = s.indexOf('::');
  if (doubleColon === -1) {
    groups = parseGroups(s, true) ?? fail();
    if (groups.length !== 8) fail();
  } else {
    if (s.indexOf('::', doubleColon + 1) !== -1) fail();
    const head = s.slice(0, doubleColon);
    const tail = s.slice(doubleColon + 2);
    const headGroups = head === '' ? [] : (parseGroups(head, false) ?? fail());
    const tailGroups = tail === '' ? [] : (parseGroups(tail, true) ?? fail());
    const missing = 8 - headGroups.length - tailGroups.length;
    // "::" stands for at least one zero group.
    if (missing < 1) fail();
    groups = [...headGroups, ...new Array<number>(missing).fill(0), ...tailGroups];
  }

  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/** Colon-separated hex groups; the last element may be a dotted IPv4 (two groups) when allowed. */
function parseGroups(part: string, allowIPv4Tail: boolean): number[] | undefined {
  const pieces = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (HEX_GROUP.test(piece)) {
      groups.push(parseInt(piece, 16));
    } else if (allowIPv4Tail && i === pieces.length - 1 && IPV4_PATTERN.test(piece)) {
      const v4 = parseIPv4(piece);
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else {
      return undefined;
    }
  }
  return groups;
}

/**
 * RFC 5952 canonical text: lowercase, no leading zeros, the longest run of two or more zero groups
 * compressed to "::" (the first one on a tie). IPv4-mapped addresses are written in hex too
 * (as the WHATWG URL serializer does), which keeps a single canonical form per value.
 */
export function formatIPv6(v: bigint): string {
  if (v < 0n || v > IPV6_MAX) throw new Error(`not a 128-bit value: ${v}`);
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((v >> shift) & 0xffffn));

  let bestStart = -1;
  let bestLength = 1; // runs of a single zero group are never compressed
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }

  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

export type Cidr = { family: 4; address: number; prefix: number } | { family: 6; address: bigint; prefix: number };

const PREFIX_PATTERN = /^(?:0|[1-9][0-9]{0,2})$/;

/** "address/prefix"; the address is returned as written (not masked), so "10.6.0.1/24" keeps its host part. */
export function parseCidr(s: string): Cidr {
  const slash = s.indexOf('/');
  if (slash === -1) throw new Error(`not a CIDR (missing /prefix): ${JSON.stringify(s)}`);
  const addressText = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  if (!PREFIX_PATTERN.test(prefixText)) throw new Error(`bad prefix length in ${JSON.stringify(s)}`);
  const prefix = Number(prefixText);
  if (addressText.includes(':')) {
    if (prefix > 128) throw new Error(`IPv6 prefix length above 128 in ${JSON.stringify(s)}`);
    return { family: 6, address: parseIPv6(addressText), prefix };
  }
  if (prefix > 32) throw new Error(`IPv4 prefix length above 32 in ${JSON.stringify(s)}`);
  return { family: 4, address: parseIPv4(addressText), prefix };
}

/**
 * Whether parseCidr(s) would succeed, without building the address: the check for what a WireGuard interface
 * reports (20,000 allowed IPs at 10,000 peers, read at every start), where an IPv6 BigInt each cost 20 ms.
 */
export function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash === -1 || !PREFIX_PATTERN.test(s.slice(slash + 1))) return false;
  const prefix = Number(s.slice(slash + 1));
  const address = s.slice(0, slash);
  if (!address.includes(':')) return prefix <= 32 && isValidIPv4(address);
  if (prefix > 128 || address.length === 0 || address.length > 45) return false;
  const gap = address.indexOf('::');
  if (gap === -1) return groupCount(address, true) === 8;
  if (address.indexOf('::', gap + 1) !== -1) return false;
  const head = gap === 0 ? 0 : groupCount(address.slice(0, gap), false);
  const tail = gap + 2 === address.length ? 0 : groupCount(address.slice(gap + 2), true);
  return head >= 0 && tail >= 0 && head + tail <= 7; // "::" stands for at least one zero group
}

/** The groups in colon-separated hex (a dotted IPv4 at the end counts two, when allowed), or -1: as parseGroups reads. */
function groupCount(part: string, allowIPv4Tail: boolean): number {
  let groups = 0;
  for (let start = 0; ;) {
    const colon = part.indexOf(':', start);
    const end = colon === -1 ? part.length : colon;
    if (end - start >= 1 && end - start <= 4 && isHexRun(part, start, end)) groups++;
    else if (allowIPv4Tail && colon === -1 && isValidIPv4(part.slice(start))) groups += 2;
    else return -1;
    if (colon === -1) return groups;
    start = colon + 1;
  }
}

function isHexRun(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

function isValidIPv4(s: string): boolean {
  try {
    parseIPv4(s);
    return IPV4_PATTERN.test(s);
  } catch {
    return false;
  }
}

export function isIPv4(s: string): boolean {
  return IPV4_PATTERN.test(s);
}

export function isIPv6(s: string): boolean {
  try {
    parseIPv6(s);
    return true;
  } catch {
    return false;
  }
}

/** The network mask for an IPv4 prefix length, as uint32. */
export function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (IPV4_MAX << (32 - prefix)) >>> 0;
}

export function ipv6Mask(prefix: number): bigint {
  return prefix === 0 ? 0n : (IPV6_MAX << BigInt(128 - prefix)) & IPV6_MAX;
}

export function ipv4InNetwork(address: number, network: number, prefix: number): boolean {
  const mask = ipv4Mask(prefix);
  return (address & mask) >>> 0 === (network & mask) >>> 0;
}

export function ipv6InNetwork(address: bigint, network: bigint, prefix: number): boolean {
  const mask = ipv6Mask(prefix);
  return (address & mask) === (network & mask);
}

type V4Range = readonly [network: string, prefix: number];
type V6Range = readonly [network: string, prefix: number];

const PRIVATE_V4: V4Range[] = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
];
const CGNAT_V4: V4Range = ['100.64.0.0', 10];

/** Every IPv4 range that is not reachable as a unicast address on the public Internet (IANA special-purpose registry). */
const NON_PUBLIC_V4: V4Range[] = [
  ['0.0.0.0', 8], // "this network"
  ...PRIVATE_V4,
  CGNAT_V4,
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes broadcast 255.255.255.255
];

/** Inside global unicast 2000::/3, the ranges that are not a usable public endpoint address. */
const NON_PUBLIC_V6_IN_GLOBAL: V6Range[] = [
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, benchmarking…)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (derived from an IPv4 address, relays deprecated)
  ['3fff::', 20], // documentation (RFC 9637)
];

function matchesV4(address: number, ranges: readonly V4Range[]): boolean {
  return ranges.some(([network, prefix]) => ipv4InNetwork(address, parseIPv4(network), prefix));
}

function tryParseIPv4(s: string): number | undefined {
  return IPV4_PATTERN.test(s) ? parseIPv4(s) : undefined;
}

export function isPrivateIPv4(s: string): boolean {
  const address = tryParseIPv4(s);
  return address !== undefined && matchesV4(address, PRIVATE_V4);
}

export function isCgnatIPv4(s: string): boolean {
  const address = tryParseIPv4(s);
  return address !== undefined && matchesV4(address, [CGNAT_V4]);
}

export function isPublicIPv4(s: string): boolean {
  const address = tryParseIPv4(s);
  return address !== undefined && !matchesV4(address, NON_PUBLIC_V4);
}

/** Public = global unicast (2000::/3) minus documentation and special-purpose blocks; ULA, link-local, multicast, loopback, mapped and NAT64 all lie outside 2000::/3. */
export function isPublicIPv6(s: string): boolean {
  let address: bigint;
  try {
    address = parseIPv6(s);
  } catch {
    return false;
  }
  if (!ipv6InNetwork(address, 0x2000n << 112n, 3)) return false;
  return !NON_PUBLIC_V6_IN_GLOBAL.some(([network, prefix]) => ipv6InNetwork(address, parseIPv6(network), prefix));
}
