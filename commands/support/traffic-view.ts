/** What /traffic shows: each visible peer's points for a range, its totals, and the chart request. */
import type { CommandContext } from '../../src/core/command.js';
import type { PeerView } from '../../src/core/peer-service.js';
import type { TrafficCommands } from '../../src/core/services.js';
import { formatSize } from '../../src/core/size.js';
import type { ChartSeries } from '../../src/core/traffic-chart.js';
import { groupPoints, rangePlan, readRing, TIERS, zoneOffsetMinutes, type Point, type TrafficRange } from '../../src/core/traffic.js';

/** Top peers drawn one by one; the rest as "others". */
export const TOP_PEERS = 10;

export interface PeerSeries {
  name: string;
  /** Device's view: received = what the Pi sent it (the interface's tx), sent = the interface's rx. */
  received: number;
  sent: number;
  points: Point[];
}

export async function peerSeries(tc: TrafficCommands, views: readonly PeerView[], range: TrafficRange, nowSeconds: number): Promise<PeerSeries[]> {
  const plan = rangePlan(range);
  const tier = TIERS[plan.tier]!;
  const out: PeerSeries[] = [];
  for (const view of views) {
    const history = await tc.service.history(view.entry.publicKey);
    const points = groupPoints(readRing(history.rings[plan.tier]!, tier, nowSeconds - plan.seconds + 1, nowSeconds), plan.group);
    out.push({ name: view.entry.name, received: sum(points, 'tx'), sent: sum(points, 'rx'), points });
  }
  return out.sort((a, b) => b.received + b.sent - (a.received + a.sent) || a.name.localeCompare(b.name));
}

const sum = (points: readonly Point[], k: 'rx' | 'tx') => points.reduce((s, p) => s + p[k], 0);

/** One peer: its received and sent lines. Several: the top ten and "others", stacked (received + sent). */
export function chartSeries(ctx: CommandContext, series: readonly PeerSeries[], single: boolean): ChartSeries[] {
  if (single) {
    const s = series[0]!;
    return [
      { label: ctx.t('traffic.received'), points: s.points.map((p) => ({ at: p.at, rx: p.tx, tx: 0 })) },
      { label: ctx.t('traffic.sent'), points: s.points.map((p) => ({ at: p.at, rx: p.rx, tx: 0 })) },
    ];
  }
  const top = series.slice(0, TOP_PEERS).map((s) => ({ label: s.name, points: s.points }));
  const rest = series.slice(TOP_PEERS);
  if (rest.length > 0) {
    const points = rest[0]!.points.map((p, i) => ({
      at: p.at,
      rx: rest.reduce((n, s) => n + (s.points[i]?.rx ?? 0), 0),
      tx: rest.reduce((n, s) => n + (s.points[i]?.tx ?? 0), 0),
    }));
    top.push({ label: ctx.t('traffic.others'), points });
  }
  return top;
}

export function totalsLines(ctx: CommandContext, series: readonly PeerSeries[]): string[] {
  const lines = series.slice(0, TOP_PEERS).map((s) => ctx.t('traffic.line', { name: s.name, rx: formatSize(s.received), tx: formatSize(s.sent) }));
  const rest = series.slice(TOP_PEERS);
  if (rest.length > 0) {
    const rx = rest.reduce((n, s) => n + s.received, 0);
    const tx = rest.reduce((n, s) => n + s.sent, 0);
    lines.push(ctx.t('traffic.line', { name: `${ctx.t('traffic.others')} (${rest.length})`, rx: formatSize(rx), tx: formatSize(tx) }));
  }
  return lines;
}

export function zoneName(timeZone: string | undefined): string {
  return timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

export const offsetIn = (timeZone: string | undefined) => (ms: number) => zoneOffsetMinutes(timeZone, ms);
