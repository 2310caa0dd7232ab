/**
 * Room for a change, checked before anything is written: a change rewrites the database and the interface
 * config file whole (temp file, then rename), so each file system must have room for a second copy of
 * what it holds, plus a margin. Refusing up front keeps "nothing was changed" simple on a full SD card:
 * a rollback would need room too. (A write failing anyway, e.g. in a race, is still rolled back.)
 */
import { stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

export const SPACE_MARGIN_BYTES = 64 * 1024;

export function spaceGuard(files: readonly string[], margin = SPACE_MARGIN_BYTES): () => Promise<void> {
  return async () => {
    const need = new Map<number, { dir: string; bytes: number }>();
    for (const file of files) {
      const dir = dirname(file);
      const [info, size] = await Promise.all([
        stat(dir),
        stat(file).then(
          (s) => s.size,
          () => 0,
        ),
      ]);
      const entry = need.get(info.dev) ?? { dir, bytes: margin };
      entry.bytes += size;
      need.set(info.dev, entry);
    }
    for (const { dir, bytes } of need.values()) {
      const fs = await statfs(dir);
      const free = Number(fs.bavail) * Number(fs.bsize);
      if (free < bytes) {
        throw Object.assign(new Error(`${dir}: ${free} bytes free, a change needs ${bytes}`), { code: 'ENOSPC' });
      }
    }
  };
}
