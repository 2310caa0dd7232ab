/**
 * Restoring a backup: everything is checked first (code, integrity, versions, paths); then every file
 * is written atomically, and if one write fails the ones already written are put back as they were.
 */
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SECRET_VARIABLES } from '../config/index.js';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { parsePayload, type Area, type BackupPayload, type BackupRoots } from './archive.js';
import { decryptWith } from './crypto.js';

export interface RestoreResult {
  payload: Omit<BackupPayload, 'files'>;
  written: string[];
  /** Secret settings the restored settings file needs again (emptied in the backup). */
  missingSecrets: string[];
}

/** Keeps the secrets of the settings file already on this machine (a fresh install's tokens). */
function mergeSettings(restored: string, existing: string | undefined): { text: string; missing: string[] } {
  const secret = new Set<string>(SECRET_VARIABLES);
  const have = new Map<string, string>();
  for (const line of (existing ?? '').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=(.*)$/.exec(line);
    if (m && secret.has(m[1]!) && m[2]!.trim() !== '') have.set(m[1]!, line);
  }
  const missing: string[] = [];
  const text = restored
    .split('\n')
    .map((line) => {
      const m = /^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=\s*$/.exec(line);
      if (!m || !secret.has(m[1]!)) return line;
      const kept = have.get(m[1]!);
      if (kept) return kept;
      missing.push(m[1]!);
      return line;
    })
    .join('\n');
  return { text, missing };
}

/** Decrypts and checks a backup (code, integrity, versions, paths); writes nothing. A UserError says what is wrong. */
export async function openBackup(file: Uint8Array, code: string): Promise<BackupPayload> {
  return parsePayload(await decryptWith(code, file));
}

export interface RestoreFile {
  path: string;
  data: Buffer;
  mode: number;
  area: Area;
}

/** Where each file of the backup goes on this machine, with what it will hold (settings merged with the secrets here). */
export async function restoreFiles(payload: BackupPayload, roots: BackupRoots): Promise<{ files: RestoreFile[]; missingSecrets: string[] }> {
  const target = (area: Area, rel: string): string | undefined => {
    if (area === 'wireguard') return join(roots.wgConfigDir, rel);
    if (area === 'data') return join(roots.dataDir, rel);
    if (area === 'pivpn') return roots.pivpnDir ? join(roots.pivpnDir, rel) : undefined;
    return roots.envFile;
  };
  const files: RestoreFile[] = [];
  let missingSecrets: string[] = [];
  for (const f of payload.files) {
    const path = target(f.area, f.path);
    if (!path) continue;
    let data = Buffer.from(f.data, 'base64');
    if (f.area === 'settings') {
      const merged = mergeSettings(data.toString('utf8'), await readFile(path, 'utf8').catch(() => undefined));
      data = Buffer.from(merged.text);
      missingSecrets = merged.missing;
    }
    files.push({ path, data, area: f.area, mode: f.area === 'wireguard' || f.area === 'settings' ? 0o600 : f.mode & 0o600 || 0o600 });
  }
  return { files, missingSecrets };
}

/** Writes every file atomically; if one write fails, the ones already written are put back as they were. */
export async function writeRestoreFiles(files: readonly RestoreFile[]): Promise<void> {
  const undo: { path: string; before: Buffer | undefined }[] = [];
  try {
    for (const step of files) {
      const before = await readFile(step.path).catch(() => undefined);
      await mkdir(dirname(step.path), { recursive: true, mode: 0o700 });
      undo.push({ path: step.path, before });
      await writeFileAtomic(step.path, step.data, step.mode);
    }
  } catch (error) {
    for (const u of undo.reverse()) {
      await (u.before ? writeFileAtomic(u.path, u.before) : unlink(u.path)).catch(() => undefined);
    }
    throw new UserError('backup.restoreFailed', { detail: (error as Error).message }, { cause: error });
  }
}

export async function restoreBackup(file: Uint8Array, code: string, roots: BackupRoots): Promise<RestoreResult> {
  const payload = await openBackup(file, code);
  const { files, missingSecrets } = await restoreFiles(payload, roots);
  await writeRestoreFiles(files);
  const { files: _files, ...meta } = payload;
  return { payload: meta, written: files.map((p) => p.path), missingSecrets };
}
