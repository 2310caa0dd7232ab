import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { isAddressableName, printableExcerpt, validatePeerName } from '../../src/core/names.js';

function refusal(raw: string): UserError {
  try {
    validatePeerName(raw);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

const KNOWN_KEYS = ['peer.name.empty', 'peer.name.tooLong', 'peer.name.chars', 'peer.name.start', 'peer.name.digits', 'peer.name.reserved'];

describe('validatePeerName', () => {
  it.each(['laptop', 'a', 'Bob-Phone', 'pixel_7', 'x1.work', '123abc', 'a23456789012345', ' ipad '])('accepts %j', (raw) => {
    expect(validatePeerName(raw)).toBe(raw.trim());
  });

  it.each([
    ['', 'peer.name.empty', {}],
    ['   ', 'peer.name.empty', {}],
    ['a234567890123456', 'peer.name.tooLong', { max: 15 }],
    ['bob@phone', 'peer.name.chars', { name: 'bob@phone' }],
    ['my phone', 'peer.name.chars', { name: 'my phone' }],
    ['tablet/kids', 'peer.name.chars', { name: 'tablet/kids' }],
    ['héllo', 'peer.name.chars', { name: 'héllo' }],
    ['-rf', 'peer.name.start', {}],
    ['.hidden', 'peer.name.start', {}],
    ['_x', 'peer.name.start', {}],
    ['12345', 'peer.name.digits', {}],
    ['server', 'peer.name.reserved', {}],
    ['SeRvEr', 'peer.name.reserved', {}],
  ])('refuses %j with %s', (raw, key, params) => {
    const error = refusal(raw);
    expect(error.key).toBe(key);
    expect(error.params).toEqual(params);
  });

  it('never echoes control characters or newlines back', () => {
    const error = refusal('a\nb\u0007c\u202e');
    expect(error.key).toBe('peer.name.chars');
    expect(error.params).toEqual({ name: 'a?b?c?' });
  });

  it('accepts only names that PiVPN and the WireGuard apps accept too (property)', () => {
    const wireGuardAppTunnelName = /^[a-zA-Z0-9_=+.-]{1,15}$/;
    fc.assert(
      fc.property(fc.string({ maxLength: 20, unit: fc.constantFrom(...'abZ09_.-@ /\n\té'.split('')) }), (raw) => {
        let name: string;
        try {
          name = validatePeerName(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect(KNOWN_KEYS).toContain((error as UserError).key);
          return;
        }
        expect(name).toMatch(wireGuardAppTunnelName);
        expect(isAddressableName(name)).toBe(true);
        expect(name).not.toMatch(/^[0-9]+$/);
        expect(name.toLowerCase()).not.toBe('server');
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps echoed names short and printable, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 15 }), (raw) => {
        try {
          validatePeerName(raw);
        } catch (error) {
          const name = (error as UserError).params['name'];
          if (name === undefined) return;
          expect(typeof name).toBe('string');
          expect(Array.from(name as string).length).toBeLessThanOrEqual(20);
          expect(name).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('printableExcerpt', () => {
  it('cuts at 20 code points with an ellipsis, never inside a surrogate pair', () => {
    expect(printableExcerpt('x'.repeat(20))).toBe('x'.repeat(20));
    expect(printableExcerpt('x'.repeat(21))).toBe(`${'x'.repeat(19)}…`);
    expect(printableExcerpt('😀'.repeat(25))).toBe(`${'😀'.repeat(19)}…`);
    expect(printableExcerpt('a\r\nb\u2028c')).toBe('a??b?c');
  });
});

describe('isAddressableName', () => {
  it.each(['bob@phone', 'laptop', 'a.b', 'x_-y', '1234', 'a'.repeat(40), 'Server'])('accepts the PiVPN name %j', (name) => {
    expect(isAddressableName(name)).toBe(true);
  });

  it.each(['', '-x', '.x', 'a b', 'a/b', 'a\nb', 'é', 'a'.repeat(65), '### x'])('refuses %j', (name) => {
    expect(isAddressableName(name)).toBe(false);
  });
});
