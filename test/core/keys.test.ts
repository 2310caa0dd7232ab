import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, generatePresharedKey, isWireGuardKey, publicKeyFromPrivate } from '../../src/core/keys.js';

const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
const wgAvailable = spawnSync('wg', ['--version']).status === 0;

describe('publicKeyFromPrivate', () => {
  // RFC 7748 §6.1 (Curve25519 Diffie-Hellman): Alice's and Bob's key pairs.
  it.each([
    ['77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'],
    ['5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb', 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'],
  ])('matches the RFC 7748 vector for %s', (privateHex, publicHex) => {
    expect(publicKeyFromPrivate(hexToBase64(privateHex))).toBe(hexToBase64(publicHex));
  });

  it('refuses text that is not a key', () => {
    expect(() => publicKeyFromPrivate('abc')).toThrow(/not a WireGuard key/);
    expect(() => publicKeyFromPrivate(`${'A'.repeat(43)}`)).toThrow();
  });

  it.skipIf(!wgAvailable)('agrees with `wg pubkey` on random keys, clamped or not', () => {
    const keys = [generateKeyPair().privateKey, ...Array.from({ length: 4 }, () => randomBytes(32).toString('base64'))];
    for (const privateKey of keys) {
      const fromWg = execFileSync('wg', ['pubkey'], { input: `${privateKey}\n`, encoding: 'utf8' }).trim();
      expect(publicKeyFromPrivate(privateKey)).toBe(fromWg);
    }
  });
});

describe('generateKeyPair', () => {
  it('makes clamped private keys and matching public keys, different every time', () => {
    const pairs = Array.from({ length: 20 }, generateKeyPair);
    for (const { privateKey, publicKey } of pairs) {
      expect(privateKey).toHaveLength(44);
      expect(isWireGuardKey(privateKey)).toBe(true);
      expect(isWireGuardKey(publicKey)).toBe(true);
      expect(publicKeyFromPrivate(privateKey)).toBe(publicKey);
      const raw = Buffer.from(privateKey, 'base64');
      expect(raw[0]! & 7).toBe(0);
      expect(raw[31]! & 0xc0).toBe(0x40);
    }
    expect(new Set(pairs.map((p) => p.privateKey)).size).toBe(20);
  });

  it('does not hang when garbage collection runs while keys are made (Node 20 lock-up with export())', () => {
    // Exporting fresh KeyObjects hung within 20,000 keys every time with a tiny young generation (many
    // collections); this runs the compiled module in a child, which is killed if it ever gets stuck.
    const keys = new URL('../../dist/src/core/keys.js', import.meta.url).href;
    const script = `const { generateKeyPair } = await import(${JSON.stringify(keys)}); let n = 0; for (let i = 0; i < 20000; i++) n += generateKeyPair().publicKey.length; console.log(n);`;
    const child = spawnSync(process.execPath, ['--max-semi-space-size=1', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.error).toBeUndefined();
    expect(child.signal).toBeNull();
    expect(child.stdout.trim()).toBe(String(20000 * 44));
  }, 70_000);

  it.skipIf(!wgAvailable)('produces keys that `wg` accepts as they are', () => {
    const { privateKey, publicKey } = generateKeyPair();
    expect(execFileSync('wg', ['pubkey'], { input: privateKey, encoding: 'utf8' }).trim()).toBe(publicKey);
  });
});

describe('generatePresharedKey', () => {
  it('makes 32 random bytes in base64', () => {
    const a = generatePresharedKey();
    const b = generatePresharedKey();
    expect(isWireGuardKey(a)).toBe(true);
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});

describe('isWireGuardKey', () => {
  it('accepts the base64 of any 32 bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => isWireGuardKey(Buffer.from(bytes).toString('base64'))));
  });

  it('refuses the base64 of other lengths (property)', () => {
    const otherLength = fc.uint8Array({ maxLength: 64 }).filter((bytes) => bytes.length !== 32);
    fc.assert(fc.property(otherLength, (bytes) => !isWireGuardKey(Buffer.from(bytes).toString('base64'))));
  });

  it('refuses non-canonical, url-safe, padded-wrong and surrounded text', () => {
    const valid = hexToBase64('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    expect(isWireGuardKey(valid)).toBe(true);
    // Last data character with non-zero spare bits: decodes to the same bytes, but wg refuses it.
    expect(isWireGuardKey(`${valid.slice(0, 42)}B=`)).toBe(false);
    expect(
      isWireGuardKey(
        valid
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/.(?==$)/, '-'),
      ),
    ).toBe(false);
    expect(isWireGuardKey(valid.slice(0, 43))).toBe(false);
    expect(isWireGuardKey(` ${valid}`)).toBe(false);
    expect(isWireGuardKey(`${valid}\n`)).toBe(false);
    expect(isWireGuardKey('')).toBe(false);
  });
});
