/**
 * Draws a Vega-Lite spec as a PNG: Vega-Lite → Vega → SVG (pure JavaScript), then resvg (WebAssembly)
 * → PNG. All of it runs in a separate Node process started for one chart (through the command runner,
 * argv only, the spec on stdin, the PNG back as base64): the chart libraries and the WebAssembly memory
 * are loaded only when a chart is asked for, and every byte of them is given back to the system when that
 * process ends. A worker thread was measured first: the bot's RSS stayed ~160 MiB higher after it had
 * ended (freed heap that the allocator keeps). Chosen by measurement: see README "Traffic charts".
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CommandRunner } from '../exec/runner.js';

/** Latin text (fonts-dejavu-core), then Japanese (any package giving fonts-japanese-gothic.ttf, or Noto CJK). */
export const DEFAULT_CHART_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/fonts-japanese-gothic.ttf',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
];

/** The font files that exist (the first that exist of the defaults, or the configured ones). */
export function chartFonts(paths: readonly string[] = DEFAULT_CHART_FONTS): string[] {
  return paths.filter((p) => existsSync(p));
}

const DRAW = `
const { readFileSync } = require('node:fs');
(async () => {
  const job = JSON.parse(readFileSync(0, 'utf8'));
  const vl = await import(job.vegaLite);
  const vega = await import(job.vega);
  const resvg = await import(job.resvg);
  const view = new vega.View(vega.parse(vl.compile(job.spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  await resvg.initWasm(readFileSync(job.wasm));
  const fontBuffers = job.fonts.map((p) => readFileSync(p));
  const r = new resvg.Resvg(svg, { font: { fontBuffers, loadSystemFonts: false, defaultFontFamily: job.family, sansSerifFamily: job.family }, fitTo: { mode: 'width', value: job.width } });
  process.stdout.write(Buffer.from(r.render().asPng()).toString('base64'));
})().catch((e) => {
  process.stderr.write(String((e && e.stack) || e));
  process.exit(1);
});
`;

export interface RenderOptions {
  fonts: readonly string[];
  /** The family resvg uses for "sans-serif" and unnamed text. */
  family: string;
  width: number;
  /** Generous: a Pi Zero takes seconds. */
  timeoutMs?: number;
}

export async function renderChartPng(runner: CommandRunner, spec: Record<string, unknown>, options: RenderOptions): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const url = (id: string) => pathToFileURL(require.resolve(id)).href;
  const wasm = require.resolve('@resvg/resvg-wasm/index_bg.wasm');
  const job = {
    spec,
    vegaLite: url('vega-lite'),
    vega: url('vega'),
    // Its ES module build, beside the WebAssembly file (the package exports only its CommonJS one by name).
    resvg: pathToFileURL(join(dirname(wasm), 'index.mjs')).href,
    wasm,
    fonts: options.fonts,
    family: options.family,
    width: options.width,
  };
  const result = await runner.run(process.execPath, ['--max-old-space-size=192', '-e', DRAW], {
    input: JSON.stringify(job),
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  const png = Buffer.from(result.stdout, 'base64');
  if (png.length < 8 || png.readUInt32BE(0) !== 0x89504e47) throw new Error('drawing the chart gave no PNG');
  return new Uint8Array(png);
}
