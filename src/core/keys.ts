/**
 * WireGuard keys (Curve25519) with node:crypto, the same bytes `wg genkey | wg pubkey` and `wg genpsk` give,
 * without spawning processes.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

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

/**
 * A fresh pair from OpenSSL's X25519 generator (about 0.15 ms; deriving the public half from random
 * bytes costs three times that, and this is on the /addpeer path). The private scalar is stored clamped,
 * as `wg genkey` writes it (RFC 7748 §5); clamping does not change the public key, X25519 clamps anyway.
 *
 * The generator returns DER bytes itself. Never export() a KeyObject of a freshly generated key instead:
 * on Node 20 a garbage collection during that export can finalise the generating job, which waits for
 * the lock the export holds, and the process hangs for good (test/core/keys.test.ts reproduces it).
 */
export function generateKeyPair(): KeyPair {
  const pair = generateKeyPairSync('x25519', {
    privateKeyEncoding: { format: 'der', type: 'pkcs8' },
    publicKeyEncoding: { format: 'der', type: 'spki' },
  });
  if (pair.privateKey.length !== PKCS8_X25519_PREFIX.length + KEY_BYTES || pair.publicKey.length !== SPKI_X25519_PREFIX_LENGTH + KEY_BYTES) {
    throw new Error('unexpected X25519 key encoding from node:crypto');
  }
  const secret = Buffer.from(pair.privateKey.subarray(PKCS8_X25519_PREFIX.length));
  secret[0] = (secret[0] ?? 0) & 248;
  secret[31] = ((secret[31] ?? 0) & 127) | 64;
  return { privateKey: secret.toString('base64'), publicKey: pair.publicKey.subarray(SPKI_X25519_PREFIX_LENGTH).toString('base64') };
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
