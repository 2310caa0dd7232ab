/** Small file helpers shared by the PiVPN mirror and detection. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** An absolute system path under a root directory ("/" in production, a temp dir in tests). */
export function underRoot(root: string, path: string): string {
  return root === '/' || root === '' ? path : join(root, path);
}

export interface UserIds {
  uid: number;
  gid: number;
}

/** uid/gid of a user from ROOT/etc/passwd (read as text: no getpwnam in Node). */
export async function lookupUser(root: string, name: string): Promise<UserIds | undefined> {
  const passwd = await readIfExists(underRoot(root, '/etc/passwd'));
  for (const line of passwd?.split('\n') ?? []) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined && /^\d+$/.test(uid) && /^\d+$/.test(gid)) {
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  return undefined;
}
