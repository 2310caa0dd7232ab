/**
 * Compact JSON, byte for byte what JSON.stringify writes, for a document whose bulk is a few large
 * dictionaries of records that are replaced, never changed in place (the database's peers).
 *
 * Saving 10,000 peers after one /addpeer should not cost 10,000 peers of work. So each such dictionary
 * is handed out behind a Proxy that notes which keys are set or deleted; when only new keys were added,
 * the bytes written last time are reused and the new records appended. Any other change (a replaced or
 * deleted record) re-assembles the dictionary from each record's cached bytes (by object identity), so
 * a record is encoded once in its life. The result is the content in consecutive chunks (writev): the
 * records' own cached bytes, never copied together (a copy per save of a 3,000-record trash was 1.5 MB of
 * malloc a revoke, and the freed blocks left the heap fragmented: RSS grew while the JS heap did not).
 */

export interface JsonEncoder {
  /** Put the tracked dictionaries of `data` behind their change-noting proxies (in place). */
  track<T>(data: T): T;
  encode(data: unknown): Buffer[];
  /**
   * From now on, note the value each key of a tracked dictionary had before its first change; `undo()` puts
   * them back (a failed save), `release()` stops noting. So undoing one /addpeer costs one record, not 10,000.
   */
  checkpoint(): { undo(): void; release(): void };
  /** Whether `value` is a dictionary this encoder tracks (its proxy): only those are covered by checkpoint(). */
  tracks(value: unknown): boolean;
}

const OPEN = Buffer.from('{');
const CLOSE = Buffer.from('}');

/** `dictionaries`: top-level keys whose records may be cached. Any other value is encoded afresh each time. */
export function cachingJsonEncoder(dictionaries: readonly string[]): JsonEncoder {
  const cached = new Map(dictionaries.map((key) => [key, new CachedDictionary()]));
  return {
    track(data) {
      const doc: unknown = data;
      if (isPlainObject(doc)) for (const [key, dict] of cached) if (isPlainObject(doc[key])) doc[key] = dict.track(doc[key]);
      return data;
    },
    encode(data) {
      if (!isPlainObject(data)) return [Buffer.from(JSON.stringify(data))];
      const chunks: Buffer[] = [OPEN];
      let members = 0;
      for (const key of Object.keys(data)) {
        const separator = members > 0 ? ',' : '';
        const dict = cached.get(key);
        const body = dict?.chunks(data[key]);
        if (body) {
          chunks.push(Buffer.from(`${separator}${JSON.stringify(key)}:{`));
          for (const chunk of body) chunks.push(chunk); // not push(...body): 100,000 arguments overflow the stack
          chunks.push(CLOSE);
          members++;
          continue;
        }
        const member = encodeMember(key, data[key]);
        if (member === undefined) continue;
        chunks.push(Buffer.from(separator + member));
        members++;
      }
      chunks.push(CLOSE);
      return chunks;
    },
    tracks: (value) => [...cached.values()].some((dict) => dict.isProxy(value)),
    checkpoint() {
      const points = [...cached.values()].map((dict) => dict.checkpoint());
      return {
        undo: () => points.forEach((p) => p.undo()),
        release: () => points.forEach((p) => p.release()),
      };
    },
  };
}

/** One tracked dictionary: its proxy, what changed since the last save, and the bytes of that save. */
class CachedDictionary {
  private proxy: object | undefined;
  /** Keys added since the last save (not present before), in order. */
  private appended: string[] = [];
  /** A key was deleted or an existing one replaced since the last save: re-assemble. */
  private reshaped = true;
  private body: Buffer[] = [];
  private members = 0;
  private readonly memo = new WeakMap<object, { key: string; bytes: Buffer }>();
  private target: Record<string, unknown> = {};
  /** While a checkpoint is open: each changed key's value before its first change (had: it existed). */
  private undoLog: Map<string, { had: boolean; value: unknown }> | undefined;

