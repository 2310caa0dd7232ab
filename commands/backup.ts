import { defineAction, defineCommand } from '../src/core/command.js';
import { choice, optional } from '../src/core/args.js';
import { textReply, type Reply } from '../src/core/reply.js';
import type { Translate } from '../src/core/translate.js';

/** The backup file as a secret message: private chat only, deleted after SECRET_TTL_SECONDS. */
export function backupReply(t: Translate, file: { name: string; data: Uint8Array; peers: number }, ttlSeconds: number): Reply {
  return {
    secret: true,
    blocks: textReply(t(ttlSeconds > 0 ? 'backup.sent' : 'backup.sentKept', { peers: file.peers, minutes: Math.max(1, Math.round(ttlSeconds / 60)) })).blocks,
    attachments: [{ kind: 'file', name: file.name, data: file.data, mimeType: 'application/octet-stream', caption: t('backup.caption') }],
  };
}

/** /backup: an encrypted backup to the admin's private chat. /backup auto on|off: the scheduled one (BACKUP_SCHEDULE). */
export const backupCommand = defineCommand({
  name: 'backup',
  summaryKey: 'backup.summary',
  access: 'admin',
  args: [],
  actions: [
    defineAction({
      name: 'auto',
      access: 'admin',
      args: [optional('state', choice('on|off', ['on', 'off']))],
      async run(ctx, args) {
        const backup = ctx.services.backup;
        if (!backup) return textReply(ctx.t('backup.unavailable'));
        if (args.state === undefined)
          return textReply(ctx.t((await backup.isAuto(ctx.actor.key)) ? 'backup.autoIsOn' : 'backup.autoIsOff', { schedule: backup.schedule }));
        await backup.setAuto(ctx.actor.key, args.state === 'on');
        if (args.state === 'on' && backup.schedule === 'off') return textReply(ctx.t('backup.autoOnButOff'));
        return textReply(ctx.t(args.state === 'on' ? 'backup.autoOn' : 'backup.autoOff', { schedule: backup.schedule }));
      },
    }),
  ],
  async run(ctx) {
    const backup = ctx.services.backup;
    if (!backup) return textReply(ctx.t('backup.unavailable'));
    const file = await backup.make();
    return backupReply(ctx.t, file, ctx.services.settings.secretTtlFor(ctx.actor.key));
  },
});
