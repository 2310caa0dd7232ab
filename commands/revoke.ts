import { defineCommand } from '../src/core/command.js';
import { required, peerName } from '../src/core/args.js';
import { paragraph, type Reply } from '../src/core/reply.js';
import { requireVisiblePeer } from './support/peer-access.js';

export const revokeCommand = defineCommand({
  name: 'revoke',
  summaryKey: 'commands.revoke',
  access: 'user',
  args: [required('name', peerName)],
  async run(ctx, args) {
    const view = requireVisiblePeer(ctx, args.name);
    const item = await ctx.services.peers.revoke(view.entry.name, ctx.actor.key);
    const reply: Reply = { blocks: [paragraph(ctx.t('peer.revoked', { name: view.entry.name }))] };
    const undo = ctx.services.settings.undoSeconds;
    if (undo > 0) {
      reply.blocks.push(paragraph(ctx.t('peer.undoHint', { minutes: Math.ceil(undo / 60) })));
      reply.buttons = [{ label: ctx.t('buttons.undo'), action: `/undo ${item.token}` }];
    }
    return reply;
  },
});
