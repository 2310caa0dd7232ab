import { defineCommand } from '../src/core/command.js';
import { required, rest, peerName, profile } from '../src/core/args.js';
import { code, paragraph } from '../src/core/reply.js';
import { configDelivery } from './support/delivery.js';
import { requireVisiblePeer } from './support/peer-access.js';

/**
 * /route NAME PROFILE (admins): change what a peer may reach. The Pi's firewall changes at once; the client's
 * routes change with it, so the new config is sent privately (QR and .conf), as /addpeer does.
 */
export const routeCommand = defineCommand({
  name: 'route',
  summaryKey: 'commands.route',
  access: 'admin',
  args: [required('name', peerName), rest('profile', profile, true)],
  async run(ctx, args) {
    const view = requireVisiblePeer(ctx, args.name);
    const { peers, settings, renderQr } = ctx.services;
    const result = await peers.setProfile(view.entry.name, args.profile);
    const changed = paragraph(ctx.t('route.changed', { name: result.entry.name }), ' ', code(result.profile));
    // Connections opened before the change are cut by the firewall (conntrack); say so when it cannot.
    const kept = ctx.services.firewall?.cutsConnections?.() === false ? [paragraph(ctx.t('route.connectionsKept'))] : [];
    if (!result.clientConfig) {
      // The bot did not keep the private key: the user edits AllowedIPs in the app by hand.
      return {
        blocks: [changed, ...kept, paragraph(ctx.t('route.editByHand')), paragraph(code(`AllowedIPs = ${result.allowedIps.join(', ')}`))],
      };
    }
    const png = await renderQr(result.clientConfig);
    const reply = configDelivery(ctx.t, { name: result.entry.name, address: result.entry.allowedIps.join(', ') }, result.clientConfig, png, {
      secretTtlSeconds: settings.secretTtlFor(ctx.actor.key),
      keptForQr: settings.keepClientKeys,
    });
    reply.blocks.unshift(changed, ...kept);
    return reply;
  },
});
