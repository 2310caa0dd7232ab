import type { CommandDef } from '../src/core/command.js';
import { textReply } from '../src/core/reply.js';
import { requireVisiblePeer } from './support/peer-access.js';

export const enableCommand: CommandDef = {
  name: 'enable',
  summaryKey: 'commands.enable',
  access: 'admin',
  args: [{ name: 'name', required: true }],
  async run(ctx, args) {
    const view = requireVisiblePeer(ctx, args.name ?? '');
    const { changed } = await ctx.services.peers.setEnabled(view.entry.name, true);
    return textReply(ctx.t(changed ? 'peer.enabled' : 'peer.alreadyEnabled', { name: view.entry.name }));
  },
};
