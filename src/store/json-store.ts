import { readFile } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic-file.js';
import { cachingJsonEncoder, type JsonEncoder } from './json-encoder.js';

/**
 * lowdb adapter: compact JSON (a 10,000-peer pretty-printed rewrite costs several times more),
 * atomic replace, mode 0600. We do not use JSONFilePreset: under NODE_ENV=test it silently keeps data in memory.
 */
class CompactJsonFile<T> implements Adapter<T> {
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
    await writeFileAtomic(this.path, this.encoder.encode(data));
  }
}

/** A JSON document on disk whose every change is serialised and written atomically. */
export interface JsonStore<T> {
  readonly path: string;
  /** The current data. Treat as read-only; change it through update(). */
  readonly data: T;
  /** Run one mutation at a time (never two /addpeer with the same address) and persist it. */
  update<R>(mutate: (data: T) => R | Promise<R>): Promise<R>;
  /**
   * Change something in memory only; it is saved with the next update(). For bookkeeping that must not
   * make a read-only command write to disk (e.g. remembering a user's language).
   */
  stage(mutate: (data: T) => void): void;
}

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
  const db = new Low<T>(new CompactJsonFile<T>(path, encoder), defaults());
  await db.read();
  db.data = encoder.track(db.data === null || db.data === undefined ? defaults() : migrate(db.data));
  let queue: Promise<unknown> = Promise.resolve();
  return {
    path,
    get data() {
      return db.data;
    },
    update(mutate) {
      const run = queue.then(async () => {
        const result = await mutate(db.data);
        await db.write();
        return result;
      });
      // Keep the chain alive after a failure; the caller still sees the error.
      queue = run.catch(() => undefined);
      return run;
    },
    stage(mutate) {
      mutate(db.data);
    },
  };
}
