import { defineCommand } from '../src/core/command.js';
import { required, undoToken } from '../src/core/args.js';
import { UserError } from '../src/core/errors.js';
import { textReply } from '../src/core/reply.js';

/** Reached through the Undo button of /revoke: restores the same peer (same keys and address). */
export const undoCommand = defineCommand({
  name: 'undo',
  summaryKey: 'commands.undo',
  access: 'user',
  hidden: true,
  args: [required('token', undoToken)],
  async run(ctx, args) {
    const token = args.token;
    const { peers, users } = ctx.services;
    const item = ctx.services.peers.trashItem(token);
    // Only whoever revoked it (or an admin) may bring it back; otherwise it looks expired.
    if (!item || (item.revokedBy !== ctx.actor.key && !users.isAdmin(ctx.actor.key))) throw new UserError('peer.undoExpired');
    // Restoring gives the owner a peer again: MAX_PEERS_PER_USER holds here too (open requests count).
    const owner = item.meta?.owner;
    const { approvals } = ctx.services;
    if (owner && !users.isAdmin(owner) && approvals.quotaUsed(owner, ctx.now()) >= approvals.maxPeersPerUser) {
      throw new UserError('peer.undoOverLimit', { name: item.entry.name, max: approvals.maxPeersPerUser });
    }
    const view = await peers.undo(token);
    return textReply(ctx.t('peer.restored', { name: view.entry.name }));
  },
});
