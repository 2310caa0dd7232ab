/**
 * The change journal: a small file of two fixed-size slots, written in place (pwrite + fdatasync).
 *
 * A record is the change, its sequence number and where it stands (begun, done, undoing, undone). A new
 * change goes to the slot its sequence number picks, so the previous record is intact while the new one
 * is written; marking a change rewrites its own slot. Each slot carries a SHA-256 of its content, so a
 * write torn by a power cut is recognised and ignored (the other slot's record then counts: a torn
 * "begun" means nothing else had started; a torn "done" or "undone" means the change had finished).
 *
 * The file is written whole (zeros) when it is created, and later writes only overwrite those bytes: on
 * a full disk a change can still be marked failed. Mode 0600: a record may hold a client's private key
 * (KEEP_CLIENT_KEYS), as the database does.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ChangeJournal, JournalRecord, JournalState } from '../core/ports.js';
import { syncDirectory, writeAll } from './atomic-file.js';

export const SLOT_BYTES = 8192;
const MAGIC = 'WGCJ1';

export async function openJournal(path: string): Promise<ChangeJournal & { close(): Promise<void> }> {
  let handle: FileHandle | undefined;
  let newest: JournalRecord | undefined;
  let loaded = false;

  /** Opened lazily and again after a failure: a bot started on a full disk still serves read-only commands. */
  const file = async (): Promise<FileHandle> => {
    if (handle) return handle;
    let h: FileHandle;
    try {
      h = await open(path, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      h = await create(path);
    }
    const size = (await h.stat()).size;
    if (size < 2 * SLOT_BYTES) {
      // Torn creation (killed while zeroing): fill it up.
      try {
        await writeAll(h, [Buffer.alloc(2 * SLOT_BYTES - size)], size);
        await h.sync();
      } catch (error) {
        await h.close();
        throw error;
      }
    }
    handle = h;
    return h;
  };

  const read = async (): Promise<JournalRecord | undefined> => {
    if (loaded) return newest;
    let h: FileHandle;
    try {
      h = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        loaded = true;
        return undefined;
      }
      throw error;
    }
    try {
      const buffer = Buffer.alloc(2 * SLOT_BYTES);
      const { bytesRead } = await h.read(buffer, 0, buffer.length, 0);
      const records = [0, 1].map((slot) => decode(buffer.subarray(slot * SLOT_BYTES, Math.min(bytesRead, (slot + 1) * SLOT_BYTES))));
      newest = records.filter((r): r is JournalRecord => r !== undefined).sort((a, b) => b.seq - a.seq)[0];
      loaded = true;
      return newest;
    } finally {
      await h.close();
    }
  };

  const write = async (record: JournalRecord): Promise<void> => {
    const bytes = encode(record);
    // Opened for each record and closed again: no file stays open for writing (a read-only remount works).
    const h = await file();
    handle = undefined;
    try {
      await writeAll(h, [bytes], (record.seq % 2) * SLOT_BYTES);
      await h.datasync();
    } finally {
      await h.close().catch(() => undefined);
    }
    newest = record;
  };

  // One operation at a time, in call order: a mark still being written is on disk before the next begin.
  let queue: Promise<unknown> = Promise.resolve();
  const queued = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    last: () => queued(read),
    begin: (change) =>
      queued(async () => {
        const previous = await read();
        const record: JournalRecord = { seq: (previous?.seq ?? 0) + 1, state: 'begun', change };
        await write(record);
        return record.seq;
      }),
    mark: (seq, state: Exclude<JournalState, 'begun'>) =>
      queued(async () => {
        const current = await read();
        if (!current || current.seq !== seq) throw new Error(`journal: record ${seq} is not the newest (${current?.seq ?? 'none'})`);
        await write({ ...current, state });
      }),
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}

async function create(path: string): Promise<FileHandle> {
  const tmp = await open(path, 'wx', 0o600).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') return open(path, 'r+');
    throw error;
  });
  try {
    await writeAll(tmp, [Buffer.alloc(2 * SLOT_BYTES)]);
    await tmp.sync();
    await syncDirectory(dirname(path));
  } catch (error) {
    await tmp.close();
    throw error;
  }
  return tmp;
}

/** `MAGIC seq length sha256\n` + JSON, zero-padded to the slot. */
export function encode(record: JournalRecord): Buffer {
  const body = Buffer.from(JSON.stringify(record));
  const head = Buffer.from(`${MAGIC} ${record.seq} ${body.length} ${createHash('sha256').update(body).digest('hex')}\n`);
  if (head.length + body.length > SLOT_BYTES) throw new Error(`journal: a record of ${body.length} bytes does not fit a slot`);
  const slot = Buffer.alloc(SLOT_BYTES);
  head.copy(slot, 0);
  body.copy(slot, head.length);
  return slot;
}

export function decode(slot: Buffer): JournalRecord | undefined {
  const newline = slot.indexOf(10);
  if (newline < 0 || newline > 120) return undefined;
  const m = /^WGCJ1 (\d+) (\d+) ([0-9a-f]{64})$/.exec(slot.subarray(0, newline).toString('latin1'));
  if (!m) return undefined;
  const length = Number(m[2]);
  const body = slot.subarray(newline + 1, newline + 1 + length);
  if (body.length !== length || createHash('sha256').update(body).digest('hex') !== m[3]) return undefined;
  try {
    const record = JSON.parse(body.toString('utf8')) as JournalRecord;
    return record.seq === Number(m[1]) ? record : undefined;
  } catch {
    return undefined;
  }
}
