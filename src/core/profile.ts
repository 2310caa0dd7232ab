/**
 * What a peer may reach through the Pi: its profile. Pure parsing and the client AllowedIPs that go with it.
 *
 *   full                       everything (the Internet, the LAN, the Pi)
 *   lan                        the home LAN (the Pi's LAN subnets or LAN_SUBNETS) and the Pi
 *   192.168.1.10               one host
 *   192.168.1.0/24             one network
 *   192.168.1.10:445/tcp       one service (a port needs its protocol)
 *   [fd00::10]:445/tcp         the same for IPv6; bare IPv6 hosts and networks need no brackets
 *   a,b,c                      several of these (comma-separated, no spaces needed)
 */
import { UserError } from './errors.js';
import { formatIPv4, formatIPv6, ipv4Mask, ipv6Mask, parseCidr, parseIPv4, parseIPv6 } from './ip.js';

export type Protocol = 'tcp' | 'udp';

export interface ProfileTarget {
  family: 4 | 6;
  /** Normalised network CIDR ("192.168.1.10/32", "fd00::/64"). */
  cidr: string;
  port?: number;
  protocol?: Protocol;
}

export type Profile = { kind: 'full' } | { kind: 'lan' } | { kind: 'custom'; targets: ProfileTarget[] };

const MAX_TARGETS = 64;

/** Why a profile was refused: each reason is its own catalogue key (profile.<reason>). */
export type ProfileProblem = 'prefix' | 'ipv4' | 'ipv6' | 'port' | 'needProtocol' | 'protocol' | 'unknown' | 'combined' | 'empty' | 'tooMany';

function invalid(item: string, reason: ProfileProblem, params: Record<string, string | number> = {}): never {
  throw new UserError(`profile.${reason}`, { item: item.slice(0, 60), ...params });
}

function normalise(family: 4 | 6, address: string, prefixText: string | undefined, item: string): string {
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) invalid(item, 'prefix', { max });
    prefix = Number(prefixText);
  }
  try {
    if (family === 4) return `${formatIPv4((parseIPv4(address) & ipv4Mask(prefix)) >>> 0)}/${prefix}`;
    return `${formatIPv6(parseIPv6(address) & ipv6Mask(prefix))}/${prefix}`;
  } catch {
    return invalid(item, family === 4 ? 'ipv4' : 'ipv6');
  }
}

function parsePortProto(port: string, protocol: string | undefined, item: string): { port: number; protocol: Protocol } {
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) invalid(item, 'port');
  if (protocol === undefined) invalid(item, 'needProtocol');
  const p = protocol.toLowerCase();
  if (p !== 'tcp' && p !== 'udp') invalid(item, 'protocol');
  return { port: Number(port), protocol: p };
}

