import type { CommandDef } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { bold, list, paragraph, type Reply } from '../src/core/reply.js';
import { formatSize } from '../src/core/size.js';
import { trafficChartSpec } from '../src/core/traffic-chart.js';
import { TRAFFIC_RANGES, type TrafficRange } from '../src/core/traffic.js';
import { requireVisiblePeer } from './support/peer-access.js';
import { chartSeries, offsetIn, peerSeries, totalsLines, zoneName } from './support/traffic-view.js';

/** A PNG chart of received and sent bytes, in the chat where it was asked (traffic is not a secret). */
export const trafficCommand: CommandDef = {
  name: 'traffic',
  summaryKey: 'traffic.summary',
  access: 'user',
  // NAME and the range in either order: /traffic laptop 7d, /traffic 7d.
  args: [
    { name: 'name', required: false },
    { name: 'range', required: false },
  ],
  async run(ctx, args) {
    const tc = ctx.services.traffic;
    if (!tc) throw new UserError('traffic.off');
    let range: TrafficRange = '24h';
    let name: string | undefined;
    for (const token of [args.name, args.range]) {
      if (token === undefined) continue;
      const asRange = TRAFFIC_RANGES.find((r) => r === token.toLowerCase());
      if (asRange) range = asRange;
      else if (name === undefined) name = token;
      else throw new UserError('traffic.badArgs');
    }
    const peers = ctx.services.peers;
    const views = name ? [requireVisiblePeer(ctx, name)] : peers.list().filter((v) => ctx.actor.role === 'admin' || v.meta?.owner === ctx.actor.key);
    if (views.length === 0) return { blocks: [paragraph(ctx.t('traffic.none'))] };
    const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
    const series = await peerSeries(tc, views, range, nowSeconds);
    const who = name ? views[0]!.entry.name : ctx.t('traffic.all');
    const received = series.reduce((n, s) => n + s.received, 0);
    const sent = series.reduce((n, s) => n + s.sent, 0);
    const reply: Reply = { blocks: [paragraph(bold(ctx.t('traffic.totals', { who, range, rx: formatSize(received), tx: formatSize(sent) })))] };
    if (!name) reply.blocks.push(list(totalsLines(ctx, series).map((l) => [l])));
    const timeZone = tc.service.settings.timeZone;
    const spec = trafficChartSpec({
      title: ctx.t('traffic.title', { who, range }),
      range,
      series: chartSeries(ctx, series, !!name),
      stacked: !name,
      offsetMinutes: offsetIn(timeZone),
      timeLabel: ctx.t('traffic.time', { zone: zoneName(timeZone) }),
      font: tc.font,
    });
    const png = await tc.drawChart(spec);
    if (!png) reply.blocks.push(paragraph(ctx.t('traffic.noChart')));
    else reply.attachments = [{ kind: 'image', name: `traffic-${name ? views[0]!.entry.name : 'all'}-${range}.png`, data: png, mimeType: 'image/png', caption: ctx.t('traffic.caption', { range }) }];
    return reply;
  },
};
