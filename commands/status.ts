import { defineCommand } from '../src/core/command.js';
import { bold, code, list, paragraph, type Block, type Span } from '../src/core/reply.js';
import { endLines } from './support/ends.js';
import { ONLINE_WINDOW_SECONDS } from './support/format.js';
import { quotaSummary } from './support/quota-use.js';

export const statusCommand = defineCommand({
  name: 'status',
  summaryKey: 'commands.status',
  access: 'user',
  args: [],
  async run(ctx) {
    const { peers, ipWatch, doctor } = ctx.services;
    const iface = await peers.liveState();
    const all = peers.list();
    const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
    const online = iface?.peers.filter((p) => p.latestHandshake > 0 && nowSeconds - p.latestHandshake <= ONLINE_WINDOW_SECONDS).length ?? 0;
    const disabled = all.filter((p) => !p.entry.enabled).length;

    const lines: (Span | string)[][] = [];
    if (peers.offline) lines.push([bold(ctx.t('status.offline'))]);
    else if (!iface) lines.push([bold(ctx.t('status.interfaceDown', { name: peers.interfaceName ?? '' }))]);
    else lines.push([ctx.t('status.interfaceUp', { name: peers.interfaceName ?? '', port: iface.listenPort })]);
    const endpoint = peers.endpoint();
    lines.push(endpoint ? [ctx.t('status.endpoint'), ' ', code(endpoint)] : [ctx.t('status.noEndpoint')]);
    lines.push([ctx.t('status.peers', { count: all.length, online, disabled })]);
    const quotas = quotaSummary(ctx, all);
    if (quotas) lines.push([quotas]);
    const visible = ctx.actor.role === 'admin' ? all : all.filter((p) => p.meta?.owner === ctx.actor.key);
    for (const line of endLines(ctx.t, all, visible, peers.timeZone)) lines.push([line]);
    const unmanaged = peers.unmanagedCount();
    if (unmanaged > 0) lines.push([ctx.t('status.unmanaged', { count: unmanaged })]);
    const drift = peers.driftReport.findings.length;
    if (drift > 0 && ctx.actor.role === 'admin') lines.push([ctx.t('status.drift', { count: drift })]);
    lines.push([ctx.t('status.platforms', { platforms: ctx.services.platforms().join(', ') })]);

    const blocks: Block[] = [paragraph(bold(ctx.t('status.title'))), list(lines)];
    if (ipWatch) {
      const { address, ddnsBlockedAnswer } = ipWatch.summary();
      blocks.push(paragraph(address ? ctx.t('ip.statusLine', { address }) : ctx.t('ip.statusUnknown')));
      if (ddnsBlockedAnswer !== undefined) blocks.push(paragraph(ctx.t('ddns.statusBlocked', { answer: ddnsBlockedAnswer })));
    }
    if (doctor && ctx.actor.role === 'admin') {
      const problems = (await doctor.run()).filter((c) => c.status === 'fail' || c.status === 'warn');
      if (problems.length > 0) {
        blocks.push(paragraph(bold(ctx.t('status.problems', { count: problems.length }))));
        blocks.push(list(problems.slice(0, 5).map((c) => [ctx.t(c.key, c.params), ...(c.fixKey ? [` → ${ctx.t(c.fixKey, c.fixParams)}`] : [])])));
      }
    }
    return { blocks };
  },
});
