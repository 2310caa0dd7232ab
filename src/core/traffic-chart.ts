/**
 * The /traffic chart as a Vega-Lite spec (pure data; src/chart/ draws it). Times are shifted into the
 * chart's time zone here and drawn on a UTC scale, so the axis shows the user's local time whatever the
 * process's own zone. Sizes in decimal units (MB, GB), large type for a phone screen.
 */
import type { Point } from './traffic.js';
import type { TrafficRange } from './traffic.js';

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 620;

export interface ChartSeries {
  label: string;
  points: readonly Point[];
}

export interface ChartRequest {
  title: string;
  range: TrafficRange;
  /** One peer: its received and sent series. All: one series per peer (rx+tx), stacked. */
  series: readonly ChartSeries[];
  stacked: boolean;
  /** Minutes east of UTC at a moment (ms). */
  offsetMinutes: (ms: number) => number;
  /** Axis title for the time axis, e.g. "time (Asia/Tokyo)". */
  timeLabel: string;
  /** The font family list for every text. */
  font: string;
}

const UNITS: [number, string][] = [
  [1e12, 'TB'],
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'KB'],
];

/** The unit a chart's largest value reads best in (at least KB). */
export function chartUnit(max: number): { factor: number; name: string } {
  for (const [factor, name] of UNITS) if (max >= factor) return { factor, name };
  return { factor: 1e3, name: 'KB' };
}

const FORMAT: Record<TrafficRange, string> = { '24h': '%H:%M', '7d': '%m/%d', '30d': '%m/%d', '90d': '%m/%d' };

export function trafficChartSpec(req: ChartRequest): Record<string, unknown> {
  const values: { t: number; v: number; s: string }[] = [];
  let max = 0;
  const stackTotals = new Map<number, number>();
  for (const s of req.series) {
    for (const p of s.points) {
      const v = p.rx + p.tx;
      values.push({ t: p.at * 1000 + req.offsetMinutes(p.at * 1000) * 60_000, v, s: s.label });
      if (req.stacked) stackTotals.set(p.at, (stackTotals.get(p.at) ?? 0) + v);
      else max = Math.max(max, v);
    }
  }
  if (req.stacked) max = Math.max(0, ...stackTotals.values());
  const unit = chartUnit(max);
  for (const v of values) v.v /= unit.factor;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH - 180,
    height: CHART_HEIGHT - 170,
    background: 'white',
    padding: 16,
    title: { text: req.title, fontSize: 30, anchor: 'start' },
    config: {
      font: req.font,
      axis: { labelFontSize: 22, titleFontSize: 22, grid: true },
      legend: { labelFontSize: 22, titleFontSize: 0, orient: 'bottom', columns: 3, symbolSize: 300, labelLimit: 260 },
    },
    data: { values },
    mark: req.stacked ? { type: 'area', line: true, opacity: 0.8 } : { type: 'line', strokeWidth: 3 },
    encoding: {
      x: {
        field: 't',
        type: 'temporal',
        scale: { type: 'utc' },
        axis: { labelExpr: `utcFormat(datum.value, '${FORMAT[req.range]}')`, title: req.timeLabel, labelAngle: 0, tickCount: 6 },
      },
      y: { field: 'v', type: 'quantitative', stack: req.stacked ? 'zero' : null, axis: { title: unit.name, tickCount: 6 } },
      color: { field: 's', type: 'nominal', sort: req.series.map((s) => s.label), title: null },
    },
  };
}
