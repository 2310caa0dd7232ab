import { defineCommand, type CommandContext } from '../src/core/command.js';
import { required, peerName } from '../src/core/args.js';
import { UserError } from '../src/core/errors.js';
import type { Reply } from '../src/core/reply.js';
import { configDelivery } from './support/delivery.js';
import { requireVisiblePeer } from './support/peer-access.js';

/** Resend a peer's config (QR and .conf) — possible only when the bot kept the client key (KEEP_CLIENT_KEYS). */
export async function resendConfig(ctx: CommandContext, name: string, only: 'image' | 'file'): Promise<Reply> {
  const view = requireVisiblePeer(ctx, name);
  const config = ctx.services.peers.clientConfigFor(view.entry.name);
  if (!config) throw new UserError('peer.keyNotKept', { name: view.entry.name });
  const png = only === 'image' ? await ctx.services.renderQr(config) : new Uint8Array();
  const reply = configDelivery(ctx.t, { name: view.entry.name, address: view.entry.allowedIps.join(', ') }, config, png, {
    secretTtlSeconds: ctx.services.settings.secretTtlFor(ctx.actor.key),
    keptForQr: true,
  });
  reply.attachments = reply.attachments?.filter((a) => a.kind === only);
  return reply;
}

export const qrCommand = defineCommand({
  name: 'qr',
  summaryKey: 'commands.qr',
  access: 'user',
  args: [required('name', peerName)],
  run: (ctx, args) => resendConfig(ctx, args.name, 'image'),
});
