import { readFile } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic-file.js';
import { cachingJsonEncoder, type JsonEncoder } from './json-encoder.js';
import type { JsonStore } from '../core/database.js';

/**
 * lowdb adapter: compact JSON (a 10,000-peer pretty-printed rewrite costs several times more),
 * atomic replace, mode 0600. We do not use JSONFilePreset: under NODE_ENV=test it silently keeps data in memory.
 */
class CompactJsonFile<T> implements Adapter<T> {
  /** Set by update() for its one write (lowdb's write() takes no options). */
  beforeReplace: Promise<unknown> | undefined;

  constructor(
    private readonly path: string,
    private readonly encoder: JsonEncoder,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new Error(`${this.path} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.path, this.encoder.encode(data), 0o600, this.beforeReplace);
  }
}

export type { JsonStore } from '../core/database.js';

/**
 * `recordDictionaries`: top-level keys of dictionaries whose records are only ever replaced whole, never
 * changed in place; their encodings are reused from one save to the next (see json-encoder.ts).
 */
export async function openJsonStore<T>(
  path: string,
  defaults: () => T,
  migrate: (raw: unknown) => T = (raw) => raw as T,
  recordDictionaries: readonly string[] = [],
): Promise<JsonStore<T>> {
  const encoder = cachingJsonEncoder(recordDictionaries);
  const records = new Set(recordDictionaries);
  const file = new CompactJsonFile<T>(path, encoder);
  const db = new Low<T>(file, defaults());
  await db.read();
  db.data = encoder.track(db.data === null || db.data === undefined ? defaults() : migrate(db.data));
  let queue: Promise<unknown> = Promise.resolve();
  let revision = 0;
  return {
    path,
    get data() {
      return db.data;
    },
    get revision() {
      return revision;
    },
    update(mutate, options) {
      const run = queue.then(async () => {
        // Memory must not run ahead of the disk: a failed write (a full disk) puts it back as it was.
        const before = snapshot(db.data, (key, value) => records.has(key) && encoder.tracks(value));
        const point = encoder.checkpoint();
        revision++; // also when it fails: memory changed and was put back
        try {
          const result = await mutate(db.data);
          file.beforeReplace = options?.beforeReplace;
          await db.write().finally(() => (file.beforeReplace = undefined));
          point.release();
          return result;
        } catch (error) {
          point.undo();
          restore(db.data, before);
          throw error;
        }
      });
      // Keep the chain alive after a failure; the caller still sees the error.
      queue = run.catch(() => undefined);
      return run;
    },
    stage(mutate) {
      revision++;
      mutate(db.data);
    },
  };
}

type Snapshot = Map<string, { value: unknown; members?: Map<string, { value: unknown; fields?: Record<string, unknown> }> }>;

/**
 * What update() needs to undo a mutation: each top-level value, each dictionary's members, and (for
 * dictionaries whose records may be edited in place) each record's own fields. The members of record
 * dictionaries (replaced whole, never edited) are not copied: the encoder's checkpoint notes only those that
 * change (copying 10,000 peers before every save made each /addpeer slower with every peer).
 */
function snapshot(data: unknown, checkpointed: (key: string, value: unknown) => boolean): Snapshot {
  const out: Snapshot = new Map();
  if (!isObject(data)) return out;
  for (const key of Object.keys(data)) {
    const value = data[key];
    if (!isObject(value)) {
      out.set(key, { value });
      continue;
    }
    if (checkpointed(key, value)) {
      out.set(key, { value });
      continue;
    }
    const members = new Map<string, { value: unknown; fields?: Record<string, unknown> }>();
    for (const k of Object.keys(value)) {
      const member = value[k];
      members.set(k, isObject(member) ? { value: member, fields: { ...member } } : { value: member });
    }
    out.set(key, { value, members });
  }
  return out;
}

function restore(data: unknown, before: Snapshot): void {
  if (!isObject(data)) return;
  for (const key of Object.keys(data)) if (!before.has(key)) delete data[key];
  for (const [key, { value, members }] of before) {
    if (data[key] !== value) data[key] = value;
    if (!members || !isObject(value)) continue;
    // The same dictionary object (the encoder's proxy): put its members back in place.
    for (const k of Object.keys(value)) if (!members.has(k)) delete value[k];
    for (const [k, m] of members) {
      if (value[k] !== m.value) value[k] = m.value;
      if (m.fields && isObject(m.value)) {
        const record = m.value;
        for (const f of Object.keys(record)) if (!(f in m.fields)) delete record[f];
        Object.assign(record, m.fields);
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
