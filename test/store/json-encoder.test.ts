import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/store/atomic-file.js';
import { openBotDb } from '../../src/store/bot-db.js';
import { cachingJsonEncoder } from '../../src/store/json-encoder.js';

const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');

/** What can happen to a document between two saves. */
type Op =
  | { kind: 'set'; key: string; value: unknown }
  | { kind: 'delete'; key: string }
  | { kind: 'replaceDictionary'; entries: Record<string, unknown> }
  | { kind: 'setTop'; value: unknown };

const keyArb = fc.oneof(fc.constantFrom('laptop', 'phone', 'p1', '7', '0', '__proto__', 'constructor', 'ノート'), fc.string({ maxLength: 6 }));
const valueArb = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)), { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(undefined),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), key: keyArb, value: valueArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: keyArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('replaceDictionary' as const), entries: fc.dictionary(keyArb, valueArb, { maxKeys: 4 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('setTop' as const), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)) }),
  },
);

describe('cachingJsonEncoder', () => {
  it('after any changes, saves exactly what JSON.stringify writes (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(keyArb, valueArb, { maxKeys: 5 }), fc.array(fc.array(opArb, { maxLength: 5 }), { maxLength: 6 }), (initial, batches) => {
        const encoder = cachingJsonEncoder(['peers']);
        const doc = encoder.track<{ version: number; peers: Record<string, unknown>; pending?: unknown }>({
          version: 1,
          peers: Object.assign(Object.create(null), initial),
        });
        expect(text(encoder.encode(doc))).toBe(JSON.stringify(doc));
        for (const batch of batches) {
          for (const op of batch) {
            if (op.kind === 'set') doc.peers[op.key] = op.value;
            else if (op.kind === 'delete') delete doc.peers[op.key];
            else if (op.kind === 'replaceDictionary') doc.peers = Object.assign(Object.create(null), op.entries);
            else doc.pending = op.value;
          }
          expect(text(encoder.encode(doc))).toBe(JSON.stringify(doc));
        }
      }),
    );
  });

  it('a checkpoint undone puts every changed record back, and the next save is again what JSON.stringify writes (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(keyArb, valueArb, { maxKeys: 5 }),
        fc.array(fc.record({ ops: fc.array(opArb, { maxLength: 5 }), fail: fc.boolean() }), { maxLength: 6 }),
        (initial, batches) => {
          const encoder = cachingJsonEncoder(['peers']);
          const doc = encoder.track<{ version: number; peers: Record<string, unknown>; pending?: unknown }>({
            version: 1,
            peers: Object.assign(Object.create(null), initial),
          });
          for (const { ops, fail } of batches) {
            // As JsonStore.update does: the top level by hand, the tracked dictionary's members by the checkpoint.
            const before: unknown = JSON.parse(JSON.stringify(doc));
            const top = { peers: doc.peers, pending: doc.pending, had: 'pending' in doc };
            const copied = encoder.tracks(doc.peers) ? undefined : (Object.assign(Object.create(null), doc.peers) as Record<string, unknown>);
            const point = encoder.checkpoint();
            for (const op of ops) {
              if (op.kind === 'set') doc.peers[op.key] = op.value;
              else if (op.kind === 'delete') delete doc.peers[op.key];
              else if (op.kind === 'replaceDictionary') doc.peers = Object.assign(Object.create(null), op.entries);
              else doc.pending = op.value;
            }
            if (fail) {
              point.undo();
              doc.peers = top.peers;
              if (copied) for (const k of Object.keys(doc.peers)) if (!Object.hasOwn(copied, k)) delete doc.peers[k];
              if (copied) Object.assign(doc.peers, copied);
              if (top.had) doc.pending = top.pending;
              else delete doc.pending;
              // The same members (a deleted one put back comes last: JSON key order may differ).
              expect(JSON.parse(JSON.stringify(doc))).toEqual(before);
            } else point.release();
            expect(text(encoder.encode(doc))).toBe(JSON.stringify(doc));
          }
        },
      ),
    );
  });

  it('anything that is not an object is encoded as JSON.stringify does', () => {
    const encoder = cachingJsonEncoder(['peers']);
    for (const other of [null, 3, 'x', [1, { a: 2 }], new Date(0)]) expect(text(encoder.encode(other))).toBe(JSON.stringify(other));
  });

  it('an add reuses the bytes of every other record', () => {
    const encoder = cachingJsonEncoder(['peers']);
    const doc = encoder.track({ peers: Object.create(null) as Record<string, object> });
    for (let i = 0; i < 100; i++) doc.peers[`p${i}`] = { owner: 'a' };
    const first = encoder.encode(doc);
    doc.peers.p100 = { owner: 'b' };
    const second = encoder.encode(doc);
    // Chunks: `{`, `"peers":{`, one per member, `}`, `}`. The old members are the very same buffers, not
    // copies (nor one copy of them all); only the new record was encoded.
    expect(first).toHaveLength(2 + 100 + 2);
    expect(second).toHaveLength(first.length + 1);
    for (let i = 2; i < 102; i++) expect(second[i]).toBe(first[i]);
    expect(second[102]!.toString()).toBe(',"p100":{"owner":"b"}');
    expect(text(second)).toBe(JSON.stringify(doc));
  });
});

describe('the database on disk', () => {
  it('after many adds, a removal and a replacement, the file is the JSON of the data', async () => {
    const d = mkdtempSync(join(tmpdir(), 'wgc-enc-'));
    const db = await openBotDb(join(d, 'db.json'));
    const record = (i: number, owner = 'o') => ({ name: `p${i}`, publicKey: `k${i}`, owner, createdAt: '2026-11-27T00:00:00.000Z' });
    for (let i = 0; i < 100; i++) {
      await db.update((data) => {
        data.peers[`p${i}`] = record(i);
        data.trash[`t${i}`] = {
          token: `t${i}`,
          entry: { name: `p${i}`, publicKey: `k${i}`, allowedIps: ['10.6.0.2/32'], enabled: true },
          revokedAt: 'x',
          revokedBy: 'y',
          expiresAt: 'z',
        };
      });
    }
    const onDisk = () => readFileSync(join(d, 'db.json'), 'utf8');
    expect(onDisk()).toBe(JSON.stringify(db.data));
    await db.update((data) => {
      delete data.peers.p7;
      data.peers.p8 = record(8, 'someone else');
      data.trash = Object.create(null) as typeof data.trash;
    });
    expect(onDisk()).toBe(JSON.stringify(db.data));
    const reopened = await openBotDb(join(d, 'db.json'));
    expect(Object.keys(reopened.data.peers)).toHaveLength(99);
    expect(reopened.data.peers.p8?.owner).toBe('someone else');
  });
});

describe('writeFileAtomic with chunks', () => {
  it('writes every chunk, in order, however many there are', async () => {
    const d = mkdtempSync(join(tmpdir(), 'wgc-chunks-'));
    const chunks = Array.from({ length: 3000 }, (_, i) => Buffer.from(`line ${i}\n`));
    await writeFileAtomic(join(d, 'f'), chunks);
    expect(readFileSync(join(d, 'f'))).toEqual(Buffer.concat(chunks));
  });
});
