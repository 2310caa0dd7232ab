import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replace a file durably and atomically: write every byte to a sibling temp file (mode 0600 from its
 * creation, so a secret is never world-readable even for a moment), fsync it, rename it over the target,
 * then fsync the directory so the rename itself survives a power cut. A kill -9 or a power loss at any
 * point leaves either the old or the new file, never a torn one; a full disk (ENOSPC), an I/O error or a
 * read-only file system fails the call and leaves the old file as it was. `beforeReplace` (a journal's intent
 * being written meanwhile) is awaited between the fsync and the rename.
 * `data` may be consecutive chunks of the content.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
  mode = 0o600,
  /** Awaited after the new content is on disk, before it replaces the file (a journal's intent); its failure leaves the old file. */
  beforeReplace?: Promise<unknown>,
): Promise<void> {
  const chunks: Uint8Array[] = typeof data === 'string' ? [Buffer.from(data)] : data instanceof Uint8Array ? [data] : [...data];
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  let handle: FileHandle;
  try {
    handle = await open(tmp, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // First write into a new directory (kept off the hot path: most writes replace an existing file).
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    handle = await open(tmp, 'wx', mode);
  }
  try {
    // Created with `mode` (a umask can only narrow it; 'wx' never reuses an existing file).
    await writeAll(handle, chunks);
    await handle.sync();
    await beforeReplace;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * Consecutive chunks go out in writev calls (a large file that only grew is not copied together first);
 * a short write (the kernel took only part, e.g. at the edge of a full disk) continues where it stopped.
 */
export async function writeAll(handle: FileHandle, chunks: readonly Uint8Array[], position = 0): Promise<number> {
  let rest = chunks.filter((c) => c.length > 0);
  let at = position;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, at);
    if (bytesWritten <= 0) throw Object.assign(new Error(`write returned ${bytesWritten} bytes`), { code: 'EIO' });
    at += bytesWritten;
    rest = dropBytes(rest, bytesWritten);
  }
  return at - position;
}

function dropBytes(chunks: readonly Uint8Array[], count: number): Uint8Array[] {
  let left = count;
  const out: Uint8Array[] = [];
  for (const chunk of chunks) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    out.push(left > 0 ? chunk.subarray(left) : chunk);
    left = 0;
  }
  return out;
}

/** fsync a directory, so a rename or a new file in it is on disk. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory (EINVAL); the rename is then as durable as they make it.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}
