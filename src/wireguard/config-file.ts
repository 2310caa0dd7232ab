import { readFile, stat } from 'node:fs/promises';
import type { InterfaceConfigFile } from '../core/ports.js';
import { writeFileAtomic } from '../store/atomic-file.js';

export function interfaceConfigFile(path: string): InterfaceConfigFile {
  return {
    path,
    async read() {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    write: (chunks, beforeReplace) => writeFileAtomic(path, chunks, 0o600, beforeReplace),
    async stamp() {
      try {
        const s = await stat(path);
        return `${s.mtimeMs}:${s.size}:${s.ino}`;
      } catch {
        return 'missing';
      }
    },
  };
}
