import { defineCommand } from '../src/core/command.js';
import { required, option, newPeerName, profile } from '../src/core/args.js';
import { duration, formatEnd, resolveEnd } from '../src/core/duration.js';
import { UserError } from '../src/core/errors.js';
import { code, paragraph } from '../src/core/reply.js';
import { configDelivery } from './support/delivery.js';

/**
 * Admins get the peer at once; anyone else's request goes to the admins for approval. Options after the
 * name, in any order: when its access ends (30s, 7d, 2026-12-31, never) and a profile (full | lan |
 * addresses with ports), what the peer may reach.
 */
export const addpeerCommand = defineCommand({
  name: 'addpeer',
  summaryKey: 'commands.addpeer',
  access: 'anyone',
  // The end before the profile: a profile claims every word that starts with a digit.
  args: [required('name', newPeerName), option('end', duration), option('profile', profile)],
  async run(ctx, args) {
    const { name } = args;
    const options = { profile: args.profile };
    const { peers, approvals, settings, renderQr } = ctx.services;
    const end = args.end ? resolveEnd(args.end, ctx.now(), peers.timeZone) : undefined; // a past date: refused before anything
    if (peers.hasName(name)) throw new UserError('peer.exists', { name });

    if (ctx.actor.role !== 'admin') {
      // What a peer may reach is the admins' decision: they set it with /route once the request is approved.
      if (options.profile !== undefined) throw new UserError('peer.profileAdminOnly');
      if (end !== undefined) throw new UserError('expiry.adminOnly');
      const request = await approvals.request(ctx.actor, name, ctx.now());
      return { blocks: [paragraph(ctx.t('approval.requested', { name })), paragraph(ctx.t('approval.requestId'), ' ', code(request.id))] };
    }

    const at = end?.kind === 'at' ? end.at : undefined;
    const result = await peers.add(
      { name, owner: ctx.actor.key, ...(options.profile ? { profile: options.profile } : {}), ...(at ? { end: at } : {}) },
      renderQr,
    );
    const reply = configDelivery(ctx.t, { name, address: result.entry.allowedIps.join(', ') }, result.clientConfig, result.extra, {
      secretTtlSeconds: settings.secretTtlFor(ctx.actor.key),
      keptForQr: settings.keepClientKeys,
      liveWarning: !result.live && !peers.offline,
    });
    if (at) reply.blocks.splice(1, 0, paragraph(ctx.t('expiry.endsOn', { end: formatEnd(at, peers.timeZone) })));
    return reply;
  },
});
