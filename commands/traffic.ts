import { choice, option, peerName, type ArgKind } from '../src/core/args.js';
import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { bold, list, paragraph, type Reply } from '../src/core/reply.js';
import { formatSize } from '../src/core/size.js';
import { trafficChartSpec } from '../src/core/traffic-chart.js';
import { TRAFFIC_RANGES, type TrafficRange } from '../src/core/traffic.js';
import { requireVisiblePeer } from './support/peer-access.js';
import { chartSeries, offsetIn, peerSeries, totalsLines, zoneName } from './support/traffic-view.js';

/** Any word that is not a range names the peer (so NAME and the range go in either order). */
const anyPeer: ArgKind<string> = { ...peerName, claims: () => true };

/** A PNG chart of received and sent bytes, in the chat where it was asked (traffic is not a secret). */
export const trafficCommand = defineCommand({
  name: 'traffic',
  summaryKey: 'traffic.summary',
  access: 'user',
  // /traffic laptop 7d, /traffic 7d laptop, /traffic 7d: the range is claimed first, the other word is the name.
  args: [option('range', choice('24h|7d|30d|90d', TRAFFIC_RANGES)), option('name', anyPeer)],
  async run(ctx, args) {
    const tc = ctx.services.traffic;
    if (!tc) throw new UserError('traffic.off');
    const range: TrafficRange = args.range ?? '24h';
    const name = args.name;
    const peers = ctx.services.peers;
    const views = name ? [requireVisiblePeer(ctx, name)] : peers.list().filter((v) => ctx.actor.role === 'admin' || v.meta?.owner === ctx.actor.key);
    if (views.length === 0) return { blocks: [paragraph(ctx.t('traffic.none'))] };
    const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
    const series = await peerSeries(tc, views, range, nowSeconds);
    const who = name ? views[0]!.entry.name : ctx.t('traffic.all');
    const received = series.reduce((n, s) => n + s.received, 0);
    const sent = series.reduce((n, s) => n + s.sent, 0);
    const reply: Reply = {
      blocks: [paragraph(bold(ctx.t('traffic.totals', { who, range, rx: formatSize(received), tx: formatSize(sent) })))],
    };
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
    else
      reply.attachments = [
        {
          kind: 'image',
          name: `traffic-${name ? views[0]!.entry.name : 'all'}-${range}.png`,
          data: png,
          mimeType: 'image/png',
          caption: ctx.t('traffic.caption', { range }),
        },
      ];
    return reply;
  },
});
