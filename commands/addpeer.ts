import { defineCommand } from '../src/core/command.js';
import { required, option, newPeerName, profile } from '../src/core/args.js';
import { UserError } from '../src/core/errors.js';
import { code, paragraph } from '../src/core/reply.js';
import { configDelivery } from './support/delivery.js';

/**
 * Admins get the peer at once; anyone else's request goes to the admins for approval. Options after the
 * name, in any order: a profile (full | lan | addresses with ports), what the peer may reach.
 */
export const addpeerCommand = defineCommand({
  name: 'addpeer',
  summaryKey: 'commands.addpeer',
  access: 'anyone',
  args: [required('name', newPeerName), option('profile', profile)],
  async run(ctx, args) {
    const { name } = args;
    const options = { profile: args.profile };
    const { peers, approvals, settings, renderQr } = ctx.services;
    if (peers.hasName(name)) throw new UserError('peer.exists', { name });

    if (ctx.actor.role !== 'admin') {
      // What a peer may reach is the admins' decision: they set it with /route once the request is approved.
      if (options.profile !== undefined) throw new UserError('peer.profileAdminOnly');
      const request = await approvals.request(ctx.actor, name, ctx.now());
      return { blocks: [paragraph(ctx.t('approval.requested', { name })), paragraph(ctx.t('approval.requestId'), ' ', code(request.id))] };
    }

    const result = await peers.add({ name, owner: ctx.actor.key, ...(options.profile ? { profile: options.profile } : {}) }, renderQr);
    return configDelivery(ctx.t, { name, address: result.entry.allowedIps.join(', ') }, result.clientConfig, result.extra, {
      secretTtlSeconds: settings.secretTtlFor(ctx.actor.key),
      keptForQr: settings.keepClientKeys,
      liveWarning: !result.live && !peers.offline,
    });
  },
});
