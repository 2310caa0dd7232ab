// The runtime as a few bundled files (dist/bundle), which bin/wg-chatops.js runs: resolving and loading
// ~200 separate modules (zod alone is ~95) cost about 70 ms of every start. What is loaded only on demand
// (a chat platform, execa, qrcode) stays outside, so it is still loaded only when needed.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true }); // chunk names carry a hash: do not keep the old ones
await build({
  // node-check: what bin/wg-chatops.js loads first, on any Node, to refuse one too old for main (see its comment).
  entryPoints: {
    main: new URL('../src/main.ts', import.meta.url).pathname,
    'node-check': new URL('../src/install/node-version.ts', import.meta.url).pathname,
  },
  bundle: true,
  splitting: true, // the install/doctor code and the chat adapters stay in chunks of their own
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  sourcemap: true, // for NODE_OPTIONS=--enable-source-maps when a stack trace is needed
  external: ['grammy', '@slack/bolt', 'execa', 'qrcode', 'prom-client'],
  logLevel: 'warning',
});
