/**
 * What a backup holds, and reading it back: the interface config and keys (WG_CONFIG_DIR), the bot's
 * data (DATA_DIR: database, deletion schedule, DDNS state, the backup recipient), PiVPN's setupVars when
 * adopted, and the bot's settings file with the chat tokens and other secrets emptied. A JSON payload,
 * encrypted with age (crypto.ts), which also authenticates it: a truncated or altered file does not open.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, posix } from 'node:path';
import { SECRET_VARIABLES } from '../config/index.js';
import { UserError } from '../core/errors.js';
import { SCHEMA_VERSION } from '../store/bot-db.js';

export const BACKUP_FORMAT = 'wg-chatops-backup';
export const BACKUP_FORMAT_VERSION = 1;
/** Files bigger than this are left out (logs); a backup must fit a chat message. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type Area = 'wireguard' | 'data' | 'pivpn' | 'settings';

export interface BackupEntry {
  area: Area;
  /** Relative to the area's directory, "/"-separated, never "..". */
  path: string;
  mode: number;
  data: string; // base64
}

export interface BackupPayload {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  /** The database schema version (src/store/bot-db.ts); a newer one is refused at restore. */
  schemaVersion: number;
  appVersion: string;
  createdAt: string;
  hostname: string;
  interfaceName: string;
  files: BackupEntry[];
}

/** Where each area lives on this machine. */
export interface BackupRoots {
  wgConfigDir: string;
  dataDir: string;
  /** PiVPN's directory (/etc/pivpn/wireguard) when adopted. */
  pivpnDir?: string;
  /** The bot's settings file (.env). */
  envFile?: string;
  /**
   * The settings as .env text when the file cannot be read: the service reads /etc/wg-chatops/.env through
   * systemd (root only), so the running bot gives the settings it was started with instead.
   */
  settingsText?: () => string;
}

/** DATA_DIR entries that are not state: the offline trial, temp files, health bookkeeping, earlier backups. */
const skipData = (rel: string) => rel.startsWith('trial/') || rel.startsWith('backups/') || rel.endsWith('.tmp') || rel === 'health.json' || /\.bak$/.test(rel);

async function walk(dir: string, skip: (rel: string) => boolean, rel = '', depth = 0): Promise<{ rel: string; abs: string; mode: number }[]> {
  const out: { rel: string; abs: string; mode: number }[] = [];
  const names = await readdir(join(dir, rel)).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const abs = join(dir, r);
    const s = await lstat(abs);
    if (s.isDirectory() && depth < 4 && !skip(`${r}/`)) out.push(...(await walk(dir, skip, r, depth + 1)));
    else if (s.isFile() && s.size <= MAX_FILE_BYTES && !skip(r)) out.push({ rel: r, abs, mode: s.mode & 0o777 });
  }
  return out;
}

/** The settings file with every secret's value emptied (the restore asks for them again). */
export function withoutSecrets(envText: string): string {
  const secret = new Set<string>(SECRET_VARIABLES);
  return envText
    .split('\n')
    .map((line) => {
      // Commented-out values too: an old token in a comment is still a token.
      const m = /^(\s*(?:#\s*)?(?:export\s+)?)([A-Z][A-Z0-9_]*)\s*=/.exec(line);
      return m && secret.has(m[2]!) ? `${m[1]}${m[2]}=` : line;
    })
    .join('\n');
}

export async function collectBackup(roots: BackupRoots, meta: { appVersion: string; interfaceName: string; now: Date }): Promise<BackupPayload> {
  const files: BackupEntry[] = [];
  const add = async (area: Area, rel: string, abs: string, mode: number, transform?: (s: string) => string) => {
    const bytes = await readFile(abs);
    const data = transform ? Buffer.from(transform(bytes.toString('utf8'))) : bytes;
    files.push({ area, path: rel, mode, data: data.toString('base64') });
  };
  for (const f of await walk(roots.wgConfigDir, () => false)) await add('wireguard', f.rel, f.abs, f.mode);
  for (const f of await walk(roots.dataDir, skipData)) await add('data', f.rel, f.abs, f.mode);
  if (roots.pivpnDir) for (const f of await walk(roots.pivpnDir, () => false)) await add('pivpn', f.rel, f.abs, f.mode);
  if (roots.envFile) {
    const s = await lstat(roots.envFile).catch(() => undefined);
    const text = s?.isFile() ? await readFile(roots.envFile, 'utf8').catch(() => undefined) : undefined;
    const settings = text ?? roots.settingsText?.();
    if (settings !== undefined)
      files.push({ area: 'settings', path: posix.basename(roots.envFile), mode: 0o600, data: Buffer.from(withoutSecrets(settings)).toString('base64') });
  }
  if (!files.some((f) => f.area === 'wireguard' && f.path === `${meta.interfaceName}.conf`)) {
    throw new UserError('backup.noInterfaceConfig', { path: join(roots.wgConfigDir, `${meta.interfaceName}.conf`) });
  }
  return {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    schemaVersion: SCHEMA_VERSION,
    appVersion: meta.appVersion,
    createdAt: meta.now.toISOString(),
    hostname: hostname(),
    interfaceName: meta.interfaceName,
    files,
  };
}

const safeRel = (p: string) =>
  typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.split('/').some((s) => s === '..' || s === '.' || s === '') && !p.includes('\0');

/** Checks everything before anything is written: format, versions, paths. */
export function parsePayload(bytes: Uint8Array): BackupPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new UserError('backup.notBackup', {}, { cause: error });
  }
  const p = raw as Partial<BackupPayload>;
  if (typeof p !== 'object' || p === null || p.format !== BACKUP_FORMAT || !Array.isArray(p.files)) throw new UserError('backup.notBackup');
  if (
    typeof p.formatVersion !== 'number' ||
    p.formatVersion > BACKUP_FORMAT_VERSION ||
    typeof p.schemaVersion !== 'number' ||
    p.schemaVersion > SCHEMA_VERSION
  ) {
    throw new UserError('backup.newer', { version: String(p.appVersion ?? '?'), schema: Number(p.schemaVersion), ours: SCHEMA_VERSION });
  }
  for (const f of p.files) {
    if (!f || !['wireguard', 'data', 'pivpn', 'settings'].includes(f.area) || !safeRel(f.path) || typeof f.data !== 'string' || typeof f.mode !== 'number') {
      throw new UserError('backup.notBackup');
    }
  }
  if (typeof p.interfaceName !== 'string' || !/^[A-Za-z0-9_=+.-]{1,15}$/.test(p.interfaceName)) throw new UserError('backup.notBackup');
  return p as BackupPayload;
}
