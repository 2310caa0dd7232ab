import type { CommandDef } from '../src/core/command.js';
import { textReply } from '../src/core/reply.js';
import { requireVisiblePeer } from './support/peer-access.js';

/** Cut a peer off without deleting it (its keys and address stay reserved), as `pivpn -off` does. */
export const disableCommand: CommandDef = {
  name: 'disable',
  summaryKey: 'commands.disable',
  access: 'admin',
  args: [{ name: 'name', required: true }],
  async run(ctx, args) {
    const view = requireVisiblePeer(ctx, args.name ?? '');
    const { changed } = await ctx.services.peers.setEnabled(view.entry.name, false);
    return textReply(ctx.t(changed ? 'peer.disabled' : 'peer.alreadyDisabled', { name: view.entry.name }));
  },
};
