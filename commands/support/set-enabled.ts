import type { CommandContext } from '../../src/core/command.js';
import { textReply, type Reply } from '../../src/core/reply.js';
import { requireVisiblePeer } from './peer-access.js';

/** /disable and /enable: switch a peer off or on without deleting it, as `pivpn -off` / `-on` do. */
export async function setPeerEnabled(ctx: CommandContext, name: string, enabled: boolean): Promise<Reply> {
  const view = requireVisiblePeer(ctx, name);
  const { changed } = await ctx.services.peers.setEnabled(view.entry.name, enabled);
  const key = enabled ? (changed ? 'peer.enabled' : 'peer.alreadyEnabled') : changed ? 'peer.disabled' : 'peer.alreadyDisabled';
  return textReply(ctx.t(key, { name: view.entry.name }));
}
