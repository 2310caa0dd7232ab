import type { CommandContext } from '../../src/core/command.js';
import { UserError } from '../../src/core/errors.js';
import type { PeerView } from '../../src/core/peer-service.js';

/** Admins reach every peer; a user only their own. An unknown name and someone else's peer look the same. */
export function requireVisiblePeer(ctx: CommandContext, name: string): PeerView {
  const view = ctx.services.peers.get(name);
  const mine = view?.meta?.owner === ctx.actor.key;
  if (!view || (ctx.actor.role !== 'admin' && !mine)) throw new UserError('peer.notFound', { name: name.slice(0, 20) });
  return view;
}
