import { defineAction, defineCommand } from '../src/core/command.js';
import { bold, list, paragraph, textReply, type Span } from '../src/core/reply.js';
import { formatTime } from '../src/core/format.js';

/** /ddns: provider, last update and answer, next check. Admins: /ddns update forces one, /ddns confirmed restarts No-IP's 30 days. */
export const ddnsCommand = defineCommand({
  name: 'ddns',
  summaryKey: 'ddns.summary',
  access: 'user',
  args: [],
  actions: [
    defineAction({
      name: 'update',
      access: 'admin',
      args: [],
      async run(ctx) {
        const ipWatch = ctx.services.ipWatch;
        if (!ipWatch) return textReply(ctx.t('ddns.off'));
        if (ipWatch.ddnsStatus().provider === 'none') return textReply(ctx.t('ddns.noProvider'));
        const r = await ipWatch.forceUpdate();
        return textReply(ctx.t(`ddns.forced.${r.outcome}`, { answer: r.answer ?? '', time: r.retryAt ? formatTime(r.retryAt) : '' }));
      },
    }),
    defineAction({
      name: 'confirmed',
      access: 'admin',
      args: [],
      async run(ctx) {
        const ipWatch = ctx.services.ipWatch;
        if (!ipWatch) return textReply(ctx.t('ddns.off'));
        const status = ipWatch.ddnsStatus();
        if (status.provider === 'none') return textReply(ctx.t('ddns.noProvider'));
        if (status.provider !== 'noip') return textReply(ctx.t('ddns.notNoip'));
        await ipWatch.markConfirmed();
        return textReply(ctx.t('ddns.confirmed'));
      },
    }),
  ],
  async run(ctx) {
    const ipWatch = ctx.services.ipWatch;
    if (!ipWatch) return textReply(ctx.t('ddns.off'));
    const status = ipWatch.ddnsStatus();
    if (status.provider === 'none') return textReply(ctx.t('ddns.noProvider'));
    const lines: (Span | string)[][] = [[ctx.t('ddns.provider', { provider: status.provider, hostname: status.hostname ?? '-' })]];
    lines.push([
      status.lastAttempt ? ctx.t('ddns.lastUpdate', { time: formatTime(status.lastAttempt), answer: status.lastAnswer ?? '' }) : ctx.t('ddns.never'),
    ]);
    if (status.blocked) lines.push([bold(ctx.t('ddns.blocked', { answer: status.lastAnswer ?? '' }))]);
    if (status.retryAt) lines.push([ctx.t('ddns.retryAt', { time: formatTime(status.retryAt) })]);
    if (status.nextCheck) lines.push([ctx.t('ddns.nextCheck', { time: formatTime(status.nextCheck) })]);
    if (status.confirmBy) lines.push([ctx.t('ddns.confirmBy', { date: formatTime(status.confirmBy) })]);
    return { blocks: [paragraph(bold(ctx.t('ddns.title'))), list(lines)] };
  },
});
