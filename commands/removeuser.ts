import { defineCommand } from '../src/core/command.js';
import { choice, optional, required, userRef } from '../src/core/args.js';
import { UserError } from '../src/core/errors.js';
import { code, paragraph, textReply } from '../src/core/reply.js';

/** Remove an approved user; the admin chooses whether their peers are revoked too (buttons when not said). */
export const removeuserCommand = defineCommand({
  name: 'removeuser',
  summaryKey: 'commands.removeuser',
  access: 'admin',
  args: [required('user', userRef), optional('peers', choice('revoke|keep', ['revoke', 'keep']))],
  async run(ctx, args) {
    const key = args.user;
    const { users, peers } = ctx.services;
    const user = users.get(key);
    if (!user) throw new UserError('users.notFound', { user: key.slice(0, 40) });
    const owned = peers.list().filter((p) => p.meta?.owner === key);
    const mode = args.peers;
    if (mode === undefined && owned.length > 0) {
      return {
        blocks: [
          paragraph(ctx.t('users.askPeers', { user: users.displayName(key), count: owned.length }), ' ', code(owned.map((p) => p.entry.name).join(', '))),
        ],
        buttons: [
          { label: ctx.t('buttons.removeAndRevoke'), action: `/removeuser ${key} revoke`, style: 'danger' },
          { label: ctx.t('buttons.removeKeepPeers'), action: `/removeuser ${key} keep` },
        ],
      };
    }
    if (mode === 'revoke') for (const p of owned) await peers.revoke(p.entry.name, ctx.actor.key);
    await users.remove(key);
    return textReply(ctx.t(mode === 'revoke' ? 'users.removedRevoked' : 'users.removed', { user: user.name, count: owned.length }));
  },
});
