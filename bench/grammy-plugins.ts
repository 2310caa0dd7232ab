/**
 * What grammY's plugins would cost in resident memory, the measurement behind the comments in
 * src/chat/telegram/queue.ts and retry.ts: a fresh Node process loads grammY's web build (what the bot
 * uses), then one plugin, and reports its RSS. The plugins are not dependencies; install them somewhere
 * (`npm i --prefix /tmp/plugins grammy@<ours> @grammyjs/runner @grammyjs/auto-retry
 * @grammyjs/transformer-throttler`) and run `node --expose-gc dist/bench/grammy-plugins.js /tmp/plugins`.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? '.');
const PLUGINS = ['', '@grammyjs/runner', '@grammyjs/auto-retry', '@grammyjs/transformer-throttler'];
const RUNS = 3;

// Run as its own process each time, so nothing loaded by one measurement counts in another.
const probe = `
const { createRequire } = require('node:module');
const req = createRequire(${JSON.stringify(`${dir}/package.json`)});
(async () => {
  await import(req.resolve('grammy/web'));
  const plugin = process.argv[1];
  if (plugin) req(plugin);
  await new Promise((r) => setTimeout(r, 200));
  globalThis.gc?.();
  process.stdout.write(String(process.memoryUsage().rss));
})();`;

for (const plugin of PLUGINS) {
  const rss: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) rss.push(Number(execFileSync(process.execPath, ['--expose-gc', '-e', probe, plugin], { encoding: 'utf8' })) / 2 ** 20);
  } catch {
    console.log(`${(plugin || 'grammy/web').padEnd(34)} not installed in ${dir}`);
    continue;
  }
  const median = rss.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  console.log(`${(plugin ? `grammy/web + ${plugin}` : 'grammy/web').padEnd(50)} RSS ${median.toFixed(1)} MiB (median of ${RUNS})`);
}
