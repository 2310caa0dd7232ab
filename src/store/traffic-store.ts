/**
 * Traffic history on disk (DATA_DIR/traffic/): state.json holds every peer's exact totals, last raw
 * counters, month usage, quota and notice settings (rewritten after each sample that changed something,
 * a few hundred bytes a peer); one fixed-size binary file per peer holds its rings (33 KB, see
 * src/core/traffic.ts TIERS), rewritten only when the sampler flushes. Both are replaced durably
 * (writeFileAtomic: write all, fsync, rename, fsync the directory). A ring file records the totals it
 * includes, so traffic counted after the last flush is put back into the rings at load, never twice.
 */
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyRing, TIERS, type Counters, type Ring, type TrafficRings, type TrafficState, type TrafficStore } from '../core/traffic.js';

import { writeFileAtomic } from './atomic-file.js';

const MAGIC = 0x57475452; // "WGTR"
const VERSION = 1;
const HEADER_BYTES = 4 + 4 + 8 * TIERS.length + 16;
export const RING_FILE_BYTES = HEADER_BYTES + TIERS.reduce((n, t) => n + t.slots * 8, 0);

const fileName = (publicKey: string) => `${Buffer.from(publicKey, 'base64').toString('base64url')}.bin`;

export function encodeRings(rings: TrafficRings): Buffer {
  const out = Buffer.alloc(RING_FILE_BYTES);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(VERSION, 4);
  let at = 8;
  for (const ring of rings.rings) {
    out.writeDoubleLE(ring.head, at);
    at += 8;
  }
  out.writeDoubleLE(rings.total.rx, at);
  out.writeDoubleLE(rings.total.tx, at + 8);
  at += 16;
  for (const ring of rings.rings) {
    Buffer.from(ring.values.buffer, ring.values.byteOffset, ring.values.byteLength).copy(out, at);
    at += ring.values.byteLength;
  }
  return out;
}

export function decodeRings(bytes: Buffer): TrafficRings | undefined {
  if (bytes.length !== RING_FILE_BYTES || bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== VERSION) return undefined;
  let at = 8;
  const heads = TIERS.map(() => {
    const h = bytes.readDoubleLE(at);
    at += 8;
    return h;
  });
  const total: Counters = { rx: bytes.readDoubleLE(at), tx: bytes.readDoubleLE(at + 8) };
  at += 16;
  const rings: Ring[] = TIERS.map((tier, i) => {
    const values = new Float32Array(tier.slots * 2);
    Buffer.from(values.buffer).set(bytes.subarray(at, at + values.byteLength));
    at += values.byteLength;
    return { head: heads[i]!, values };
  });
  return { rings, total };
}

export function openTrafficStore(dir: string): TrafficStore {
  const statePath = join(dir, 'state.json');
  return {
    async load() {
      try {
        return JSON.parse(await readFile(statePath, 'utf8')) as TrafficState;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    saveState: (state) => writeFileAtomic(statePath, JSON.stringify(state)),
    async readRings(publicKey) {
      try {
        const decoded = decodeRings(await readFile(join(dir, fileName(publicKey))));
        if (decoded) return decoded;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      return { rings: TIERS.map(emptyRing), total: { rx: 0, tx: 0 } };
    },
    writeRings: (publicKey, rings) => writeFileAtomic(join(dir, fileName(publicKey)), encodeRings(rings)),
    async removeRings(publicKey) {
      await rm(join(dir, fileName(publicKey)), { force: true });
    },
    async diskBytes() {
      const names = await readdir(dir).catch(() => [] as string[]);
      let n = 0;
      for (const name of names) n += (await stat(join(dir, name))).size;
      return n;
    },
  };
}
