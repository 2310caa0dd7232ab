/**
 * Draws a Vega-Lite spec as a PNG: Vega-Lite → Vega → SVG (pure JavaScript), then resvg (WebAssembly)
 * → PNG. All of it runs in a worker thread started for one chart and ended after it, so the chart
 * libraries (~25 MB of heap and the WebAssembly memory) are loaded only when a chart is asked for and
 * their memory is given back afterwards. Chosen by measurement: see README "Traffic charts".
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

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

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
(async () => {
  const vl = await import(workerData.vegaLite);
  const vega = await import(workerData.vega);
  const resvg = await import(workerData.resvg);
  const view = new vega.View(vega.parse(vl.compile(workerData.spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  await resvg.initWasm(readFileSync(workerData.wasm));
  const fontBuffers = workerData.fonts.map((p) => readFileSync(p));
  const r = new resvg.Resvg(svg, { font: { fontBuffers, loadSystemFonts: false, defaultFontFamily: workerData.family, sansSerifFamily: workerData.family }, fitTo: { mode: 'width', value: workerData.width } });
  const png = r.render().asPng();
  r.free();
  parentPort.postMessage({ png }, [png.buffer]);
})().catch((e) => parentPort.postMessage({ error: String((e && e.stack) || e) }));
`;

export interface RenderOptions {
  fonts: readonly string[];
  /** The family resvg uses for "sans-serif" and unnamed text. */
  family: string;
  width: number;
  /** Generous: a Pi Zero takes seconds. */
  timeoutMs?: number;
}

export function renderChartPng(spec: Record<string, unknown>, options: RenderOptions): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const url = (id: string) => pathToFileURL(require.resolve(id)).href;
  const wasm = require.resolve('@resvg/resvg-wasm/index_bg.wasm');
  const workerData = {
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
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData, resourceLimits: { maxOldGenerationSizeMb: 192 } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error('drawing the chart timed out'));
    }, options.timeoutMs ?? 60_000);
    worker.once('message', (m: { png?: Uint8Array; error?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (m.png) resolve(new Uint8Array(m.png));
      else reject(new Error(`drawing the chart failed: ${m.error ?? 'no image'}`));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error('the chart worker failed', { cause: error }));
    });
  });
}
