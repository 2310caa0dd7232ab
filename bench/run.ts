/**
 * `npm run bench`: /addpeer through the command layer (keys, allocation, database, config file,
 * `wg set`, QR PNG) at 10, 1,000 and 10,000 existing peers, /peers, start-up and RSS; and at 1,000 once
 * more with the `wg` CLI instead of the control socket, which is what a kernel interface (a Pi) gets.
 * Uses a live wireguard-go interface in a private network namespace when run as root with
 * wireguard-go installed; otherwise measures offline (no `wg set`) and says so.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../src/app.js';
import { NftPeerPolicy } from '../src/firewall/nft.js';
import type { ChatAdapter } from '../src/chat/adapter.js';
import { parseConfig } from '../src/config/index.js';
import { addressForV4, tunnelSubnetFromCidr } from '../src/core/allocate.js';
import { generateKeyPair, generatePresharedKey } from '../src/core/keys.js';
import { renderPeerBlock } from '../src/core/server-config.js';
import { formatIPv4, parseIPv4 } from '../src/core/ip.js';
import { createProcessRunner } from '../src/exec/runner.js';
import { wgCliInterface } from '../src/wireguard/wg-cli.js';
import { createLogger } from '../src/log/logger.js';
import type { PeerMeta } from '../src/core/peer.js';
import { emptyBotData } from '../src/store/bot-db.js';
import { canUseLive, percentile, serviceEnvironment, serviceNodeFlags, startLiveInterface } from './lab.js';
import { benchTelegramAddpeer } from './telegram-addpeer.js';
import { rename, writeFile } from 'node:fs/promises';
import { writeFileAtomic } from '../src/store/atomic-file.js';
import { openJournal } from '../src/store/journal.js';
import { benchSustained, formatSustained, sustainedOptionsFrom } from './sustained.js';
import { benchTraffic } from './traffic.js';
import { benchFirewall } from './firewall.js';

// `npm run bench -- 1000` measures only that size (and skips the Telegram run), e.g. under --cpu-prof.
const chosen = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n >= 0);
const SIZES = chosen.length > 0 ? chosen : [10, 1_000, 10_000];
// 200 adds (the first 10 not counted): a p95 of 50 was the third-slowest add, and moved by several ms from run to run.
const ADDS = Number(process.env.BENCH_ADDS ?? 200);

/**
 * A server config with `count` peers in PiVPN blocks (a /16 so 10,000 fit), and a database that knows
 * each of them (owner, creation time, kept client key), as after `count` real adds.
 */
function populate(dir: string, iface: string, count: number, serverKey: string): string {
  const subnet = tunnelSubnetFromCidr('10.80.0.0/16');
  const blocks: string[] = [];
  const peers: Record<string, PeerMeta> = {};
  const base = parseIPv4('10.80.0.2');
  for (let i = 0; i < count; i++) {
    const addr = addressForV4(subnet, formatIPv4(base + i));
    const keys = generateKeyPair();
    const name = `seed${i}`;
    blocks.push(
      renderPeerBlock({
        name,
        publicKey: keys.publicKey,
        presharedKey: generatePresharedKey(),
        allowedIps: addr.allowedIps,
        enabled: true,
      }),
    );
    peers[name] = {
      name,
      publicKey: keys.publicKey,
      owner: 'bench:admin',
      createdAt: new Date().toISOString(),
      privateKey: keys.privateKey,
    };
  }
  const path = join(dir, `${iface}.conf`);
  writeFileSync(path, `[Interface]\nPrivateKey = ${serverKey}\nAddress = 10.80.0.1/16\nListenPort = 51999\n\n${blocks.join('')}`, {
    mode: 0o600,
  });
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
  writeFileSync(join(dir, 'data', 'db.json'), JSON.stringify({ ...emptyBotData(), peers }), { mode: 0o600 });
  return path;
}

class SilentAdapter implements ChatAdapter {
  readonly platform = 'bench';
  readonly deletesMessages = true;
  async start() {}
  async stop() {}
  adminIds() {
    return ['admin'];
  }
  async send() {
    return [{ platform: 'bench', chatId: 'admin', messageId: '1', recipient: 'bench:admin' }];
  }
  async edit() {}
  async deleteMessage() {}
}

