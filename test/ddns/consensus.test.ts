import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, normalisePublic, type SourceAnswer } from '../../src/ddns/consensus.js';

const publicV4 = fc.constantFrom('81.2.69.142', '81.2.69.143', '93.184.216.34', '8.8.8.8', '1.1.1.1');
const junk = fc.oneof(fc.constantFrom('192.168.1.1', '100.64.0.1', '127.0.0.1', '203.0.113.7', '<html>', '', '2a00:1450::1'), fc.string());
const broken: fc.Arbitrary<Omit<SourceAnswer, 'source'>> = fc.oneof(
  junk.map((answer) => ({ answer })),
  fc.constantFrom('timed out', 'HTTP 500').map((error) => ({ error })),
);
const named = (answers: Omit<SourceAnswer, 'source'>[]): SourceAnswer[] => answers.map((a, i) => ({ source: `s${i}`, ...a }) as SourceAnswer);

describe('consensus', () => {
  it('only ever returns a public address that at least two sources gave, and more than any other', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            publicV4.map((answer) => ({ answer })),
            broken,
          ),
          { minLength: 2, maxLength: 8 },
        ),
        (raw) => {
          const answers = named(raw);
          const r = decide(answers, 4, answers.length);
          if (!r.ok) return;
          const votes = (addr: string) => answers.filter((a) => 'answer' in a && a.answer.trim() === addr).length;
          expect(normalisePublic(r.address, 4)).toBe(r.address);
          expect(r.agreeing.length).toBe(votes(r.address));
          expect(votes(r.address)).toBeGreaterThanOrEqual(2);
          for (const other of ['81.2.69.142', '81.2.69.143', '93.184.216.34', '8.8.8.8', '1.1.1.1']) {
            if (other !== r.address) expect(votes(other)).toBeLessThan(votes(r.address));
          }
        },
      ),
    );
  });

  it('one wrong, slow or broken source never changes the result of two or more honest ones', () => {
    fc.assert(
      fc.property(
        publicV4,
        fc.integer({ min: 2, max: 6 }),
        fc.oneof(
          publicV4.map((answer) => ({ answer })),
          broken,
        ),
        fc.nat(),
        (truth, honest, bad, at) => {
          const list: Omit<SourceAnswer, 'source'>[] = Array.from({ length: honest }, () => ({ answer: truth }));
          list.splice(at % (honest + 1), 0, bad);
          expect(decide(named(list), 4, list.length)).toMatchObject({ ok: true, address: truth });
        },
      ),
    );
  });

  it('does not depend on the order of the answers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            publicV4.map((answer) => ({ answer })),
            broken,
          ),
          { maxLength: 7 },
        ),
        fc.nat(),
        (raw, seed) => {
          const answers = named(raw);
          const shuffled = [...answers].sort((a, b) => ((a.source.charCodeAt(1) * 31 + seed) % 7) - ((b.source.charCodeAt(1) * 31 + seed) % 7));
          const x = decide(answers, 4, answers.length);
          const y = decide(shuffled, 4, answers.length);
          expect(x.ok).toBe(y.ok);
          if (x.ok && y.ok) expect(y).toEqual(x);
        },
      ),
    );
  });

  it('a single configured source is enough on its own, but a single answer out of several is not', () => {
    expect(decide([{ source: 'a', answer: '81.2.69.142\n' }], 4, 1)).toMatchObject({ ok: true, address: '81.2.69.142' });
    expect(
      decide(
        [
          { source: 'a', answer: '81.2.69.142' },
          { source: 'b', error: 'timed out' },
        ],
        4,
        2,
      ),
    ).toMatchObject({ ok: false, reason: 'no-agreement' });
    expect(decide([{ source: 'a', answer: '10.0.0.1' }], 4, 1)).toMatchObject({ ok: false, reason: 'no-answer' });
  });

  it('compares IPv6 answers in canonical form', () => {
    const r = decide(
      [
        { source: 'a', answer: '2A00:1450:4001:082A:0000:0000:0000:200E' },
        { source: 'b', answer: '2a00:1450:4001:82a::200e' },
      ],
      6,
      2,
    );
    expect(r).toEqual({ ok: true, address: '2a00:1450:4001:82a::200e', agreeing: ['a', 'b'] });
    expect(normalisePublic('fd00::1', 6)).toBeUndefined();
    expect(normalisePublic('81.2.69.142', 6)).toBeUndefined();
  });
});
