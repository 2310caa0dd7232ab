import type { CommandDef } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { textReply } from '../src/core/reply.js';
import { requireVisiblePeer } from './support/peer-access.js';

/** /notify NAME on|off (the owner or an admin): notices to the owner; /notify all on|off (admins): to the admins. */
export const notifyCommand: CommandDef = {
  name: 'notify',
  summaryKey: 'notify.summary',
  access: 'user',
  args: [
    { name: 'name', required: true },
    { name: 'state', required: true },
  ],
  async run(ctx, args) {
    const tc = ctx.services.traffic;
    if (!tc) throw new UserError('traffic.off');
    const state = args.state?.toLowerCase();
    if (state !== 'on' && state !== 'off') throw new UserError('notify.badArgs');
    const on = state === 'on';
    if (args.name?.toLowerCase() === 'all') {
      if (ctx.actor.role !== 'admin') throw new UserError('notify.allAdmins');
      await tc.service.setNotifyAll(on);
      return textReply(ctx.t(on ? 'notify.allOn' : 'notify.allOff'));
    }
    const view = requireVisiblePeer(ctx, args.name ?? '');
    await tc.service.setNotify(view, on);
    return textReply(ctx.t(on ? 'notify.on' : 'notify.off', { name: view.entry.name }));
  },
};