/** `viaCli`: drive the interface with the `wg` CLI, as for a kernel interface (a Pi), instead of its control socket. */
/** A private namespace whose nftables receive the bot's per-peer rules (a profile bench); undefined without root/nft. */
function firewallNamespace(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
    const ns = `wgbfw${randomBytes(3).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', ns]);
    return ns;
  } catch {
    return undefined;
  }
}

async function measure(count: number, live: boolean, viaCli = false, profile?: string) {
  const iface = `wgb${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'wgc-bench-'));
  const serverKey = generateKeyPair().privateKey;
  const confPath = populate(dir, iface, count, serverKey);
  const liveInterface = live ? startLiveInterface(iface, confPath, dir) : undefined;
  const logger = createLogger({ level: 'error' });
  const config = parseConfig(
    {
      WG_INTERFACE: iface,
      WG_CONFIG_DIR: dir,
      WG_ENDPOINT: 'vpn.example.net',
      DATA_DIR: join(dir, 'data'),
      WG_OFFLINE: live ? 'false' : 'true',
      SECRET_TTL_SECONDS: '0',
      WG_FIREWALL: 'off',
    },
    { isRoot: true, cwd: dir },
  );
  let app: App | undefined;
  let fwNs: string | undefined;
  try {
    const t0 = performance.now();
    const runner = createProcessRunner();
    fwNs = profile ? firewallNamespace() : undefined;
    let built: App | undefined;
    const policy = fwNs
      ? new NftPeerPolicy({
          runner,
          nft: ['ip', 'netns', 'exec', fwNs, 'nft'],
          settings: () => {
            const t = built!.peers.tunnel();
            return {
              iface,
              tunnelNetworks: t.networks,
              serverAddresses: t.serverAddresses,
              lanSubnets: ['192.168.1.0/24'],
              isolation: true,
            };
          },
        })
      : undefined;
    app = built = await buildApp(config, {
      logger,
      runner,
      lanSubnets: ['192.168.1.0/24'],
      ...(policy ? { policy } : {}),
      ...(viaCli ? { live: wgCliInterface(iface, runner) } : {}),
    });
    app.addAdapter(new SilentAdapter());
    await app.start();
    const startup = performance.now() - t0;

    const times: number[] = [];
    for (let i = 0; i < ADDS; i++) {
      const t = performance.now();
      const reply = await app.dispatcher.handle({
        platform: 'bench',
        userId: 'admin',
        displayName: 'bench',
        text: `/addpeer n${i}${profile ? ` ${profile}` : ''}`,
        isPrivateChat: true,
      });
      times.push(performance.now() - t);
      if (reply !== null) throw new Error(`unexpected reply: ${JSON.stringify(reply.blocks)}`);
    }
    const tp = performance.now();
    await app.dispatcher.handle({ platform: 'bench', userId: 'admin', displayName: 'bench', text: '/peers', isPrivateChat: true });
    const peersMs = performance.now() - tp;
    (globalThis as { gc?: () => void }).gc?.();
    const rss = process.memoryUsage().rss / 2 ** 20;
    await app.stop();
    app = undefined;
    // The program itself always starts on the control socket: its start-up is measured on the other rows.
    const proc = viaCli
      ? { processReadyMs: Number.NaN, processRss: Number.NaN }
      : await processStarts({
          WG_INTERFACE: iface,
          WG_CONFIG_DIR: dir,
          WG_ENDPOINT: 'vpn.example.net',
          DATA_DIR: join(dir, 'data'),
          WG_OFFLINE: live ? 'false' : 'true',
          WG_FIREWALL: 'off',
        });
    return {
      count,
      p50: percentile(times.slice(10), 50),
      p95: percentile(times.slice(10), 95),
      peersMs,
      startup,
      rss,
      firewall: policy !== undefined,
      ...proc,
    };
  } finally {
    await app?.stop();
    liveInterface?.stop();
    if (fwNs) execFileSync('ip', ['netns', 'del', fwNs]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const BIN = fileURLToPath(new URL('../../bin/wg-chatops.js', import.meta.url));

const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 5);

/**
 * The program started START_RUNS times (BENCH_START_RUNS, default 5; one start is too noisy): the median time
 * to "ready" and the median RSS then. BENCH_VERBOSE=1 prints every start's time.
 */
async function processStarts(env: Record<string, string>): Promise<{ processReadyMs: number; processRss: number }> {
  const runs: { processReadyMs: number; processRss: number }[] = [];
  for (let i = 0; i < START_RUNS; i++) runs.push(await processStart(env));
  if (process.env.BENCH_VERBOSE) console.error(`starts to ready (ms): ${runs.map((r) => r.processReadyMs.toFixed(0)).join(' ')}`);
  const median = (xs: number[]) => percentile(xs, 50);
  return { processReadyMs: median(runs.map((r) => r.processReadyMs)), processRss: median(runs.map((r) => r.processRss)) };
}

/** The real program (console mode, with the service's Node flags and environment): time until it logs "ready", and its RSS then. */
function processStart(env: Record<string, string>): Promise<{ processReadyMs: number; processRss: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // BENCH_START_PROF=DIR: a CPU profile of the program's start-up (node --cpu-prof) lands in DIR.
    const prof = process.env.BENCH_START_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_START_PROF}`] : [];
    // BENCH_NODE_FLAGS="…": the program's Node flags instead of the service's.
    const flags = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean) : serviceNodeFlags();
    const child = spawn(process.execPath, [...flags, ...prof, BIN, 'console'], {
      env: { ...serviceEnvironment(), PATH: process.env.PATH, PUBLIC_IP_SOURCES: 'none', WG_CHATOPS_ENV_FILE: '/nonexistent/.env', LOG_LEVEL: 'info', ...env },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    let measured: { processReadyMs: number; processRss: number } | undefined;
    // A bench must end: give up (and say why) rather than wait forever on a bot that never gets ready.
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the bot did not get ready within 60 s: ${err.slice(-500)}`));
    }, 60_000);
    child.stderr.on('data', (d) => {
      err += d;
      if (measured || !err.includes('wg-chatops ready')) return;
      const processReadyMs = performance.now() - t0;
      // Let start-up garbage settle before reading the resident size, then end its input: it should exit.
      setTimeout(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          measured = { processReadyMs, processRss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024 };
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
        child.stdin.end();
      }, 1000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      if (code === 0 && measured) resolve(measured);
      else reject(new Error(`the bot exited with ${code}: ${err.slice(-500)}`));
    });
  });
}