  track(dict: Record<string, unknown>): Record<string, unknown> {
    this.reshaped = true;
    this.target = dict;
    const proxy = new Proxy(dict, {
      set: (target, key, value) => {
        if (typeof key === 'string') this.noteSet(target, key);
        return Reflect.set(target, key, value);
      },
      defineProperty: (target, key, descriptor) => {
        if (typeof key === 'string') this.noteSet(target, key);
        return Reflect.defineProperty(target, key, descriptor);
      },
      deleteProperty: (target, key) => {
        if (typeof key === 'string' && Object.hasOwn(target, key)) {
          this.noteUndo(target, key);
          this.reshaped = true;
        }
        return Reflect.deleteProperty(target, key);
      },
    });
    this.proxy = proxy;
    return proxy;
  }

  isProxy(value: unknown): boolean {
    return value !== undefined && value === this.proxy;
  }

  checkpoint(): { undo(): void; release(): void } {
    const log = new Map<string, { had: boolean; value: unknown }>();
    this.undoLog = log;
    const release = () => {
      if (this.undoLog === log) this.undoLog = undefined;
    };
    return {
      release,
      undo: () => {
        release();
        // Straight on the dictionary, not through the proxy (nothing to note); the next save re-assembles it.
        for (const [key, was] of log) {
          if (was.had) this.target[key] = was.value;
          else delete this.target[key];
        }
        this.appended = [];
        this.reshaped = true;
      },
    };
  }

  private noteUndo(target: Record<string, unknown>, key: string): void {
    if (this.undoLog && !this.undoLog.has(key)) this.undoLog.set(key, { had: Object.hasOwn(target, key), value: target[key] });
  }

  /** The dictionary's members, or undefined when `value` is not the dictionary this tracks (encode it plainly). */
  chunks(value: unknown): Buffer[] | undefined {
    if (value === undefined || value !== this.proxy) return undefined;
    // Read from the dictionary behind the proxy: Object.keys through a proxy asks for every key's property
    // descriptor (an object each), which was most of what a revoke allocated here.
    const dict = this.target;
    if (this.reshaped || this.appended.some(isArrayIndex)) {
      // Array-index keys sort first in an object: only Object.keys knows the order then.
      this.assemble(dict, Object.keys(dict));
    } else if (this.appended.length > 0) {
      // In place: encode() copies the list into the document's chunks, so a write in flight keeps its own.
      for (const chunk of this.entries(dict, this.appended, this.members)) this.body.push(chunk);
    }
    this.appended = [];
    this.reshaped = false;
    return this.body;
  }

  private noteSet(target: Record<string, unknown>, key: string): void {
    this.noteUndo(target, key);
    if (Object.hasOwn(target, key)) this.reshaped = true;
    else this.appended.push(key);
  }

  private assemble(dict: Record<string, unknown>, keys: string[]): void {
    this.members = 0;
    this.body = this.entries(dict, keys, 0);
  }

  /** Bytes of these members (`,` first unless it is the very first member); counts them in. */
  private entries(dict: Record<string, unknown>, keys: readonly string[], before: number): Buffer[] {
    const out: Buffer[] = [];
    let count = before;
    for (const key of keys) {
      const bytes = this.memberBytes(key, dict[key]);
      if (!bytes) continue;
      out.push(count === 0 ? bytes.subarray(1) : bytes);
      count++;
    }
    this.members = count;
    return out;
  }

  /** `,"key":{…}`, cached per record object (the key is checked: a record moved to another key is encoded again). */
  private memberBytes(key: string, record: unknown): Buffer | undefined {
    const cacheable = typeof record === 'object' && record !== null;
    const hit = cacheable ? this.memo.get(record) : undefined;
    if (hit?.key === key) return hit.bytes;
    const member = encodeMember(key, record);
    if (member === undefined) return undefined;
    const text = `,${member}`;
    // Not Buffer.from: a small one is a slice of Node's shared 8 KiB pool, and a record kept for the life of
    // the process would keep its whole slab alive (measured: 8 KiB of RSS per peer added while running).
    const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
    bytes.write(text);
    if (cacheable) this.memo.set(record, { key, bytes });
    return bytes;
  }
}

/** `"key":value`, or undefined where JSON.stringify leaves the member out (undefined, functions, symbols). */
function encodeMember(key: string, value: unknown): string | undefined {
  const json = JSON.stringify(value) as string | undefined;
  return json === undefined ? undefined : `${JSON.stringify(key)}:${json}`;
}

const isArrayIndex = (key: string): boolean => /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
