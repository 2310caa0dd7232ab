import type { CommandDef } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import type { QuotaPeriod } from '../src/core/quota.js';
import { textReply } from '../src/core/reply.js';
import { formatSize, parseSize } from '../src/core/size.js';
import { requireVisiblePeer } from './support/peer-access.js';
import { quotaUse } from './support/quota-use.js';

/** /quota NAME SIZE [month|total] | off: received plus sent bytes; "month" is the default period. */
export const quotaCommand: CommandDef = {
  name: 'quota',
  summaryKey: 'quota.summary',
  access: 'admin',
  args: [
    { name: 'name', required: true },
    { name: 'size', required: true },
    { name: 'period', required: false },
  ],
  async run(ctx, args) {
    const tc = ctx.services.traffic;
    if (!tc) throw new UserError('traffic.off');
    const sizeText = args.size ?? '';
    const periodText = args.period?.toLowerCase();
    if (periodText !== undefined && periodText !== 'month' && periodText !== 'total') throw new UserError('quota.badArgs');
    // Checked before anything changes: bad input changes nothing.
    const off = sizeText.toLowerCase() === 'off';
    if (off && periodText !== undefined) throw new UserError('quota.badArgs');
    const bytes = off ? undefined : parseSize(sizeText);
    const view = requireVisiblePeer(ctx, args.name ?? '');
    const name = view.entry.name;
    if (bytes === undefined) {
      await tc.service.setQuota(view, undefined);
      return textReply(ctx.t('quota.cleared', { name }));
    }
    const period: QuotaPeriod = (periodText as QuotaPeriod | undefined) ?? 'month';
    const rec = await tc.service.setQuota(view, { bytes, period });
    const use = quotaUse(tc, rec, ctx.now());
    const params = { name, limit: formatSize(bytes), used: formatSize(use?.used ?? 0), percent: use?.percent ?? 0, period: ctx.t('quota.month', { day: tc.service.settings.quotaResetDay }) };
    return textReply(ctx.t(period === 'month' ? 'quota.set' : 'quota.setTotal', params));
  },
};
