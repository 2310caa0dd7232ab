import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spliceChunks } from '../../src/core/chunks.js';

const b = (s: string) => Buffer.from(s);

describe('spliceChunks', () => {
  const appendChunks = (chunks: Buffer[], added: Buffer[]) => spliceChunks(chunks, Buffer.concat(chunks).length, Buffer.concat(chunks).length, added);

  it('appends without touching the old list, and joins a long list into one chunk with the same bytes', () => {
    const old = [b('a'), b('b')];
    const next = appendChunks(old, [b('c')]);
    expect(old).toHaveLength(2);
    expect(next[0]).toBe(old[0]); // reused, not copied
    expect(Buffer.concat(next).toString()).toBe('abc');

    let many: Buffer[] = [];
    for (let i = 0; i < 200; i++) many = appendChunks(many, [b(String(i % 10))]);
    expect(many.length).toBeLessThanOrEqual(64);
    expect(Buffer.concat(many).toString()).toBe('0123456789'.repeat(20));
  });

  it('gives the bytes of the same splice on one buffer, wherever the range falls across chunks (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 12 }),
        fc.nat(),
        fc.nat(),
        (parts, inserted, a, b) => {
          const chunks = parts.map((p) => Buffer.from(p));
          const whole = Buffer.concat(chunks);
          const start = Math.min(a, b) % (whole.length + 1);
          const end = start + (Math.max(a, b) % (whole.length - start + 1));
          const out = spliceChunks(chunks, start, end, [Buffer.from(inserted)]);
          const expected = Buffer.concat([whole.subarray(0, start), Buffer.from(inserted), whole.subarray(end)]);
          expect(Buffer.concat(out).equals(expected)).toBe(true);
          expect(out.every((c) => c.length > 0)).toBe(true);
          expect(Buffer.concat(chunks).equals(whole)).toBe(true); // the old list is unchanged
        },
      ),
    );
  });

  it('keeps the untouched bytes as views of the old chunks, not copies', () => {
    const big = b('0123456789');
    const [left, mid, right] = spliceChunks([big], 3, 5, [b('xy')]);
    expect(Buffer.concat([left!, mid!, right!]).toString()).toBe('012xy56789');
    expect(left!.buffer).toBe(big.buffer);
    expect(right!.buffer).toBe(big.buffer);
  });

  it('refuses a range outside the content', () => {
    expect(() => spliceChunks([b('abc')], 2, 4, [])).toThrow(RangeError);
    expect(() => spliceChunks([b('abc')], 2, 1, [])).toThrow(RangeError);
  });
});
