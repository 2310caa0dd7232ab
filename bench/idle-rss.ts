/**
 * Idle memory of the real program (bin/wg-chatops.js) as a Pi runs it: Telegram only, Telegram and
 * Slack, at 1,000 and 10,000 peers (and the console at 10,000, for the start-up), against the local fake Bot API and Slack servers (loopback only).
 * Time to "ready" and VmRSS after the start-up garbage settled. `node dist/bench/idle-rss.js` prints
 * the table; BENCH_NODE_FLAGS="--max-semi-space-size=1" runs the program with those Node flags;
 * BENCH_HEAP_SNAPSHOT=DIR writes a heap snapshot of each idle program there (SIGUSR2).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyBotData } from '../src/store/bot-db.js';
import { FAKE_SLACK_APP_TOKEN, FAKE_SLACK_BOT_TOKEN, FakeSlack } from '../test/fakes/slack-server.js';
import { FakeBotApi } from '../test/fakes/telegram-bot-api.js';
import { writeServerConfig } from '../test/helpers/telegram-bot.js';
import { offlineProgramEnv } from './lab.js';

const BIN = fileURLToPath(new URL('../../bin/wg-chatops.js', import.meta.url));
const SLACK_BOT = FAKE_SLACK_BOT_TOKEN;
const SLACK_APP = FAKE_SLACK_APP_TOKEN;

export interface IdleCase {
  peers: number;
  telegram: boolean;
  slack: boolean;
  nodeFlags?: string[];
}

export interface IdleResult {
  readyMs: number;
  rssMiB: number;
  heapSnapshot?: string;
}

/** A server config with `peers` PiVPN blocks and a database that knows each of them. */
function prepare(dir: string, iface: string, peers: number): void {
  const conf = writeServerConfig(dir, iface, peers);
  const records: Record<string, unknown> = {};
  const names = [...readFileSync(conf, 'utf8').matchAll(/### begin (\S+) ###[\s\S]*?PublicKey = (\S+)/g)];
  for (const [, name, publicKey] of names) records[name!] = { name, publicKey, owner: 'telegram:1', createdAt: '2026-01-01T00:00:00.000Z' };
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
  writeFileSync(join(dir, 'data', 'db.json'), JSON.stringify({ ...emptyBotData(), peers: records }), { mode: 0o600 });
}

export async function measureIdle(c: IdleCase, settleMs = 3000): Promise<IdleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-idle-'));
  const iface = 'wgidle0';
  prepare(dir, iface, c.peers);
  const telegram = c.telegram ? await FakeBotApi.start() : undefined;
  const slack = c.slack ? await FakeSlack.start({ botToken: SLACK_BOT, appToken: SLACK_APP, users: [{ id: 'U0ADMIN', name: 'admin' }] }) : undefined;
  const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT;
  const env: Record<string, string> = {
    ...offlineProgramEnv(iface, dir),
    LOG_LEVEL: 'info',
    ...(telegram ? { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_ADMIN_IDS: '1' } : {}),
    ...(slack ? { SLACK_BOT_TOKEN: SLACK_BOT, SLACK_APP_TOKEN: SLACK_APP, SLACK_ADMIN_IDS: 'U0ADMIN', SLACK_API_URL: slack.apiUrl } : {}),
  };
  const flags = [...(c.nodeFlags ?? []), ...(snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : [])];
  const t0 = performance.now();
  const child = spawn(process.execPath, [...flags, BIN], {
    env,
    cwd: dir,
    stdio: [c.telegram || c.slack ? 'ignore' : 'pipe', 'ignore', 'pipe'],
  });
  try {
    let err = '';
    const readyMs = await new Promise<number>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`not ready within 60 s: ${err.slice(-800)}`)), 60_000);
      child.stderr!.on('data', (d) => {
        err += d;
        if (err.includes('wg-chatops ready')) {
          clearTimeout(deadline);
          resolve(performance.now() - t0);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${err.slice(-800)}`)));
    });
    await new Promise((r) => setTimeout(r, settleMs));
    const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    let heapSnapshot: string | undefined;
    if (snapshotDir) {
      const before = new Set(readdirSync(snapshotDir));
      child.kill('SIGUSR2');
      for (let i = 0; i < 200 && !heapSnapshot; i++) {
        await new Promise((r) => setTimeout(r, 100));
        heapSnapshot = readdirSync(snapshotDir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
      }
      await new Promise((r) => setTimeout(r, 1500)); // the file is written in one go after it appears
    }
    return { readyMs, rssMiB, ...(heapSnapshot ? { heapSnapshot: join(snapshotDir!, heapSnapshot) } : {}) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
    await telegram?.close();
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const IDLE_CASES: Array<[string, IdleCase]> = [
  ['Telegram, 1,000 peers', { peers: 1_000, telegram: true, slack: false }],
  ['Telegram + Slack, 1,000 peers', { peers: 1_000, telegram: true, slack: true }],
  ['Telegram, 10,000 peers', { peers: 10_000, telegram: true, slack: false }],
  // No chat token: the console (its input stays open); "ready" here is the start-up itself.
  ['Console, 10,000 peers', { peers: 10_000, telegram: false, slack: false }],
];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  console.log(`idle RSS of the bundled program, node ${process.version}, flags: ${nodeFlags.join(' ') || '(none)'}; ${runs} runs each (min–max)`);
  for (const [label, c] of IDLE_CASES) {
    const r: IdleResult[] = [];
    for (let i = 0; i < runs; i++) r.push(await measureIdle({ ...c, nodeFlags }));
    const range = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
    console.log(
      `${label.padEnd(30)} ready ${range(
        r.map((x) => x.readyMs / 1000),
        2,
      )} s   idle RSS ${range(
        r.map((x) => x.rssMiB),
        1,
      )} MiB${r.some((x) => x.heapSnapshot) ? `   ${r.map((x) => x.heapSnapshot).join(' ')}` : ''}`,
    );
  }
}
