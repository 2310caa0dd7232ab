import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replace a file atomically: write a sibling temp file (mode 0600 from its creation, so a secret is
 * never world-readable even for a moment), then rename over the target. A kill -9 at any point leaves
 * either the old or the new file, never a torn one. `data` may be consecutive chunks of the content.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[], mode = 0o600): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  let handle;
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
    // Consecutive chunks go out in one writev: a large file that only grew is not copied together first.
    if (Array.isArray(data)) await handle.writev(data as Uint8Array[]);
    else await handle.writeFile(data as string | Uint8Array);
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
