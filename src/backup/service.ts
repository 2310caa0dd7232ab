/**
 * Making backups on this machine: the recipient (public key) in DATA_DIR/backup-recipient.txt, the
 * admins who asked for automatic backups in DATA_DIR/backup-subscribers.json, and the schedule.
 */
import { chown, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { Env } from '../config/load-env.js';
import { UserError } from '../core/errors.js';
import type { Notifier } from '../core/notifier.js';
import type { Reply } from '../core/reply.js';
import type { Logger } from '../log/logger.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { collectBackup, type BackupRoots } from './archive.js';
import { PIVPN_SETUP_VARS } from '../wireguard/pivpn/layout.js';

/** age and its post-quantum code (~300 KB of JavaScript) are loaded when a backup is made, not at every start. */
const age = () => import('./crypto.js');

export const RECIPIENT_FILE = 'backup-recipient.txt';
const SUBSCRIBERS_FILE = 'backup-subscribers.json';

export type BackupSchedule = 'weekly' | 'daily' | 'off';

export const scheduleMs = (s: BackupSchedule): number | undefined => (s === 'daily' ? 86_400_000 : s === 'weekly' ? 7 * 86_400_000 : undefined);

/**
 * Makes a new backup key: writes the recipient (public) into DATA_DIR and returns the recovery code,
 * which the caller shows once (install, `wg-chatops backup-key`) and must never store.
 */
export async function createRecoveryCode(dataDir: string, options: { replace?: boolean } = {}): Promise<string> {
  const path = join(dataDir, RECIPIENT_FILE);
  if (!options.replace && (await readRecipient(dataDir))) throw new UserError('backup.keyExists', { path });
  const key = await (await age()).generateBackupKey();
  await writeFileAtomic(path, `${key.recipient}\n`, 0o600);
  // `sudo wg-chatops backup-key` runs as root; the bot (its own user, owner of DATA_DIR) must read the recipient for /backup.
  const dir = await stat(dataDir);
  if (dir.uid !== process.getuid?.()) await chown(path, dir.uid, dir.gid);
  return key.identity;
}

export async function readRecipient(dataDir: string): Promise<string | undefined> {
  const text = await readFile(join(dataDir, RECIPIENT_FILE), 'utf8').catch(() => undefined);
  const r = text?.trim();
  return r && (await age()).isRecipient(r) ? r : undefined;
}

/** What a backup holds on this machine. */
export function rootsFor(config: Pick<Config, 'wireguard' | 'dataDir'>, env: Env, cwd: string): BackupRoots {
  const pivpnDir = PIVPN_SETUP_VARS.replace(/\/setupVars\.conf$/, '');
  return {
    wgConfigDir: config.wireguard.WG_CONFIG_DIR,
    dataDir: config.dataDir,
    // Backed up when present; restored there when the backup has PiVPN's files.
    pivpnDir,
    envFile: resolve(cwd, env.WG_CHATOPS_ENV_FILE ?? '.env'),
  };
}

export async function makeBackupFile(
  roots: BackupRoots,
  meta: { appVersion: string; interfaceName: string; now: Date },
): Promise<{ name: string; data: Uint8Array; peers: number }> {
  const recipient = await readRecipient(roots.dataDir);
  if (!recipient) throw new UserError('backup.noKey');
  const payload = await collectBackup(roots, meta);
  const data = await (await age()).encryptFor(recipient, new TextEncoder().encode(JSON.stringify(payload)));
  const conf = payload.files.find((f) => f.area === 'wireguard' && f.path === `${meta.interfaceName}.conf`);
  const peers = conf
    ? (Buffer.from(conf.data, 'base64')
        .toString('utf8')
        .match(/^\s*\[Peer\]/gim)?.length ?? 0)
    : 0;
  const stamp = meta.now.toISOString().slice(0, 16).replace(/[-:T]/g, '');
  return { name: `wg-chatops-backup-${payload.hostname.replace(/[^A-Za-z0-9-]/g, '')}-${stamp}.age`, data, peers };
}

export interface BackupServiceDeps {
  roots: BackupRoots;
  appVersion: string;
  interfaceName: string;
  schedule: BackupSchedule;
  notifier: Notifier;
  logger: Logger;
  now?: () => Date;
}

interface Subscribers {
  keys: string[];
  lastRun?: string;
}

/** /backup and /backup auto on|off; the scheduled sending. */
export class BackupService {
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;
  constructor(private readonly d: BackupServiceDeps) {
    this.now = d.now ?? (() => new Date());
  }

  get schedule(): BackupSchedule {
    return this.d.schedule;
  }

  make(): Promise<{ name: string; data: Uint8Array; peers: number }> {
    return makeBackupFile(this.d.roots, { appVersion: this.d.appVersion, interfaceName: this.d.interfaceName, now: this.now() });
  }

  async setAuto(userKey: string, on: boolean): Promise<void> {
    const s = await this.subscribers();
    const keys = new Set(s.keys);
    if (on) keys.add(userKey);
    else keys.delete(userKey);
    await writeFileAtomic(join(this.d.roots.dataDir, SUBSCRIBERS_FILE), `${JSON.stringify({ ...s, keys: [...keys].sort() })}\n`);
  }

  async isAuto(userKey: string): Promise<boolean> {
    return (await this.subscribers()).keys.includes(userKey);
  }

  /** Check hourly whether a scheduled backup is due. */
  start(build: (file: { name: string; data: Uint8Array; peers: number }) => (t: (k: string, p?: Record<string, unknown>) => string) => Reply): void {
    const every = scheduleMs(this.d.schedule);
    if (!every) return;
    this.timer = setInterval(() => void this.runDue(build).catch((error: unknown) => this.d.logger.warn('scheduled backup failed', { error })), 3_600_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Sends a backup to every subscriber when the schedule says it is time. Returns how many got one. */
  async runDue(
    build: (file: { name: string; data: Uint8Array; peers: number }) => (t: (k: string, p?: Record<string, unknown>) => string) => Reply,
  ): Promise<number> {
    const every = scheduleMs(this.d.schedule);
    const s = await this.subscribers();
    if (!every || s.keys.length === 0) return 0;
    if (s.lastRun && this.now().getTime() - Date.parse(s.lastRun) < every) return 0;
    const file = await this.make();
    let sent = 0;
    for (const key of s.keys) sent += (await this.d.notifier.toUser(key, build(file))).length > 0 ? 1 : 0;
    await writeFileAtomic(join(this.d.roots.dataDir, SUBSCRIBERS_FILE), `${JSON.stringify({ ...s, lastRun: this.now().toISOString() })}\n`);
    return sent;
  }

  private async subscribers(): Promise<Subscribers> {
    try {
      const raw = JSON.parse(await readFile(join(this.d.roots.dataDir, SUBSCRIBERS_FILE), 'utf8')) as Subscribers;
      return {
        keys: Array.isArray(raw.keys) ? raw.keys.filter((k) => typeof k === 'string') : [],
        ...(raw.lastRun ? { lastRun: raw.lastRun } : {}),
      };
    } catch {
      return { keys: [] };
    }
  }
}
