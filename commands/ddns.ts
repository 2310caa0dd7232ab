import { defineAction, defineCommand, type CommandContext } from '../src/core/command.js';
import type { DdnsStatus, IpWatchService } from '../src/core/ip-watch.js';
import { bold, list, paragraph, textReply, type Reply, type Span } from '../src/core/reply.js';
import { formatTime } from '../src/core/format.js';

/** The IP watch and its DDNS status, or the answer saying why there is none (no watch, no provider). */
function ddnsOf(ctx: CommandContext): { watch: IpWatchService; status: DdnsStatus } | Reply {
  const watch = ctx.services.ipWatch;
  if (!watch) return textReply(ctx.t('ddns.off'));
  const status = watch.ddnsStatus();
  return status.provider === 'none' ? textReply(ctx.t('ddns.noProvider')) : { watch, status };
}

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
        const ddns = ddnsOf(ctx);
        if ('blocks' in ddns) return ddns;
        const r = await ddns.watch.forceUpdate();
        return textReply(ctx.t(`ddns.forced.${r.outcome}`, { answer: r.answer ?? '', time: r.retryAt ? formatTime(r.retryAt) : '' }));
      },
    }),
    defineAction({
      name: 'confirmed',
      access: 'admin',
      args: [],
      async run(ctx) {
        const ddns = ddnsOf(ctx);
        if ('blocks' in ddns) return ddns;
        if (ddns.status.provider !== 'noip') return textReply(ctx.t('ddns.notNoip'));
        await ddns.watch.markConfirmed();
        return textReply(ctx.t('ddns.confirmed'));
      },
    }),
  ],
  async run(ctx) {
    const ddns = ddnsOf(ctx);
    if ('blocks' in ddns) return ddns;
    const { status } = ddns;
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
