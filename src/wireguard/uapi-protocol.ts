/**
 * WireGuard's cross-platform userspace API (https://www.wireguard.com/xplatform/): lines of `key=value`
 * ending in an empty line; keys in hex. Pure, so the framing is tested without a socket. Every value
 * of a request is checked first: a newline smuggled into one would add a command of its own.
 */
import { isWireGuardKey, publicKeyFromPrivate } from '../core/keys.js';
import { isIPv4, isIPv6, parseCidr } from '../core/ip.js';
import type { InterfaceLiveState, PeerLiveState } from '../core/peer.js';
import type { LivePeer } from '../core/ports.js';
import { isLiveEndpoint } from '../core/wg-dump.js';

/** Base64 WireGuard key → hex, or an error naming what was wrong (never the key itself). */
export function keyToHex(base64: string, what: string): string {
  if (!isWireGuardKey(base64)) throw new Error(`${what} is not a WireGuard key (32 bytes in base64)`);
  return Buffer.from(base64, 'base64').toString('hex');
}

/**
 * An allowed IP as the protocol wants it: address/prefix. A bare address (which `wg` and hand-written
 * configs accept) means the single host, as `wg` reads it.
 */
export function allowedIpToUapi(ip: string): string {
  if (!ip.includes('/')) {
    if (isIPv4(ip)) return `${ip}/32`;
    if (isIPv6(ip)) return `${ip}/128`;
  }
  try {
    parseCidr(ip);
  } catch {
    throw new Error(`allowed IP ${JSON.stringify(ip.slice(0, 50))} is not an address/prefix`);
  }
  return ip;
}

/** Add the peer, or replace its preshared key, allowed IPs and keepalive (what `wg set … peer` does). */
export function setPeerRequest(peer: LivePeer): string {
  const lines = ['set=1', `public_key=${keyToHex(peer.publicKey, 'public key')}`];
  if (peer.presharedKey !== undefined) lines.push(`preshared_key=${keyToHex(peer.presharedKey, 'preshared key')}`);
  lines.push('replace_allowed_ips=true');
  for (const ip of peer.allowedIps) lines.push(`allowed_ip=${allowedIpToUapi(ip)}`);
  if (peer.persistentKeepalive !== undefined) {
    if (!Number.isInteger(peer.persistentKeepalive) || peer.persistentKeepalive < 0 || peer.persistentKeepalive > 65535)
      throw new Error('persistent keepalive must be 0–65535');
    lines.push(`persistent_keepalive_interval=${peer.persistentKeepalive}`);
  }
  return `${lines.join('\n')}\n\n`;
}

export function removePeerRequest(publicKey: string): string {
  return `set=1\npublic_key=${keyToHex(publicKey, 'public key')}\nremove=true\n\n`;
}

export const GET_REQUEST = 'get=1\n\n';

/** Whether an answer is complete: every answer ends with `errno=N` and an empty line. */
export const isCompleteAnswer = (answer: string): boolean => answer.endsWith('\n\n');

/** The errno of a complete answer. Anything else is a protocol error: the socket is not a WireGuard one. */
export function answerErrno(answer: string): number {
  const start = answer.lastIndexOf('errno=');
  const match = start >= 0 && (start === 0 || answer[start - 1] === '\n') ? /^errno=(-?\d{1,10})\n\n$/.exec(answer.slice(start)) : null;
  // Not quoted: an answer to `get` starts with the interface's private key.
  if (!match) throw new Error(`unexpected answer from the WireGuard control socket (${answer.length} characters)`);
  return Number(match[1]);
}

/**
 * The answer to `get=1`, as `wg show NAME dump` would tell it (see core/wg-dump.ts). The interface's private
 * key is read only to derive its public key (the answer carries no public key) and is not kept.
 */
export function parseGetAnswer(answer: string): InterfaceLiveState {
  const errno = answerErrno(answer);
  if (errno !== 0) throw new Error(`the interface answered errno ${errno}`);
  const state: InterfaceLiveState = { privateKeyPresent: false, publicKey: '', listenPort: 0, peers: [] };
  let peer: PeerLiveState | undefined;
  const fail = (line: number, message: string): never => {
    throw new Error(`control socket answer line ${line}: ${message}`);
  };
  const count = (value: string, line: number, what: string): number => {
    if (!/^\d{1,20}$/.test(value) || !Number.isSafeInteger(Number(value))) fail(line, `${what} is not a number`);
    return Number(value);
  };
  const end = answer.lastIndexOf('errno=');
  let lineNumber = 0;
  for (let at = 0; at < end;) {
    const next = answer.indexOf('\n', at);
    const line = answer.slice(at, next);
    at = next + 1;
    lineNumber++;
    const eq = line.indexOf('=');
    if (eq <= 0) fail(lineNumber, 'not key=value');
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'public_key') {
      peer = { publicKey: hexKey(value, lineNumber, 'peer public key', fail), allowedIps: [], latestHandshake: 0, rxBytes: 0, txBytes: 0 };
      state.peers.push(peer);
      continue;
    }
    if (!peer) {
      if (key === 'private_key') {
        state.privateKeyPresent = true;
        state.publicKey = publicKeyFromPrivate(hexKey(value, lineNumber, 'private key', fail));
      } else if (key === 'listen_port') {
        state.listenPort = count(value, lineNumber, 'listen port');
        if (state.listenPort > 65535) fail(lineNumber, 'listen port out of range');
      }
      continue; // fwmark and anything newer
    }
    switch (key) {
      case 'preshared_key':
        if (!isHexKey(value)) fail(lineNumber, 'preshared key is not a key'); // checked, never kept
        break;
      case 'endpoint':
        if (!isLiveEndpoint(value)) fail(lineNumber, 'bad endpoint');
        peer.endpoint = value;
        break;
      case 'last_handshake_time_sec':
        peer.latestHandshake = count(value, lineNumber, 'latest handshake');
        break;
      case 'rx_bytes':
        peer.rxBytes = count(value, lineNumber, 'rx bytes');
        break;
      case 'tx_bytes':
        peer.txBytes = count(value, lineNumber, 'tx bytes');
        break;
      case 'persistent_keepalive_interval': {
        const seconds = count(value, lineNumber, 'persistent keepalive');
        if (seconds > 65535) fail(lineNumber, 'persistent keepalive out of range');
        if (seconds > 0) peer.persistentKeepalive = seconds;
        else delete peer.persistentKeepalive;
        break;
      }
      case 'allowed_ip':
        try {
          parseCidr(value);
        } catch {
          fail(lineNumber, 'bad allowed_ip');
        }
        peer.allowedIps.push(value);
        break;
      default: // protocol_version, last_handshake_time_nsec and anything newer
    }
  }
  return state;
}

const isHexKey = (value: string): boolean => /^[0-9a-f]{64}$/.test(value);

function hexKey(value: string, line: number, what: string, fail: (line: number, message: string) => never): string {
  if (!isHexKey(value)) fail(line, `${what} is not a key`);
  return Buffer.from(value, 'hex').toString('base64');
}
