import { isIPv4 as nodeIsIPv4, isIPv6 as nodeIsIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatIPv4,
  formatIPv6,
  isCgnatIPv4,
  isCidr,
  isIPv4,
  isIPv6,
  isPrivateIPv4,
  isPublicIPv4,
  isPublicIPv6,
  parseCidr,
  parseIPv4,
  parseIPv6,
} from '../../src/core/ip.js';

const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const ipv6Value = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
/** 128-bit values with many zero groups, so "::" compression is exercised. */
const sparseIPv6Value = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n));
const anyIPv6Value = fc.oneof(ipv6Value, sparseIPv6Value);

/** Uncompressed, zero-padded, upper-case text: a valid but non-canonical spelling. */
function fullUpperCase(v: bigint): string {
  return v.toString(16).padStart(32, '0').toUpperCase().match(/.{4}/g)!.join(':');
}

describe('IPv4', () => {
  it('parses dotted quads to uint32', () => {
    expect(parseIPv4('0.0.0.0')).toBe(0);
    expect(parseIPv4('10.6.0.2')).toBe(0x0a060002);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(formatIPv4(0x0a060002)).toBe('10.6.0.2');
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '010.1.1.1', '1.2.3.04', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4\n', '1..3.4', '+1.2.3.4', '0x1.2.3.4', '1.2.3.-4'])(
    'refuses %j',
    (text) => {
      expect(() => parseIPv4(text)).toThrow(Error);
      expect(isIPv4(text)).toBe(false);
    },
  );

  it('refuses values that are not uint32', () => {
    for (const n of [-1, 2 ** 32, 1.5, Number.NaN]) expect(() => formatIPv4(n)).toThrow();
  });

  it('round-trips every uint32 (property)', () => {
    fc.assert(fc.property(uint32, (n) => parseIPv4(formatIPv4(n)) === n));
  });

  it('agrees with node:net on strings built from digits and dots (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', '.'), maxLength: 16 });
    const quad = fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((o) => o.join('.'));
    fc.assert(
      fc.property(fc.oneof(text, quad), (s) => {
        expect(isIPv4(s)).toBe(nodeIsIPv4(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('IPv6', () => {
  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['1::', 1n << 112n],
    ['fd11:5ee:bad:c0de::a06:2', 0xfd1105ee0badc0de000000000a060002n],
    ['FD11:05EE:0BAD:C0DE:0000:0000:0A06:0002', 0xfd1105ee0badc0de000000000a060002n],
    ['::ffff:192.0.2.1', 0xffffc0000201n],
    ['1:2:3:4:5:6:1.2.3.4', 0x00010002000300040005000601020304n],
    ['1:2:3:4:5:6:7::', 0x00010002000300040005000600070000n],
  ])('parses %s', (text, value) => {
    expect(parseIPv6(text)).toBe(value);
    expect(isIPv6(text)).toBe(true);
  });

  it.each([
    '',
    ':',
    ':::',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '12345::',
    'g::',
    '1.2.3.4',
    '::1.2.3',
    '::01.2.3.4',
    '1.2.3.4::',
    'fe80::1%eth0',
    ' ::1',
    ':1::',
    '1:::2',
  ])('refuses %j', (text) => {
    expect(() => parseIPv6(text)).toThrow(Error);
    expect(isIPv6(text)).toBe(false);
  });

  it.each([
    [0n, '::'],
    [1n, '::1'],
    [0x20010db8000000000000000000000001n, '2001:db8::1'],
    // A single zero group is never compressed.
    [0x20010db8000000010001000100010001n, '2001:db8:0:1:1:1:1:1'],
    // Longest run wins.
    [0x20010000000000010000000000000001n, '2001:0:0:1::1'],
    // On a tie the first run is compressed.
    [0x20010db8000000000001000000000001n, '2001:db8::1:0:0:1'],
    [0xfd1105ee0badc0de000000000a060002n, 'fd11:5ee:bad:c0de::a06:2'],
  ])('formats %s as %s (RFC 5952)', (value, text) => {
    expect(formatIPv6(value)).toBe(text);
  });

  it('round-trips every 128-bit value (property)', () => {
    fc.assert(fc.property(anyIPv6Value, (v) => parseIPv6(formatIPv6(v)) === v));
  });

  it('formats like the WHATWG URL serializer, which also follows RFC 5952 (property)', () => {
    fc.assert(
      fc.property(anyIPv6Value, (v) => {
        expect(`[${formatIPv6(v)}]`).toBe(new URL(`http://[${fullUpperCase(v)}]/`).hostname);
      }),
    );
  });

  it('accepts exactly what node:net accepts, on valid spellings and mutations of them (property)', () => {
    const spelling = fc.tuple(anyIPv6Value, fc.nat(3)).map(([v, style]) => {
      if (style === 0) return formatIPv6(v);
      if (style === 1) return fullUpperCase(v);
      // Six hex groups and a dotted IPv4 tail.
      if (style === 2) return `${fullUpperCase(v).slice(0, 29)}:${formatIPv4(Number(v & 0xffffffffn))}`;
      return formatIPv6(v).replace(/(^|:)0(?=:|$)/, '$1');
    });
    const mutated = fc
      .tuple(spelling, fc.nat(45), fc.constantFrom('', ':', '::', '0', 'g', '.', '1.2', '12345'))
      .map(([s, at, insert]) => s.slice(0, at) + insert + s.slice(at + 1));
    fc.assert(
      fc.property(fc.oneof(spelling, mutated), (s) => {
        expect(isIPv6(s)).toBe(nodeIsIPv6(s));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseCidr', () => {
  it('keeps the host part as written', () => {
    expect(parseCidr('10.6.0.1/24')).toEqual({ family: 4, address: 0x0a060001, prefix: 24 });
    expect(parseCidr('fd11:5ee:bad:c0de::1/64')).toEqual({ family: 6, address: 0xfd1105ee0badc0de0000000000000001n, prefix: 64 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, address: 0, prefix: 0 });
    expect(parseCidr('::/0')).toEqual({ family: 6, address: 0n, prefix: 0 });
  });

  it.each(['10.6.0.1', '10.6.0.1/33', '::/129', '10.6.0.1/024', '10.6.0.1/', '10.6.0.1/2 4', '/24', '10.6.0.1/-1', 'x/24', '10.6.0.1/24/1'])(
    'refuses %j',
    (text) => {
      expect(() => parseCidr(text)).toThrow(Error);
    },
  );

  it('round-trips generated CIDRs (property)', () => {
    const v4 = fc.tuple(uint32, fc.integer({ min: 0, max: 32 }));
    const v6 = fc.tuple(anyIPv6Value, fc.integer({ min: 0, max: 128 }));
    fc.assert(
      fc.property(v4, v6, ([a4, p4], [a6, p6]) => {
        expect(parseCidr(`${formatIPv4(a4)}/${p4}`)).toEqual({ family: 4, address: a4, prefix: p4 });
        expect(parseCidr(`${formatIPv6(a6)}/${p6}`)).toEqual({ family: 6, address: a6, prefix: p6 });
      }),
    );
  });
});

describe('isCidr', () => {
  it('says yes exactly where parseCidr succeeds, on valid spellings and mutations of them (property)', () => {
    const spelling = fc.oneof(
      fc.tuple(uint32, fc.integer({ min: 0, max: 40 })).map(([a, p]) => `${formatIPv4(a)}/${p}`),
      fc.tuple(anyIPv6Value, fc.integer({ min: 0, max: 140 }), fc.boolean()).map(([v, p, upper]) => `${upper ? fullUpperCase(v) : formatIPv6(v)}/${p}`),
      fc.tuple(anyIPv6Value, uint32).map(([v, a]) => `${fullUpperCase(v).slice(0, 29)}:${formatIPv4(a)}/64`),
    );
    const mutated = fc
      .tuple(spelling, fc.nat(50), fc.constantFrom('', ':', '::', '0', 'g', 'G', '.', '/', '1.2', '12345', '\u0010', ' ', '00'))
      .map(([s, at, insert]) => s.slice(0, at) + insert + s.slice(at + 1));
    const parses = (s: string) => {
      try {
        parseCidr(s);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.oneof(spelling, mutated, fc.string({ maxLength: 12 })), (s) => {
        expect(isCidr(s)).toBe(parses(s));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('address classes', () => {
  it.each([
    ['8.8.8.8', true],
    ['1.1.1.1', true],
    ['100.63.255.255', true],
    ['100.128.0.0', true],
    ['172.15.255.255', true],
    ['172.32.0.0', true],
    ['223.255.255.255', true],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.168.1.1', false],
    ['100.64.0.1', false],
    ['100.127.255.255', false],
    ['127.0.0.1', false],
    ['169.254.10.10', false],
    ['0.1.2.3', false],
    ['192.0.0.8', false],
    ['192.0.2.10', false],
    ['198.18.0.1', false],
    ['198.19.255.255', false],
    ['198.51.100.7', false],
    ['203.0.113.9', false],
    ['224.0.0.1', false],
    ['239.255.255.250', false],
    ['240.0.0.1', false],
    ['255.255.255.255', false],
    ['not an address', false],
    ['010.1.1.1', false],
  ])('isPublicIPv4(%s) = %s', (address, expected) => {
    expect(isPublicIPv4(address)).toBe(expected);
  });

  it('tells private (RFC 1918) and CGNAT apart', () => {
    expect(['10.0.0.1', '172.16.5.4', '192.168.178.1'].map(isPrivateIPv4)).toEqual([true, true, true]);
    expect(['100.64.0.1', '11.0.0.1', '172.32.0.1', 'x'].map(isPrivateIPv4)).toEqual([false, false, false, false]);
    expect(['100.64.0.0', '100.100.1.1', '100.127.255.255'].map(isCgnatIPv4)).toEqual([true, true, true]);
    expect(['100.63.255.255', '100.128.0.0', '10.0.0.1', ''].map(isCgnatIPv4)).toEqual([false, false, false, false]);
  });

  it.each([
    ['2a01:4f8:c0c:1234::1', true],
    ['2606:4700:4700::1111', true],
    ['2001:4860:4860::8888', true],
    ['3ffe::1', true],
    ['::', false],
    ['::1', false],
    ['fe80::1', false],
    ['fd11:5ee:bad:c0de::1', false],
    ['fc00::1', false],
    ['ff02::1', false],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::808:808', false],
    ['2001:db8::1', false],
    ['2001::1', false],
    ['2002:c000:204::1', false],
    ['3fff::1', false],
    ['4000::1', false],
    ['nonsense', false],
  ])('isPublicIPv6(%s) = %s', (address, expected) => {
    expect(isPublicIPv6(address)).toBe(expected);
  });

  it('never calls an address both public and private/CGNAT (property)', () => {
    fc.assert(
      fc.property(uint32, (n) => {
        const s = formatIPv4(n);
        return !(isPublicIPv4(s) && (isPrivateIPv4(s) || isCgnatIPv4(s)));
      }),
    );
  });
});
