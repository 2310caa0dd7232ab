/**
 * The schedule of secret-message deletions, kept as an append-only log of JSON lines: adding,
 * rescheduling or finishing one entry appends one short line (written and fsynced, in batches), it
 * never rewrites the others. When finished lines outnumber live ones the log is compacted: the live
 * entries are written to a temp file, fsynced, renamed over the log, and the directory fsynced.
 *
 * A torn last line (a crash mid-append) is ignored at load; the entry it held is either the previous
 * version of itself or absent, both of which the scheduler handles (a deletion is never lost for good:
 * at worst a message is tried once more, and a missing message counts as deleted).
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The message to delete, as the chat layer sent it (its SentRef). */
export interface MessageToDelete {
  platform: string;
  chatId: string;
  messageId: string;
  /** The user key the message went to (told if the deletion fails for good). */
  recipient: string;
}

export interface DeletionEntry extends MessageToDelete {
  /** One message, one id: platform:chatId:messageId. */
  id: string;
  /** When to try next (epoch ms). */
  at: number;
  /** When the message was sent (epoch ms): the platform's time limit counts from here. */
  sentAt: number;
  /** Failed attempts so far. */
  attempts: number;
}

type Line = { put: DeletionEntry } | { done: string };

export const deletionId = (r: MessageToDelete): string => `${r.platform}:${r.chatId}:${r.messageId}`;

export interface DeletionLogOptions {
  /** Compact when finished lines exceed both this and the number of live entries. */
  compactAfter?: number;
  onWarning?: (message: string) => void;
}

export class DeletionLog {
  private handle: FileHandle | undefined;
  private queue: string[] = [];
  private flushing: Promise<void> | undefined;
  private dead = 0;
  private closed = false;

  private constructor(
    private readonly path: string,
    readonly entries: Map<string, DeletionEntry>,
    dead: number,
    private readonly options: DeletionLogOptions,
  ) {
    this.dead = dead;
  }

  /** Load the log (and, once, the whole-file deletions.json of older versions, given as `legacy`). */
  static async open(
    path: string,
    options: DeletionLogOptions = {},
    legacy?: { path: string; entries: () => Promise<(MessageToDelete & { at: number })[]> },
  ): Promise<DeletionLog> {
    const entries = new Map<string, DeletionEntry>();
    let dead = 0;
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      if (raw.trim() === '') return;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        // The last line may be torn by a crash mid-append; any other bad line is reported and skipped.
        if (i < lines.length - 1 && !(i === lines.length - 2 && lines[lines.length - 1] === ''))
          options.onWarning?.(`${path}:${i + 1}: unreadable line skipped`);
        return;
      }
      if ('put' in line && line.put && typeof line.put.id === 'string') {
        if (entries.has(line.put.id)) dead++;
        entries.set(line.put.id, line.put);
      } else if ('done' in line && typeof line.done === 'string') {
        if (entries.delete(line.done)) dead++;
        dead++;
      }
    });
    const log = new DeletionLog(path, entries, dead, options);
    if (legacy) {
      const old = await legacy.entries().catch(() => []);
      for (const r of old) {
        const e: DeletionEntry = {
          platform: r.platform,
          chatId: r.chatId,
          messageId: r.messageId,
          recipient: r.recipient,
          id: deletionId(r),
          at: r.at,
          sentAt: r.at,
          attempts: 0,
        };
        if (!entries.has(e.id)) log.put(e);
      }
      await log.flush();
      await rm(legacy.path, { force: true });
    }
    return log;
  }

  /** Add or reschedule an entry (durable once `flush()` resolves). */
  put(entry: DeletionEntry): void {
    if (this.entries.has(entry.id)) this.dead++;
    this.entries.set(entry.id, entry);
    this.append(JSON.stringify({ put: entry }));
  }

  /** Finish an entry: deleted, or given up on. */
  done(id: string): void {
    if (!this.entries.delete(id)) return;
    this.dead += 2;
    this.append(JSON.stringify({ done: id }));
  }

  /** Resolves when everything put or done so far is on disk. */
  async flush(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) this.flushing = this.writeQueued().finally(() => (this.flushing = undefined));
      await this.flushing;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.handle?.close();
    this.handle = undefined;
  }

  private append(line: string): void {
    if (this.closed) throw new Error('deletion log is closed');
    this.queue.push(line);
  }

  private async writeQueued(): Promise<void> {
    const lines = this.queue;
    this.queue = [];
    if (lines.length === 0) return;
    try {
      const limit = this.options.compactAfter ?? 1000;
      if (this.dead > limit && this.dead > this.entries.size) {
        await this.compact();
        return;
      }
      // Opened per batch, not held: a file open for writing would stop the disk being remounted read-only.
      const handle = await open(this.path, 'a', 0o600);
      try {
        const data = Buffer.from(`${lines.join('\n')}\n`);
        let offset = 0;
        while (offset < data.length) offset += (await handle.write(data, offset)).bytesWritten;
        await handle.datasync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      // Kept for the next flush (a full disk may clear); the caller hears of it now.
      this.queue.unshift(...lines);
      throw error;
    }
  }

  /** Rewrite the log with only the live entries (what memory holds already includes the queued lines). */
  private async compact(): Promise<void> {
    const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    const body = Buffer.from([...this.entries.values()].map((e) => `${JSON.stringify({ put: e })}\n`).join(''));
    const fh = await open(tmp, 'wx', 0o600);
    try {
      let offset = 0;
      while (offset < body.length) offset += (await fh.write(body, offset)).bytesWritten;
      await fh.sync();
    } catch (error) {
      await fh.close();
      await rm(tmp, { force: true });
      throw error;
    } finally {
      await fh.close().catch(() => undefined);
    }
    await this.handle?.close();
    this.handle = undefined;
    await rename(tmp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.dead = 0;
  }
}
