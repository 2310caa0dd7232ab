/**
 * Requests of WireGuard's cross-platform userspace API (https://www.wireguard.com/xplatform/): lines of
 * `key=value` ending in an empty line; keys in hex. Pure, so the framing is tested without a socket.
 * Every value is checked first: a newline smuggled into one would add a command of its own.
 */
import type { LivePeer } from '../core/ports.js';

const CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)\/\d{1,3}$/;

/** Base64 WireGuard key → hex, or an error naming what was wrong (never the key itself). */
export function keyToHex(base64: string, what: string): string {
  const bytes = Buffer.from(base64, 'base64');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(base64) || bytes.length !== 32) throw new Error(`${what} is not a WireGuard key (32 bytes in base64)`);
  return bytes.toString('hex');
}

/** Add the peer, or replace its preshared key, allowed IPs and keepalive (what `wg set … peer` does). */
export function setPeerRequest(peer: LivePeer): string {
  const lines = ['set=1', `public_key=${keyToHex(peer.publicKey, 'public key')}`];
  if (peer.presharedKey !== undefined) lines.push(`preshared_key=${keyToHex(peer.presharedKey, 'preshared key')}`);
  lines.push('replace_allowed_ips=true');
  for (const ip of peer.allowedIps) {
    if (!CIDR.test(ip)) throw new Error(`allowed IP ${JSON.stringify(ip.slice(0, 50))} is not an address/prefix`);
    lines.push(`allowed_ip=${ip}`);
  }
  if (peer.persistentKeepalive !== undefined) {
    if (!Number.isInteger(peer.persistentKeepalive) || peer.persistentKeepalive < 0 || peer.persistentKeepalive > 65535) throw new Error('persistent keepalive must be 0–65535');
    lines.push(`persistent_keepalive_interval=${peer.persistentKeepalive}`);
  }
  return `${lines.join('\n')}\n\n`;
}

export function removePeerRequest(publicKey: string): string {
  return `set=1\npublic_key=${keyToHex(publicKey, 'public key')}\nremove=true\n\n`;
}

/**
 * The errno of a complete answer (`errno=N` then an empty line), undefined while it is incomplete.
 * Anything else is a protocol error: the socket is not a WireGuard one.
 */
export function answerErrno(answer: string): number | undefined {
  if (!answer.endsWith('\n\n')) return undefined;
  const match = /(?:^|\n)errno=(-?\d+)\n\n$/.exec(answer);
  if (!match) throw new Error(`unexpected answer from the WireGuard control socket: ${JSON.stringify(answer.slice(0, 80))}`);
  return Number(match[1]);
}