/**
 * What durability costs on this disk: a journal record (8 KiB in place + fdatasync) and a 1,000-peer
 * config file replaced durably (write, fsync, rename, fsync dir) against the same without the fsyncs.
 */
async function fsyncCost(): Promise<void> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'wgc-fsync-'));
  try {
    const body = Buffer.alloc(1_000 * 250, 'x');
    const runs = 40;
    const time = async (work: (i: number) => Promise<void>) => {
      const t: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await work(i);
        t.push(performance.now() - t0);
      }
      return `p50 ${percentile(t, 50).toFixed(2)} ms, p95 ${percentile(t, 95).toFixed(2)} ms`;
    };
    const journal = await openJournal(join(dir, 'journal'));
    const entry = { name: 'bench', publicKey: 'k'.repeat(43) + '=', allowedIps: ['10.80.0.2/32'], enabled: true };
    const journalRow = await time(async () => {
      const seq = await journal.begin({ op: 'add', entry });
      await journal.mark(seq, 'done');
    });
    await journal.close();
    const durable = await time(() => writeFileAtomic(join(dir, 'wg0.conf'), body));
    const plainWrite = await time(async (i) => {
      const tmp = join(dir, `plain.${i}.tmp`);
      await writeFile(tmp, body, { mode: 0o600 });
      await rename(tmp, join(dir, 'plain.conf'));
    });
    console.log(
      `fsync cost (${dir.startsWith('/tmp') ? 'TMPDIR' : dir}, ${runs} runs): journal begin+done ${journalRow}; 250 KB config durable ${durable}; same without fsync ${plainWrite}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const live = canUseLive();
  console.log(
    `wg-chatops bench — node ${process.version}, ${live ? 'live wireguard-go interface' : 'OFFLINE (no wg set: run as root with wireguard-go for the full path)'}`,
  );
  console.log('peers        /addpeer p50    p95     /peers   app start  bench RSS | process: ready    idle RSS');
  const rows: Array<[number, boolean, string?]> = SIZES.map((n) => [n, false]);
  // What a kernel interface (a Pi) gets: a `wg set` process per change.
  if (live && chosen.length === 0) rows.push([1_000, true]);
  // With a profile: the per-peer firewall rules go into nftables (in a private namespace) with every add.
  if (chosen.length === 0 || process.env.BENCH_PROFILE) rows.push([1_000, false, '192.168.1.10:445/tcp']);
  for (const [n, viaCli, profile] of rows) {
    const r = await measure(n, live, viaCli, profile);
    console.log(
      `${`${n}${viaCli ? ' wg CLI' : ''}${profile ? ` +profile${r.firewall ? ' nft' : ' (no nft)'}` : ''}`.padEnd(12)} ${r.p50.toFixed(1).padStart(7)} ms ${r.p95.toFixed(1).padStart(6)} ms ${r.peersMs.toFixed(1).padStart(6)} ms ${r.startup.toFixed(0).padStart(6)} ms ${r.rss.toFixed(0).padStart(6)} MiB |  ${Number.isNaN(r.processReadyMs) ? `${'—'.padStart(8)}   ${'—'.padStart(6)}` : `${r.processReadyMs.toFixed(0).padStart(8)} ms ${r.processRss.toFixed(0).padStart(6)} MiB`}`,
    );
  }
  await fsyncCost();
  for (const line of await benchTraffic()) console.log(line);
  if (chosen.length === 0 || process.env.BENCH_PROFILE) for (const line of await benchFirewall(1_000, ADDS)) console.log(line);
  if (chosen.length > 0) return;
  const tg = await benchTelegramAddpeer(1_000);
  console.log(
    `Telegram /addpeer at 1000 peers, update in → QR photo at the Bot API (${tg.live ? 'live' : 'offline'}): p50 ${tg.p50.toFixed(1)} ms, p95 ${tg.p95.toFixed(1)} ms`,
  );
  // A short run by default; BENCH_SUSTAINED_SECONDS=1800 (or `npm run bench:sustained`) for the 30-minute goal run.
  const sustained = sustainedOptionsFrom([], process.env, { rate: 10, seconds: 120, ttlSeconds: 10 });
  for (const line of formatSustained(sustained, await benchSustained(sustained))) console.log(line);
}

await main();
