/** Parts of building the app (src/app.ts), kept apart so the composition root reads in one screen. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScheduledDeletion } from './chat/hub.js';
import type { Notifier, ReplyBuilder } from './core/notifier.js';
import { ADMINS_OWNER } from './core/peer.js';
import type { PeerServiceDeps } from './core/peer-service.js';
import { list, paragraph, textReply } from './core/reply.js';
import type { Logger } from './log/logger.js';
import type { BotDb } from './store/bot-db.js';
import { DeletionLog } from './store/deletion-log.js';

/** A peer found in PiVPN's files. */
export interface ImportedPeer {
  name: string;
  publicKey: string;
  createdAt: string;
  privateKey?: string;
}

/** Imported peers' metadata goes into the database in memory only; it is saved with the next real change. */
export function adoptImported(db: BotDb, imported: readonly ImportedPeer[], keepKeys: boolean, enabledOf: (name: string) => boolean | undefined): void {
  const fresh = imported.filter((p) => db.data.peers[p.name]?.publicKey !== p.publicKey);
  if (fresh.length === 0) return;
  db.stage((d) => {
    for (const p of fresh) {
      d.peers[p.name] = {
        name: p.name,
        publicKey: p.publicKey,
        owner: ADMINS_OWNER,
        createdAt: p.createdAt,
        ...(keepKeys && p.privateKey ? { privateKey: p.privateKey } : {}),
        ...(enabledOf(p.name) === false ? { disabled: true as const } : {}),
      };
    }
  });
}

/** The deletion schedule: deletions.log; the whole-file deletions.json of earlier versions is taken over once. */
export async function openDeletionLog(dataDir: string, logger: Logger): Promise<DeletionLog> {
  const legacyPath = join(dataDir, 'deletions.json');
  const legacy = existsSync(legacyPath)
    ? {
        path: legacyPath,
        entries: async () => (JSON.parse(await readFile(legacyPath, 'utf8')) as { deletions?: ScheduledDeletion[] }).deletions ?? [],
      }
    : undefined;
  return DeletionLog.open(join(dataDir, 'deletions.log'), { onWarning: (m) => logger.warn(m) }, legacy);
}

/** What the peer service tells the admins about storage: a failing disk, and edits made by hand while running. */
export function storageAlerts(notifier: Pick<Notifier, 'toAdmins'>, logger: Logger): Pick<PeerServiceDeps, 'onDiskFault' | 'onHandEdits'> {
  const tell = (build: ReplyBuilder, what: string) =>
    notifier.toAdmins(build).catch((error) => logger.warn(`telling the admins about ${what} failed`, { error }));
  return {
    onDiskFault: (fault) => {
      const reason = fault === 'full' ? 'storage.full' : fault === 'readOnly' ? 'storage.readOnly' : 'storage.io';
      void tell((t) => textReply(t('storage.alert', { reason: t(reason) })), 'the disk');
    },
    onHandEdits: (findings) => void tell((t) => ({ blocks: [paragraph(t('storage.handEdits')), list(findings.map((f) => [f]))] }), 'hand edits'),
  };
}
