/**
 * /etc/wireguard/configs/clients.txt: one line per client, `NAME PUBKEY CREATED_EPOCH IPFIELD`.
 * IPFIELD is the whole IPv4 as a 32-bit decimal since PiVPN's Nov 2023 release, the last octet of a
 * /24 before. A value below 256 can only be the old form (0.0.0.x is never a tunnel address).
 */
import { formatIPv4, ipv4InNetwork, parseCidr, parseIPv4 } from '../../core/ip.js';
import { isWireGuardKey } from '../../core/keys.js';
import type { TunnelSubnet } from '../../core/allocate.js';

export interface ClientLine {
  name: string;
  publicKey: string;
  createdEpoch: number;
  ipField: string;
  lineNumber: number;
}

export interface ParsedClients {
  clients: ClientLine[];
  /** Lines we could not read, described (the file is kept as it is). */
  problems: string[];
}

export function parseClientsTxt(text: string): ParsedClients {
  const clients: ClientLine[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split(/\s+/);
    const [name = '', publicKey = '', created = '', ipField = ''] = fields;
    if (fields.length !== 4 || !isWireGuardKey(publicKey) || !/^\d+$/.test(created) || !/^\d+$/.test(ipField)) {
      problems.push(`clients.txt line ${index + 1}: expected "NAME PUBKEY CREATED IP", got ${JSON.stringify(line.slice(0, 40))}`);
      return;
    }
    clients.push({ name, publicKey, createdEpoch: Number(created), ipField, lineNumber: index + 1 });
  });
  return { clients, problems };
}

export type IpFieldForm = 'octet' | 'integer';

/** The client's IPv4 from IPFIELD; undefined when the value fits neither form in this subnet. */
export function resolveIpField(ipField: string, subnet: TunnelSubnet): { v4: string; form: IpFieldForm } | undefined {
  const n = Number(ipField);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) return undefined;
  const { network, prefix } = subnet.v4;
  if (n < 256) {
    const v4 = ((network & 0xffffff00) | n) >>> 0;
    return ipv4InNetwork(v4, network, prefix) ? { v4: formatIPv4(v4), form: 'octet' } : undefined;
  }
  return ipv4InNetwork(n, network, prefix) ? { v4: formatIPv4(n), form: 'integer' } : undefined;
}

/** The first IPv4 host address among a peer's AllowedIPs ("10.6.0.2/32" → "10.6.0.2"). */
export function hostV4(allowedIps: readonly string[]): string | undefined {
  for (const entry of allowedIps) {
    try {
      const cidr = parseCidr(entry.includes('/') ? entry : `${entry}/32`);
      if (cidr.family === 4 && cidr.prefix === 32) return formatIPv4(cidr.address);
    } catch {
      // not an address: skip
    }
  }
  return undefined;
}

/** A new line in the current (32-bit integer) form, as makeCONF.sh writes it. */
export function formatClientLine(name: string, publicKey: string, created: Date, v4: string): string {
  return `${name} ${publicKey} ${Math.floor(created.getTime() / 1000)} ${parseIPv4(v4)}`;
}

/** Replaces the line of `name` (if any) or appends; other lines are kept byte for byte. */
export function upsertClientLine(text: string, name: string, line: string): string {
  const lines = splitKeepingOrder(text);
  const index = lines.findIndex((l) => firstField(l) === name);
  if (index === -1) lines.push(line);
  else lines[index] = line;
  return joinLines(lines);
}

/** Removes every line of `name`, as removeCONF.sh's sed does; others untouched. */
export function removeClientLine(text: string, name: string): string {
  return joinLines(splitKeepingOrder(text).filter((l) => firstField(l) !== name));
}

const firstField = (line: string): string => line.trim().split(/\s+/)[0] ?? '';

function splitKeepingOrder(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const joinLines = (lines: string[]): string => (lines.length === 0 ? '' : `${lines.join('\n')}\n`);
