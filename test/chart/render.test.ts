import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { chartFonts, renderChartPng } from '../../src/chart/render.js';
import { CHART_WIDTH, chartUnit, trafficChartSpec } from '../../src/core/traffic-chart.js';
import { zoneOffsetMinutes } from '../../src/core/traffic.js';
import { createProcessRunner } from '../../src/exec/runner.js';

const runner = createProcessRunner();

const now = Math.floor(Date.UTC(2026, 11, 2, 3) / 1000);
const points = (scale: number) => Array.from({ length: 144 }, (_, i) => ({ at: now - 86400 + i * 600, rx: scale * 1e6 * (1 + Math.sin(i / 10)), tx: 0 }));

describe('traffic chart', () => {
  it('picks a decimal unit for the largest value', () => {
    expect(chartUnit(999)).toEqual({ factor: 1e3, name: 'KB' });
    expect(chartUnit(1.5e6)).toEqual({ factor: 1e6, name: 'MB' });
    expect(chartUnit(2e9)).toEqual({ factor: 1e9, name: 'GB' });
  });

  it('shifts times into the chart time zone', () => {
    const spec = trafficChartSpec({
      title: 't',
      range: '24h',
      series: [{ label: 'a', points: [{ at: now, rx: 1, tx: 1 }] }],
      stacked: false,
      offsetMinutes: () => 540,
      timeLabel: 'x',
      font: 'sans-serif',
    });
    const values = (spec.data as { values: { t: number; v: number }[] }).values;
    expect(values[0]!.t).toBe(now * 1000 + 540 * 60_000);
    expect(values[0]!.v).toBe(0.002); // 2 bytes in KB
  });

  it('draws a PNG of the expected size that is not blank, with Japanese labels', async () => {
    const fonts = chartFonts();
    expect(fonts.length).toBeGreaterThan(0);
    const spec = trafficChartSpec({
      title: 'laptop — 24h 受信 / 送信',
      range: '24h',
      series: [
        { label: '受信 ↓', points: points(50) },
        { label: '送信 ↑', points: points(10) },
      ],
      stacked: false,
      offsetMinutes: (ms) => zoneOffsetMinutes('Asia/Tokyo', ms),
      timeLabel: '時刻 (Asia/Tokyo)',
      font: 'DejaVu Sans, IPAGothic, sans-serif',
    });
    const png = PNG.sync.read(Buffer.from(await renderChartPng(runner, spec, { fonts, family: 'DejaVu Sans', width: CHART_WIDTH })));
    expect(png.width).toBe(CHART_WIDTH);
    expect(png.height).toBeGreaterThan(400);
    // Not blank: many pixels differ from the white background, in more than two colours.
    const colours = new Set<number>();
    let ink = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      if (r < 240 || g < 240 || b < 240) ink++;
      colours.add((r << 16) | (g << 8) | b);
    }
    expect(ink).toBeGreaterThan(png.width * png.height * 0.01);
    expect(colours.size).toBeGreaterThan(10);
  });
});