function parseTarget(item: string): ProfileTarget {
  // IPv6 with a port: [addr(/prefix)]:port/proto
  let m = /^\[([0-9A-Fa-f:.]+)(?:\/([^\]]*))?\](?::([^/]*)(?:\/(.*))?)?$/.exec(item);
  if (m) {
    const cidr = normalise(6, m[1]!, m[2], item);
    return m[3] === undefined ? { family: 6, cidr } : { family: 6, cidr, ...parsePortProto(m[3], m[4], item) };
  }
  // IPv4 host or network, optionally :port/proto
  m = /^([0-9]+(?:\.[0-9]+)+)(?:\/([0-9]*))?(?::([^/]*)(?:\/(.*))?)?$/.exec(item);
  if (m) {
    const cidr = normalise(4, m[1]!, m[2], item);
    return m[3] === undefined ? { family: 4, cidr } : { family: 4, cidr, ...parsePortProto(m[3], m[4], item) };
  }
  // A bare IPv6 host or network (a port needs brackets).
  m = /^([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(?:\/([0-9]*))?$/.exec(item);
  if (m) return { family: 6, cidr: normalise(6, m[1]!, m[2], item) };
  return invalid(item, 'unknown');
}

/** Whether this word could be meant as a profile (used to tell profile options from others, e.g. a duration). */
export function looksLikeProfile(word: string): boolean {
  const w = word.trim().toLowerCase();
  return w === 'full' || w === 'lan' || /^[[0-9a-f:]/.test(w);
}

export function parseProfile(text: string): Profile {
  const trimmed = text.trim();
  const word = trimmed.toLowerCase();
  if (word === 'full') return { kind: 'full' };
  if (word === 'lan') return { kind: 'lan' };
  if (trimmed === '') invalid(trimmed, 'empty');
  const items = trimmed.split(',').map((s) => s.trim());
  if (items.length > MAX_TARGETS) invalid(trimmed, 'tooMany', { max: MAX_TARGETS });
  const targets: ProfileTarget[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (item === '') invalid(trimmed, 'empty');
    if (/^(full|lan)$/i.test(item)) invalid(item, 'combined');
    const target = parseTarget(item);
    const key = formatTarget(target);
    if (!seen.has(key)) targets.push(target);
    seen.add(key);
  }
  return { kind: 'custom', targets };
}

/** Parse without throwing a UserError (config validation). */
export function profileError(text: string): string | undefined {
  try {
    parseProfile(text);
    return undefined;
  } catch (error) {
    const e = error as UserError;
    return `${String(e.params.item)}: ${e.key}`;
  }
}

function formatTarget(t: ProfileTarget): string {
  const hostOnly = t.cidr.endsWith(t.family === 4 ? '/32' : '/128');
  const address = hostOnly ? t.cidr.replace(/\/\d+$/, '') : t.cidr;
  if (t.port === undefined) return address;
  return `${t.family === 6 ? `[${address}]` : address}:${t.port}/${t.protocol}`;
}

/** Canonical text (stored on the peer record, shown to users); parseProfile(formatProfile(p)) equals p. */
export function formatProfile(p: Profile): string {
  if (p.kind !== 'custom') return p.kind;
  return p.targets.map(formatTarget).join(',');
}

export interface RouteContext {
  /** What a full peer gets (WG_CLIENT_ALLOWED_IPS). */
  fullAllowedIps: string[];
  /** LAN subnets (LAN_SUBNETS or the Pi's LAN interfaces). */
  lanSubnets: string[];
  /** The Pi's tunnel addresses as host CIDRs ("10.6.0.1/32", "fd11::1/128"). */
  serverAddresses: string[];
}

export function cidrContains(network: string, host: string): boolean {
  const n = parseCidr(network);
  const h = parseCidr(host);
  if (n.family === 4 && h.family === 4) return h.prefix >= n.prefix && (h.address & ipv4Mask(n.prefix)) >>> 0 === (n.address & ipv4Mask(n.prefix)) >>> 0;
  if (n.family === 6 && h.family === 6) return h.prefix >= n.prefix && (h.address & ipv6Mask(n.prefix)) === (n.address & ipv6Mask(n.prefix));
  return false;
}

/**
 * The client's [Peer] AllowedIPs for a profile: what its device routes into the tunnel. A DNS server on the
 * LAN or on the Pi is covered by the LAN subnets and the Pi's tunnel addresses.
 */
export function clientAllowedIps(p: Profile, ctx: RouteContext): string[] {
  if (p.kind === 'full') return ctx.fullAllowedIps;
  const networks = p.kind === 'lan' ? ctx.lanSubnets : p.targets.map((t) => t.cidr);
  const all = [...ctx.serverAddresses, ...networks];
  return [...new Set(all)];
}

/** The destinations the Pi lets a peer reach (what the firewall enforces). */
export function allowedTargets(p: Profile, ctx: Pick<RouteContext, 'lanSubnets' | 'serverAddresses'>): { all: boolean; targets: ProfileTarget[] } {
  if (p.kind === 'full') return { all: true, targets: [] };
  const family = (cidr: string): 4 | 6 => (cidr.includes(':') ? 6 : 4);
  const server = ctx.serverAddresses.map((cidr) => ({ family: family(cidr), cidr }));
  if (p.kind === 'lan') return { all: false, targets: [...server, ...ctx.lanSubnets.map((cidr) => ({ family: family(cidr), cidr }))] };
  return { all: false, targets: [...server, ...p.targets] };
}
