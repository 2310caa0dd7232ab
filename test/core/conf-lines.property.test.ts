import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyLine, splitList } from '../../src/core/conf-lines.js';

// Lines that often start as PiVPN writes them (the fast path) and then go wrong in every way a hand edit can.
const tail = fc.string({ maxLength: 12, unit: fc.constantFrom(...'aZ09+/=,.:#[] \t\u00a0\u2028\r'.split('')) });
const line = fc.oneof(
  fc
    .tuple(fc.constantFrom('PublicKey = ', 'AllowedIPs = ', 'PresharedKey = ', 'PublicKey =', 'Allowed IPs = ', '[Peer]', '[peer]', 'Endpoint = ', ''), tail)
    .map(([a, b]) => a + b),
  tail,
);

describe('conf lines', () => {
  it('a leading space never changes how a line reads: the fast path answers as the general one (property)', () => {
    // " " + line never takes the fast path (no PiVPN spelling starts with a space), so this compares the two.
    fc.assert(
      fc.property(line, (l) => {
        expect(classifyLine(l)).toEqual(classifyLine(` ${l}`));
      }),
      { numRuns: 2000 },
    );
  });

  it('the canonical spellings read as their keys', () => {
    expect(classifyLine('PublicKey = abc=')).toEqual({ kind: 'entry', key: 'publickey', value: 'abc=' });
    expect(classifyLine('AllowedIPs = 10.6.0.2/32,fd11::2/128 # laptop')).toEqual({ kind: 'entry', key: 'allowedips', value: '10.6.0.2/32,fd11::2/128' });
    expect(classifyLine('[Peer]')).toEqual({ kind: 'section', name: 'peer' });
  });

  it('splitList keeps the non-empty trimmed items in order (property)', () => {
    const items = fc.string({ maxLength: 30, unit: fc.constantFrom(...'ab1/:, \t'.split('')) });
    fc.assert(
      fc.property(items, (v) => {
        const plain = v
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== '');
        expect(splitList(v)).toEqual(plain);
      }),
    );
  });
});
