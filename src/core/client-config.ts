/**
 * The client's config file: what the official WireGuard apps and wg-quick import (file or QR code).
 * Layout follows PiVPN's makeCONF.sh: [Interface] PrivateKey, Address, DNS (MTU), blank line,
 * [Peer] PublicKey, PresharedKey, Endpoint, AllowedIPs, PersistentKeepalive.
 */
import { isWireGuardKey } from './keys.js';
import { isIPv6, parseCidr } from './ip.js';
import { classifyLine, parseDecimal, splitLinesKeepEol, splitList, stripEol } from './conf-lines.js';

export interface ClientConfigInput {
  privateKey: string;
  addresses: string[];
  dns: string[];
  serverPublicKey: string;
  presharedKey?: string;
  /** host:port, an IPv6 host in brackets. */
  endpoint: string;
  allowedIps: string[];
  /** 0 or undefined: no PersistentKeepalive line. */
  persistentKeepalive?: number;
  mtu?: number;
}

const MIN_MTU = 576;
const MAX_MTU = 65535;
const MAX_KEEPALIVE = 65535;

/** "host:port", with IPv6 literals bracketed as wg expects ("[2001:db8::1]:51820"). */
export function formatEndpoint(host: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port out of range: ${port}`);
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIPv6(unbracketed)) return `[${unbracketed}]:${port}`;
  // A colon or bracket left means a malformed IPv6 literal or a host that already carries a port.
  if (host === '' || /[\s#,/:[\]]/.test(host)) throw new Error(`not a usable endpoint host: ${JSON.stringify(host)}`);
  return `${host}:${port}`;
}

/** Checks "host:port" / "[v6]:port" (what formatEndpoint produces). */
function assertEndpoint(endpoint: string): void {
  const match = /^(?:\[([^\]]+)\]|([^:\s#,[\]]+)):([0-9]{1,5})$/.exec(endpoint);
  const v6Host = match?.[1];
  if (!match || (v6Host !== undefined && !isIPv6(v6Host))) {
    throw new Error(`Endpoint must be host:port (IPv6 in brackets): ${JSON.stringify(endpoint)}`);
  }
  parseDecimal(match[3] ?? '', 1, 65535, 'Endpoint port');
}

function assertListItems(items: string[], what: string): void {
  for (const item of items) {
    if (item === '' || /[\s,#]/.test(item)) throw new Error(`${what} item ${JSON.stringify(item)} cannot be written`);
  }
}

function validate(input: ClientConfigInput): void {
  if (!isWireGuardKey(input.privateKey)) throw new Error('PrivateKey is not a WireGuard key');
  if (!isWireGuardKey(input.serverPublicKey)) throw new Error('server PublicKey is not a WireGuard key');
  if (input.presharedKey !== undefined && !isWireGuardKey(input.presharedKey)) throw new Error('PresharedKey is not a WireGuard key');
  if (input.addresses.length === 0) throw new Error('a client config needs at least one Address');
  for (const address of input.addresses) parseCidr(address);
  if (input.allowedIps.length === 0) throw new Error('a client config needs AllowedIPs');
  for (const cidr of input.allowedIps) parseCidr(cidr);
  // DNS may hold search domains besides server addresses, so only the list syntax is checked.
  assertListItems(input.dns, 'DNS');
  assertEndpoint(input.endpoint);
  const keepalive = input.persistentKeepalive;
  if (keepalive !== undefined && (!Number.isInteger(keepalive) || keepalive < 0 || keepalive > MAX_KEEPALIVE)) {
    throw new Error(`PersistentKeepalive out of range: ${keepalive}`);
  }
  if (input.mtu !== undefined && (!Number.isInteger(input.mtu) || input.mtu < MIN_MTU || input.mtu > MAX_MTU)) {
    throw new Error(`MTU out of range: ${input.mtu}`);
  }
}

export function renderClientConfig(input: ClientConfigInput): string {
  validate(input);
  const lines = [
    '[Interface]',
    `PrivateKey = ${input.privateKey}`,
    `Address = ${input.addresses.join(', ')}`,
    ...(input.dns.length === 0 ? [] : [`DNS = ${input.dns.join(', ')}`]),
    ...(input.mtu === undefined ? [] : [`MTU = ${input.mtu}`]),
    '',
    '[Peer]',
    `PublicKey = ${input.serverPublicKey}`,
    ...(input.presharedKey === undefined ? [] : [`PresharedKey = ${input.presharedKey}`]),
    `Endpoint = ${input.endpoint}`,
    `AllowedIPs = ${input.allowedIps.join(', ')}`,
    ...(input.persistentKeepalive ? [`PersistentKeepalive = ${input.persistentKeepalive}`] : []),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/** Reads a client config (one [Interface], exactly one [Peer]); the inverse of renderClientConfig. */
export function parseClientConfig(text: string): ClientConfigInput {
  let section: 'none' | 'interface' | 'peer' | 'other' = 'none';
  let interfaceCount = 0;
  let peerCount = 0;
  const found = {
    privateKey: undefined as string | undefined,
    addresses: [] as string[],
    dns: [] as string[],
    mtu: undefined as number | undefined,
    publicKey: undefined as string | undefined,
    presharedKey: undefined as string | undefined,
    endpoint: undefined as string | undefined,
    allowedIps: [] as string[],
    persistentKeepalive: undefined as number | undefined,
  };

  splitLinesKeepEol(text).forEach((rawLine, index) => {
    const lineNumber = index + 1;
    const fail = (message: string): never => {
      throw new Error(`client config line ${lineNumber}: ${message}`);
    };
    const line = classifyLine(stripEol(rawLine));
    if (line.kind === 'blank' || line.kind === 'comment') return;
    if (line.kind === 'invalid') fail('neither a [Section], a Key = Value line nor a comment');
    if (line.kind === 'section') {
      if (line.name === 'interface') {
        section = 'interface';
        if (++interfaceCount > 1) fail('a second [Interface] section');
      } else if (line.name === 'peer') {
        section = 'peer';
        if (++peerCount > 1) fail('more than one [Peer] section');
      } else {
        section = 'other';
      }
      return;
    }
    if (line.kind !== 'entry') return;
    const { key, value } = line;
    try {
      if (section === 'none') fail('a key outside any [Section]');
      else if (section === 'interface') {
        if (key === 'privatekey') found.privateKey = value;
        else if (key === 'address') found.addresses.push(...splitList(value));
        else if (key === 'dns') found.dns.push(...splitList(value));
        else if (key === 'mtu') found.mtu = parseDecimal(value, MIN_MTU, MAX_MTU, 'MTU');
      } else if (section === 'peer') {
        if (key === 'publickey') found.publicKey = value;
        else if (key === 'presharedkey') found.presharedKey = value;
        else if (key === 'endpoint') found.endpoint = value;
        else if (key === 'allowedips') found.allowedIps.push(...splitList(value));
        else if (key === 'persistentkeepalive') {
          found.persistentKeepalive = value === 'off' ? 0 : parseDecimal(value, 0, MAX_KEEPALIVE, 'PersistentKeepalive');
        }
      }
    } catch (error) {
      if ((error as Error).message.startsWith('client config line')) throw error;
      fail((error as Error).message);
    }
  });

  if (found.privateKey === undefined) throw new Error('client config has no [Interface] PrivateKey');
  if (found.publicKey === undefined) throw new Error('client config has no [Peer] PublicKey');
  if (found.endpoint === undefined) throw new Error('client config has no [Peer] Endpoint');
  const config: ClientConfigInput = {
    privateKey: found.privateKey,
    addresses: found.addresses,
    dns: found.dns,
    serverPublicKey: found.publicKey,
    endpoint: found.endpoint,
    allowedIps: found.allowedIps,
  };
  if (found.presharedKey !== undefined) config.presharedKey = found.presharedKey;
  if (found.persistentKeepalive) config.persistentKeepalive = found.persistentKeepalive;
  if (found.mtu !== undefined) config.mtu = found.mtu;
  validate(config);
  return config;
}
