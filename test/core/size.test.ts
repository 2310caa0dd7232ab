import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { formatSize, parseSize, parseSizeValue } from '../../src/core/size.js';

describe('parseSize', () => {
  it('reads decimal and binary units', () => {
    expect(parseSize('50GB')).toBe(50_000_000_000);
    expect(parseSize('500 MB')).toBe(500_000_000);
    expect(parseSize('1GiB')).toBe(1_073_741_824);
    expect(parseSize('1.5kb')).toBe(1500);
    expect(parseSize('2TiB')).toBe(2 * 1024 ** 4);
    expect(parseSize('1000')).toBe(1000);
    expect(parseSize('7B')).toBe(7);
    expect(parseSize('1MiB')).toBe(1_048_576);
  });

  it('refuses negative sizes, unknown units, zero and junk', () => {
    for (const bad of ['-5GB', '5XB', '5 gigs', '', 'GB', '0', '0GB', '1e9', '5GB5', '1,5GB', ' - 1MB', '9999999999999TB']) {
      expect(() => parseSize(bad)).toThrow(UserError);
    }
  });

  it('property: n UNIT is n × the unit factor, whatever the case and spacing', () => {
    const units: [string, number][] = [
      ['B', 1],
      ['KB', 1e3],
      ['MB', 1e6],
      ['GB', 1e9],
      ['TB', 1e12],
      ['KiB', 1024],
      ['MiB', 1024 ** 2],
      ['GiB', 1024 ** 3],
      ['TiB', 1024 ** 4],
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.constantFrom(...units), fc.boolean(), fc.constantFrom('', ' '), (n, [unit, factor], lower, space) => {
        const text = `${n}${space}${lower ? unit.toLowerCase() : unit}`;
        expect(parseSizeValue(text)).toBe(n * factor);
      }),
    );
  });

  it('property: a leading minus is always refused, and any letters that are not a unit too', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.stringMatching(/^[a-zA-Z]{1,3}$/), (n, unit) => {
        expect(parseSizeValue(`-${n}${unit}`)).toBeUndefined();
        const factors: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
        const factor = factors[unit.toLowerCase()];
        // A known unit is taken unless the size passes 2^53 bytes (9008 TB does), which is refused too.
        const taken = factor !== undefined && Number.isSafeInteger(n * factor);
        expect(parseSizeValue(`${n}${unit}`) === undefined).toBe(!taken);
      }),
    );
  });

  it('property: formatting and parsing again keeps the size within rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 50 }), (bytes) => {
        const back = parseSize(formatSize(bytes).replace(' ', ''));
        expect(Math.abs(back - bytes) / bytes).toBeLessThan(0.01);
      }),
    );
  });
});
