import { choice, option, required, peerName, size, type ArgKind } from '../src/core/args.js';
import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { textReply } from '../src/core/reply.js';
import { formatSize } from '../src/core/size.js';
import { requireVisiblePeer } from './support/peer-access.js';
import { quotaUse } from './support/quota-use.js';

/** A size, or "off" to clear the quota. */
const sizeOrOff: ArgKind<number | 'off'> = {
  label: 'size|off',
  parse: (raw) => (raw.trim().toLowerCase() === 'off' ? 'off' : size.parse(raw)),
};

/** /quota NAME SIZE [month|total] | off (admins): received plus sent bytes; "month" is the default period. */
export const quotaCommand = defineCommand({
  name: 'quota',
  summaryKey: 'quota.summary',
  access: 'admin',
  args: [required('name', peerName), required('size', sizeOrOff), option('period', choice('month|total', ['month', 'total']))],
  async run(ctx, args) {
    const tc = ctx.services.traffic;
    if (!tc) throw new UserError('traffic.off');
    // Checked before anything changes: bad input changes nothing.
    if (args.size === 'off' && args.period !== undefined) throw new UserError('quota.badArgs');
    const view = requireVisiblePeer(ctx, args.name);
    const name = view.entry.name;
    if (args.size === 'off') {
      await tc.service.setQuota(view, undefined);
      return textReply(ctx.t('quota.cleared', { name }));
    }
    const period = args.period ?? 'month';
    const rec = await tc.service.setQuota(view, { bytes: args.size, period });
    const use = quotaUse(tc, rec, ctx.now());
    const params = {
      name,
      limit: formatSize(args.size),
      used: formatSize(use?.used ?? 0),
      percent: use?.percent ?? 0,
      period: ctx.t('quota.month', { day: tc.service.settings.quotaResetDay }),
    };
    return textReply(ctx.t(period === 'month' ? 'quota.set' : 'quota.setTotal', params));
  },
});
