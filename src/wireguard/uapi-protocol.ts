/**
 * WireGuard's cross-platform userspace API (https://www.wireguard.com/xplatform/): lines of `key=value`
 * ending in an empty line; keys in hex. Pure, so the framing is tested without a socket. Every value
 * of a request is checked first: a newline smuggled into one would add a command of its own.
 */
import { isWireGuardKey, publicKeyFromPrivate } from '../core/keys.js';
import { isCidr, isIPv4, isIPv6, parseCidr } from '../core/ip.js';
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
 *
 * Read in place (by character codes, no slice per line or value except the values kept): at 10,000 peers the
 * answer has 80,000 lines and is parsed at every start; slicing and matching each line cost 60 ms there.
 */
export function parseGetAnswer(answer: string): InterfaceLiveState {
  const errno = answerErrno(answer);
  if (errno !== 0) throw new Error(`the interface answered errno ${errno}`);
  const state: InterfaceLiveState = { privateKeyPresent: false, publicKey: '', listenPort: 0, peers: [] };
  let peer: PeerLiveState | undefined;
  const end = answer.lastIndexOf('errno=');
  let line = 0;
  for (let at = 0; at < end;) {
    const next = answer.indexOf('\n', at);
    line++;
    const eq = answer.indexOf('=', at);
    if (eq <= at || eq > next) fail(line, 'not key=value');
    const v = eq + 1; // the value is answer[v, next); the key answer[at, eq)
    const key = KEYS.get(answer.slice(at, eq)) ?? Key.Other;
    if (key === Key.PublicKey) {
      peer = { publicKey: hexKeyAt(answer, v, next) ?? fail(line, 'peer public key is not a key'), allowedIps: [], latestHandshake: 0, rxBytes: 0, txBytes: 0 };
      state.peers.push(peer);
    } else if (!peer) {
      if (key === Key.PrivateKey) {
        state.privateKeyPresent = true;
        state.publicKey = publicKeyFromPrivate(hexKeyAt(answer, v, next) ?? fail(line, 'private key is not a key'));
      } else if (key === Key.ListenPort) {
        state.listenPort = decimalAt(answer, v, next) ?? fail(line, 'listen port is not a number');
        if (state.listenPort > 65535) fail(line, 'listen port out of range');
      } // fwmark and anything newer
    } else {
      switch (key) {
        case Key.AllowedIp: {
          const value = answer.slice(v, next);
          if (!isCidr(value)) fail(line, 'bad allowed_ip');
          peer.allowedIps.push(value);
          break;
        }
        case Key.RxBytes:
          peer.rxBytes = decimalAt(answer, v, next) ?? fail(line, 'rx bytes is not a number');
          break;
        case Key.TxBytes:
          peer.txBytes = decimalAt(answer, v, next) ?? fail(line, 'tx bytes is not a number');
          break;
        case Key.Handshake:
          peer.latestHandshake = decimalAt(answer, v, next) ?? fail(line, 'latest handshake is not a number');
          break;
        case Key.PresharedKey:
          if (!isHexAt(answer, v, next)) fail(line, 'preshared key is not a key'); // checked, never kept
          break;
        case Key.Endpoint: {
          const value = answer.slice(v, next);
          if (!isLiveEndpoint(value)) fail(line, 'bad endpoint');
          peer.endpoint = value;
          break;
        }
        case Key.Keepalive: {
          const seconds = decimalAt(answer, v, next) ?? fail(line, 'persistent keepalive is not a number');
          if (seconds > 65535) fail(line, 'persistent keepalive out of range');
          if (seconds > 0) peer.persistentKeepalive = seconds;
          else delete peer.persistentKeepalive;
          break;
        }
        default: // protocol_version, last_handshake_time_nsec and anything newer
      }
    }
    at = next + 1;
  }
  return state;
}

const enum Key {
  Other,
  PublicKey,
  PrivateKey,
  ListenPort,
  AllowedIp,
  RxBytes,
  TxBytes,
  Handshake,
  PresharedKey,
  Endpoint,
  Keepalive,
}

const KEYS = new Map<string, Key>([
  ['public_key', Key.PublicKey],
  ['private_key', Key.PrivateKey],
  ['listen_port', Key.ListenPort],
  ['allowed_ip', Key.AllowedIp],
  ['rx_bytes', Key.RxBytes],
  ['tx_bytes', Key.TxBytes],
  ['last_handshake_time_sec', Key.Handshake],
  ['preshared_key', Key.PresharedKey],
  ['endpoint', Key.Endpoint],
  ['persistent_keepalive_interval', Key.Keepalive],
]);

function fail(line: number, message: string): never {
  throw new Error(`control socket answer line ${line}: ${message}`);
}

/** The decimal number in text[from, to) (1 to 20 digits, a safe integer), or undefined. */
function decimalAt(text: string, from: number, to: number): number | undefined {
  if (to <= from || to - from > 20) return undefined;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return Number.isSafeInteger(n) ? n : undefined;
}

/** 0–15 for a lowercase hex digit (the protocol's only form), else -1. */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

function isHexAt(text: string, from: number, to: number): boolean {
  if (to - from !== 64) return false;
  for (let i = from; i < to; i++) if (nibble(text.charCodeAt(i)) < 0) return false;
  return true;
}

/** Scratch bytes for a key on its way from hex to base64; zeroed after each use (it may hold the private key). */
const KEY_BYTES = Buffer.alloc(32);

/** The 32-byte key in hex at text[from, to), in base64; undefined unless it is exactly 64 lowercase hex digits. */
function hexKeyAt(text: string, from: number, to: number): string | undefined {
  if (to - from !== 64) return undefined;
  try {
    for (let i = 0; i < 32; i++) {
      const hi = nibble(text.charCodeAt(from + 2 * i));
      const lo = nibble(text.charCodeAt(from + 2 * i + 1));
      if (hi < 0 || lo < 0) return undefined;
      KEY_BYTES[i] = (hi << 4) | lo;
    }
    return KEY_BYTES.toString('base64');
  } finally {
    KEY_BYTES.fill(0);
  }
}
