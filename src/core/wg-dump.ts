/**
 * Parses `wg show IFACE dump`: tab-separated, one line for the interface
 * (private-key public-key listen-port fwmark), then one per peer (public-key preshared-key endpoint
 * allowed-ips latest-handshake transfer-rx transfer-tx persistent-keepalive). "(none)" and "off" mark
 * absent values. The private key is never kept.
 */
import { isWireGuardKey } from './keys.js';
import { parseCidr } from './ip.js';
import type { InterfaceLiveState, PeerLiveState } from './peer.js';

const NONE = '(none)';
const OFF = 'off';
const INTERFACE_FIELDS = 4;
const PEER_FIELDS = 8;

class DumpError extends Error {
  constructor(lineNumber: number, message: string) {
    super(`wg dump line ${lineNumber}: ${message}`);
  }
}

function counter(value: string, lineNumber: number, what: string): number {
  if (!/^[0-9]{1,20}$/.test(value)) throw new DumpError(lineNumber, `${what} is not a number: ${JSON.stringify(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new DumpError(lineNumber, `${what} is too large: ${value}`);
  return n;
}

function key(value: string, lineNumber: number, what: string): string {
  if (!isWireGuardKey(value)) throw new DumpError(lineNumber, `${what} is not a WireGuard key`);
  return value;
}

/** A peer's endpoint as WireGuard reports it: `IPv4:port` or `[IPv6]:port`. */
export const isLiveEndpoint = (value: string): boolean => /^(?:\[[0-9a-fA-F:.%\w-]+\]|[0-9.]+):[0-9]{1,5}$/.test(value);

export function parseWgDump(text: string): InterfaceLiveState {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  // One final newline is normal; blank lines elsewhere are not.
  if (lines[lines.length - 1] === '') lines.pop();
  const [header, ...peerLines] = lines;
  if (header === undefined || header === '') throw new DumpError(1, 'empty output (is the interface up?)');

  const headerFields = header.split('\t');
  if (headerFields.length !== INTERFACE_FIELDS) {
    throw new DumpError(1, `expected ${INTERFACE_FIELDS} tab-separated fields (private-key public-key listen-port fwmark), got ${headerFields.length}`);
  }
  const [privateKey = '', publicKey = '', listenPort = '', fwmark = ''] = headerFields;
  const privateKeyPresent = privateKey !== NONE;
  if (privateKeyPresent) key(privateKey, 1, 'private key');
  if (publicKey !== NONE) key(publicKey, 1, 'public key');
  const port = counter(listenPort, 1, 'listen port');
  if (port > 65535) throw new DumpError(1, `listen port out of range: ${port}`);
  if (fwmark !== OFF && !/^(?:0x[0-9a-fA-F]{1,8}|[0-9]{1,10})$/.test(fwmark)) throw new DumpError(1, `bad fwmark ${JSON.stringify(fwmark)}`);

  const peers = peerLines.map((line, index) => parsePeerLine(line, index + 2));
  // No interface key means no public key: reported as "".
  return { privateKeyPresent, publicKey: publicKey === NONE ? '' : publicKey, listenPort: port, peers };
}

function parsePeerLine(line: string, lineNumber: number): PeerLiveState {
  const fields = line.split('\t');
  if (fields.length !== PEER_FIELDS) {
    throw new DumpError(lineNumber, `expected ${PEER_FIELDS} tab-separated peer fields, got ${fields.length}`);
  }
  const [publicKey = '', presharedKey = '', endpoint = '', allowedIps = '', handshake = '', rx = '', tx = '', keepalive = ''] = fields;
  // The preshared key is only checked, never kept.
  if (presharedKey !== NONE) key(presharedKey, lineNumber, 'preshared key');
  if (endpoint !== NONE && !isLiveEndpoint(endpoint)) {
    throw new DumpError(lineNumber, `bad endpoint ${JSON.stringify(endpoint)}`);
  }
  const peer: PeerLiveState = {
    publicKey: key(publicKey, lineNumber, 'peer public key'),
    allowedIps: allowedIps === NONE ? [] : allowedIps.split(','),
    latestHandshake: counter(handshake, lineNumber, 'latest handshake'),
    rxBytes: counter(rx, lineNumber, 'transfer-rx'),
    txBytes: counter(tx, lineNumber, 'transfer-tx'),
  };
  for (const cidr of peer.allowedIps) {
    try {
      parseCidr(cidr);
    } catch {
      throw new DumpError(lineNumber, `bad allowed-ips ${JSON.stringify(allowedIps)}`);
    }
  }
  if (endpoint !== NONE) peer.endpoint = endpoint;
  if (keepalive !== OFF) {
    const seconds = counter(keepalive, lineNumber, 'persistent keepalive');
    if (seconds > 65535) throw new DumpError(lineNumber, `persistent keepalive out of range: ${seconds}`);
    peer.persistentKeepalive = seconds;
  }
  return peer;
}
