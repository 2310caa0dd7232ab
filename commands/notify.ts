import { choice, required, peerName } from '../src/core/args.js';
import { defineAction, defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { textReply } from '../src/core/reply.js';
import { requireVisiblePeer } from './support/peer-access.js';

const onOff = choice('on|off', ['on', 'off']);

/** /notify NAME on|off (the owner or an admin): notices to the owner; /notify all on|off (admins): every peer's, to the admins. */
export const notifyCommand = defineCommand({
  name: 'notify',
  summaryKey: 'notify.summary',
  access: 'user',
  args: [required('name', peerName), required('state', onOff)],
  actions: [
    defineAction({
      name: 'all',
      access: 'admin',
      args: [required('state', onOff)],
      async run(ctx, args) {
        const tc = ctx.services.traffic;
        if (!tc) throw new UserError('traffic.off');
        await tc.service.setNotifyAll(args.state === 'on');
        return textReply(ctx.t(args.state === 'on' ? 'notify.allOn' : 'notify.allOff'));
      },
    }),
  ],
  async run(ctx, args) {
    const tc = ctx.services.traffic;
    if (!tc) throw new UserError('traffic.off');
    const view = requireVisiblePeer(ctx, args.name);
    await tc.service.setNotify(view, args.state === 'on');
    return textReply(ctx.t(args.state === 'on' ? 'notify.on' : 'notify.off', { name: view.entry.name }));
  },
});
