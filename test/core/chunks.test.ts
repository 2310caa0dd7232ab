import { describe, expect, it } from 'vitest';
import { appendChunks } from '../../src/core/chunks.js';

const b = (s: string) => Buffer.from(s);

describe('appendChunks', () => {
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
});
