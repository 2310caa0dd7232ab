import { peerName, required } from '../src/core/args.js';
import { defineCommand } from '../src/core/command.js';
import { duration, formatEnd, resolveEnd } from '../src/core/duration.js';
import { textReply } from '../src/core/reply.js';
import { requireVisiblePeer } from './support/peer-access.js';

/**
 * /expire NAME DURATION|DATE|never (admins): set or clear when a peer's access ends. A peer its end had
 * switched off comes back on with a new end (or never), in the same journaled change.
 */
export const expireCommand = defineCommand({
  name: 'expire',
  summaryKey: 'commands.expire',
  access: 'admin',
  args: [required('name', peerName), required('end', duration)],
  async run(ctx, args) {
    const view = requireVisiblePeer(ctx, args.name);
    const { peers } = ctx.services;
    const end = resolveEnd(args.end, ctx.now(), peers.timeZone);
    const at = end.kind === 'at' ? end.at : undefined;
    const { enabled } = await peers.setEnd(view.entry.name, at);
    const name = view.entry.name;
    if (!at) return textReply(ctx.t(enabled ? 'expiry.clearedEnabled' : 'expiry.cleared', { name }));
    return textReply(ctx.t(enabled ? 'expiry.setEnabled' : 'expiry.set', { name, end: formatEnd(at, peers.timeZone) }));
  },
});
