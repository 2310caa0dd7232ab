import fc from 'fast-check';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { quoteEnvValue } from '../../src/config/env-file.js';

const roundTrip = (value: string): string | undefined => {
  const q = quoteEnvValue(value);
  if (!q.ok) return undefined;
  return parseEnv(`# header\nA=${q.text}\nB=after\n`).A;
};

describe('.env values survive a write and a read', () => {
  it('gives back every value it accepts, whatever it contains', () => {
    const chars = fc.constantFrom(...'aZ09 "\'\\#=$`!&;|<>(){}*?~^日本語é\t-_./:@%'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: chars }), fc.string({ unit: 'binary' })), (value) => {
        const q = quoteEnvValue(value);
        if (q.ok) expect(roundTrip(value)).toBe(value);
        else expect(/[\r\n\0]/.test(value) || (value.includes("'") && /["\\`$]/.test(value))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('keeps the awkward passwords users have', () => {
    for (const v of ['p@ss "word" #1', 'back\\slash=and=equals', '  spaces  ', 'パスワード#日本', "it's", '$HOME', '']) expect(roundTrip(v)).toBe(v);
  });
  it('refuses what cannot be written, with the reason', () => {
    expect(quoteEnvValue('a\nb')).toEqual({ ok: false, reason: 'newline' });
    expect(quoteEnvValue(`it's "both"`)).toEqual({ ok: false, reason: 'quotes' });
  });
});
