/**
 * WireGuard keys (Curve25519) with node:crypto, the same bytes `wg genkey | wg pubkey` and `wg genpsk` give,
 * without spawning processes.
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
// DER prefixes for a raw 32-byte X25519 key (RFC 8410): PKCS#8 private key and SubjectPublicKeyInfo.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519_PREFIX_LENGTH = 12;
// 43 base64 characters carry 258 bits: the last one must leave the 2 spare bits zero, as `wg` requires.
const WG_KEY_PATTERN = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export function isWireGuardKey(s: string): boolean {
  return WG_KEY_PATTERN.test(s);
}

function decodeKey(key: string, what: string): Buffer {
  if (!isWireGuardKey(key)) throw new Error(`${what} is not a WireGuard key (44 characters of base64)`);
  return Buffer.from(key, 'base64');
}

/** Random scalar clamped as `wg genkey` does (RFC 7748 §5), so the stored key is byte-identical to wg's. */
export function generateKeyPair(): KeyPair {
  const secret = randomBytes(KEY_BYTES);
  secret[0] = (secret[0] ?? 0) & 248;
  secret[31] = ((secret[31] ?? 0) & 127) | 64;
  const privateKey = secret.toString('base64');
  return { privateKey, publicKey: publicKeyFromPrivate(privateKey) };
}

export function publicKeyFromPrivate(privateKey: string): string {
  const raw = decodeKey(privateKey, 'private key');
  const keyObject = createPrivateKey({
    key: Buffer.concat([PKCS8_X25519_PREFIX, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(keyObject).export({ format: 'der', type: 'spki' });
  return spki.subarray(SPKI_X25519_PREFIX_LENGTH).toString('base64');
}

export function generatePresharedKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
