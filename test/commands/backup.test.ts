/**
 * /backup in chat: admins only; the encrypted file goes to the admin's private chat as a secret message
 * (scheduled for deletion), also when asked in a group; /backup auto on|off and the schedule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupReply } from '../../commands/backup.js';
import { restoreBackup } from '../../src/backup/restore.js';
import { BackupService, createRecoveryCode } from '../../src/backup/service.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { admin, appWithRecorder, plain, stranger } from '../helpers/app.js';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

async function setup(schedule: 'weekly' | 'daily' | 'off' = 'weekly') {
  const { app, chat } = await appWithRecorder();
  let now = new Date('2026-12-01T12:00:00Z');
  const roots = { wgConfigDir: app.config.wireguard.WG_CONFIG_DIR, dataDir: app.config.dataDir };
  const service = new BackupService({
    roots,
    appVersion: '0.1.0',
    interfaceName: 'wg0',
    schedule,
    notifier: app.hub,
    logger: createMemoryLogger(),
    now: () => now,
  });
  app.services.backup = service;
  return { app, chat, service, roots, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe('/backup', () => {
  it('without a key: says how to make one', async () => {
    const { app } = await setup();
    expect(plain(await app.dispatcher.handle(admin('/backup')))).toMatch(/No backup key on this machine yet.*wg-chatops backup-key/);
  });

  it('asked in a group: the file goes privately, as a secret deleted later; it restores with the code', async () => {
    const { app, chat, roots } = await setup();
    const code = await createRecoveryCode(app.config.dataDir);
    await app.peers.add({ name: 'phone', owner: 'test:admin' });
    const answer = await app.dispatcher.handle(admin('/backup', { isPrivateChat: false }));
    expect(plain(answer)).toBe('I sent it to you in a private chat.');
    const [reply] = chat.to('admin');
    expect(reply?.secret).toBe(true);
    expect(plain(reply!)).toMatch(/Encrypted backup \(1 peers\).*deleted in 15 min/);
    const file = reply!.attachments![0]!;
    expect(file.name).toMatch(/^wg-chatops-backup-.*\.age$/);
    // Scheduled for deletion: one entry in the deletion log.
    const scheduled = readFileSync(join(app.config.dataDir, 'deletions.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { put?: { chatId: string } });
    expect(scheduled.filter((l) => l.put?.chatId === 'admin')).toHaveLength(1);
    const target = mkdtempSync(join(tmpdir(), 'wgc-cmd-rs-'));
    mkdirSync(join(target, 'wg'));
    const r = await restoreBackup(file.data, code, { wgConfigDir: join(target, 'wg'), dataDir: join(target, 'data') });
    expect(r.written.some((p) => p.endsWith('wg0.conf'))).toBe(true);
    expect(readFileSync(join(target, 'wg', 'wg0.conf'), 'utf8')).toBe(readFileSync(join(roots.wgConfigDir, 'wg0.conf'), 'utf8'));
  });

  it('is for admins only', async () => {
    const { app, chat } = await setup();
    await createRecoveryCode(app.config.dataDir);
    expect(plain(await app.dispatcher.handle(stranger('/backup')))).toMatch(/^You are not registered with this VPN/);
    expect(chat.sent).toEqual([]);
  });

  it('/backup auto on: sent on schedule, at most weekly; off stops it', async () => {
    const { app, chat, service, advance } = await setup('weekly');
    await createRecoveryCode(app.config.dataDir);
    expect(plain(await app.dispatcher.handle(admin('/backup auto on')))).toBe('Automatic backups on: you get one weekly in this chat.');
    expect(plain(await app.dispatcher.handle(admin('/backup auto')))).toMatch(/are on for you \(weekly\)/);
    const build = (f: Parameters<typeof backupReply>[1]) => (t: Parameters<typeof backupReply>[0]) => backupReply(t, f, 900);
    expect(await service.runDue(build)).toBe(1);
    advance(6 * 86_400_000);
    expect(await service.runDue(build)).toBe(0);
    advance(86_400_000);
    expect(await service.runDue(build)).toBe(1);
    expect(chat.to('admin').filter((r) => r.secret && r.attachments?.length === 1)).toHaveLength(2);
    await app.dispatcher.handle(admin('/backup auto off'));
    advance(8 * 86_400_000);
    expect(await service.runDue(build)).toBe(0);
    expect(plain(await app.dispatcher.handle(admin('/backup auto maybe')))).toBe('"maybe": use one of on | off. Nothing was changed.');
  });
});
