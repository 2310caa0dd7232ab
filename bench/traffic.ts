/**
 * Traffic bench rows: the sampler's CPU cost per sample at 1,000 and 10,000 peers (every peer moving
 * bytes: the worst case), the history flush, the disk the history takes at 1,000 peers, and a chart's
 * time and RSS (first chart: worker, Vega-Lite, Vega, resvg's WebAssembly and the fonts loaded; second
 * chart; RSS before, at its peak while drawing, and after the worker has ended).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartFonts, renderChartPng } from '../src/chart/render.js';
import { CHART_WIDTH, trafficChartSpec } from '../src/core/traffic-chart.js';
import { TrafficService, type TrafficPeers } from '../src/core/traffic-service.js';
import { zoneOffsetMinutes } from '../src/core/traffic.js';
import { parseWgDump } from '../src/core/wg-dump.js';
import { createProcessRunner, type CommandRunner } from '../src/exec/runner.js';
import { createLogger } from '../src/log/logger.js';
import { openTrafficStore, RING_FILE_BYTES } from '../src/store/traffic-store.js';

const key = () => randomBytes(32).toString('base64');
const mib = (bytes: number) => bytes / 2 ** 20;

async function samplingRow(count: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-traffic-bench-'));
  const keys = Array.from({ length: count }, key);
  const counters: [number, number][] = keys.map(() => [0, 0]);
  let clock = 1_800_000_000;
  const header = `${key()}\t${key()}\t51820\toff\n`;
  const peers: TrafficPeers = {
    offline: false,
    list: () => keys.map((k, i) => ({ entry: { name: `peer${i}`, publicKey: k, allowedIps: [`10.80.${i >> 8}.${i & 255}/32`], enabled: true } })),
    // The text `wg show IFACE dump` prints, parsed as the bot parses it (the `wg` process itself is not counted).
    liveState: async () =>
      parseWgDump(
        header +
          keys
            .map(
              (k, i) =>
                `${k}\t(none)\t198.51.100.${i % 250}:${1024 + (i % 60000)}\t10.80.${i >> 8}.${i & 255}/32\t${clock - 30}\t${counters[i]![0]}\t${counters[i]![1]}\t25`,
            )
            .join('\n'),
      ),
    setEnabled: async () => ({ changed: false }),
  };
  const service = new TrafficService({
    store: openTrafficStore(dir),
    peers,
    logger: createLogger({ level: 'error', write: () => undefined }),
    now: () => new Date(clock * 1000),
    settings: {
      sampleSeconds: 60,
      flushSeconds: 1e9,
      quotaResetDay: 1,
      timeZone: 'Asia/Tokyo',
      presence: { onlineSeconds: 180, graceSeconds: 120, debounceSeconds: 600 },
    },
  });
  await service.start();
  const tick = async () => {
    clock += 60;
    for (const c of counters) {
      c[0] += 150_000;
      c[1] += 900_000;
    }
    await service.sample();
  };
  await tick();
  await tick();
  const runs = 10;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await tick();
  const wall = (performance.now() - t0) / runs;
  const cpuUse = process.cpuUsage(cpu0);
  const cpuMs = (cpuUse.user + cpuUse.system) / 1000 / runs;
  const f0 = process.cpuUsage();
  const ft = performance.now();
  await service.flush();
  const flushWall = performance.now() - ft;
  const flushCpu = process.cpuUsage(f0);
  const flushCpuMs = (flushCpu.user + flushCpu.system) / 1000;
  const disk = await openTrafficStore(dir).diskBytes();
  rmSync(dir, { recursive: true, force: true });
  // Per minute: one sample every 60 s plus a fifth of a flush (every 300 s).
  const share = ((cpuMs + flushCpuMs / 5) / 60_000) * 100;
  return `traffic sampling at ${String(count).padStart(5)} peers: ${cpuMs.toFixed(1)} ms CPU (${wall.toFixed(1)} ms wall) a sample; history flush ${flushCpuMs.toFixed(0)} ms CPU (${flushWall.toFixed(0)} ms wall, ${count} files); ${share.toFixed(3)} % of one core at 60 s / 300 s; history on disk ${mib(disk).toFixed(1)} MiB (${RING_FILE_BYTES} B a peer, fixed)`;
}

async function chartRows(): Promise<string[]> {
  // The drawing process's own peak RSS through GNU time (%M, KiB) when it is installed.
  const plain = createProcessRunner();
  const timed = existsSync('/usr/bin/time');
  let childKib = 0;
  const runner: CommandRunner = {
    async run(file, args, options) {
      if (!timed) return plain.run(file, args, options);
      const r = await plain.run('/usr/bin/time', ['-f', '%M', file, ...args], options);
      childKib = Math.max(childKib, Number(/(\d+)\s*$/.exec(r.stderr)?.[1] ?? 0));
      return r;
    },
  };
  const fonts = chartFonts();
  if (fonts.length === 0) return ['traffic chart: no font installed (fonts-dejavu-core, fonts-ipafont-gothic): not measured'];
  const now = Math.floor(Date.now() / 1000);
  const series = Array.from({ length: 11 }, (_, s) => ({
    label: s === 10 ? 'その他' : `peer${s}`,
    points: Array.from({ length: 144 }, (_, i) => ({ at: now - 86400 + i * 600, rx: (s + 1) * 1e6 * (1 + Math.sin(i / 9 + s)), tx: 2e5 })),
  }));
  const spec = trafficChartSpec({
    title: '全ピア — 直近 24h',
    range: '24h',
    series,
    stacked: true,
    offsetMinutes: (ms) => zoneOffsetMinutes('Asia/Tokyo', ms),
    timeLabel: '時刻 (Asia/Tokyo)',
    font: 'DejaVu Sans, IPAGothic, sans-serif',
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const png = await renderChartPng(runner, spec, { fonts, family: 'DejaVu Sans', width: CHART_WIDTH });
  const first = performance.now() - t0;
  const t1 = performance.now();
  await renderChartPng(runner, spec, { fonts, family: 'DejaVu Sans', width: CHART_WIDTH });
  const second = performance.now() - t1;
  clearInterval(watch);
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  const after = process.memoryUsage().rss;
  const childPeak = timed ? `${(childKib / 1024).toFixed(0)} MiB` : 'not measured (no /usr/bin/time)';
  return [
    `traffic chart (11 stacked series, ${CHART_WIDTH} px PNG, ${(png.length / 1024).toFixed(0)} KiB; Vega-Lite → Vega SVG → resvg-wasm in a child process): first ${first.toFixed(0)} ms, next ${second.toFixed(0)} ms; bot RSS ${mib(before).toFixed(0)} MiB before, ${mib(peak).toFixed(0)} MiB peak while drawing, ${mib(after).toFixed(0)} MiB after; drawing process peak RSS ${childPeak}`,
  ];
}

export async function benchTraffic(sizes: readonly number[] = [1_000, 10_000]): Promise<string[]> {
  const lines: string[] = [];
  for (const n of sizes) lines.push(await samplingRow(n));
  lines.push(...(await chartRows()));
  return lines;
}
