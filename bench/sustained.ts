/**
 * Sustained load through the Telegram path: RATE /addpeer per second for SECONDS, with a short
 * SECRET_TTL_SECONDS so secret deliveries are being deleted while adds go on. Reports p95 of
 * update-in → QR-photo per minute, the bot's RSS per minute (against its value after the first minute), and
 * checks at the end that every message the bot sent was deleted exactly once.
 *
 * Configure with BENCH_SUSTAINED_RATE (default 10), BENCH_SUSTAINED_SECONDS (default 90 in the normal
 * bench; the issue's goal run is 1800) and BENCH_SUSTAINED_TTL (default 10), or run it alone:
 * `npm run bench:sustained -- --rate 10 --seconds 1800 --ttl 20`.
 *
 * The bot is the real program (bin/wg-chatops.js) in a process of its own, started with the Node flags and environment of
 * deploy/wg-chatops.service, so its RSS is the bot's alone; the fake Bot API and this harness live here.
 * Offline interface (no `wg set`): this measures the chat, database and deletion path, not wireguard-go.
 * BENCH_SUSTAINED_SNAPSHOTS=120,600 makes the bot write heap snapshots at those seconds (to compare what grows).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { offlineProgramEnv, percentile, serviceEnvironment, serviceNodeFlags } from './lab.js';
import { FakeBotApi } from '../test/fakes/telegram-bot-api.js';
import { ALICE, writeServerConfig } from '../test/helpers/telegram-bot.js';

const BIN = fileURLToPath(new URL('../../bin/wg-chatops.js', import.meta.url));
export interface SustainedOptions {
  rate: number;
  seconds: number;
  ttlSeconds: number;
  /**
   * `--churn S`: each peer is revoked S seconds after its QR arrived (from the bot's console, so the chat's message
   * rate stays the adds'). The number of peers then levels off at about rate × S, so a growing RSS is a leak, not
   * the peers: without it RSS grows with the peers added (about 2.5 MiB per 1,000).
   */
  churnSeconds?: number;
}

export interface SustainedResult {
  sent: number;
  delivered: number;
  minutes: { minute: number; p50: number; p95: number; rssMiB: number; rssMaxMiB: number; adds: number; deletions: number }[];
  rssAfterFirstMinute: number;
  rssMax: number;
  /** The 5-s samples after minute 1 more than 10 % above its value (seconds into the run, MiB), and how many samples there were. */
  rssOver: { at: number; v: number }[];
  rssSamples: number;
  messages: number;
  deletedOnce: number;
  deletedTwice: number;
  notDeleted: number;
  failedDeletes: number;
}

export function sustainedOptionsFrom(argv: string[], env: NodeJS.ProcessEnv, defaults: SustainedOptions): SustainedOptions {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (v: string | undefined, fallback: number) => (v !== undefined && Number(v) > 0 ? Number(v) : fallback);
  const churn = num(arg('churn') ?? env.BENCH_SUSTAINED_CHURN, 0);
  return {
    rate: num(arg('rate') ?? env.BENCH_SUSTAINED_RATE, defaults.rate),
    seconds: num(arg('seconds') ?? env.BENCH_SUSTAINED_SECONDS, defaults.seconds),
    ttlSeconds: num(arg('ttl') ?? env.BENCH_SUSTAINED_TTL, defaults.ttlSeconds),
    ...(churn > 0 ? { churnSeconds: churn } : {}),
  };
}

const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchSustained(o: SustainedOptions, progress?: (line: string) => void): Promise<SustainedResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-sustained-'));
  const iface = 'wgsustain0';
  writeServerConfig(dir, iface, 0);
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
  const snapshotDir = join(dir, 'snapshots');
  mkdirSync(snapshotDir);
  const fake = await FakeBotApi.start();
  const env: Record<string, string> = {
    ...serviceEnvironment(),
    ...offlineProgramEnv(iface, dir),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_ADMIN_IDS: String(ALICE.id),
    SECRET_TTL_SECONDS: String(o.ttlSeconds),
    RATE_LIMIT_PER_MINUTE: '10000',
    // BENCH_BOT_ENV="K=V …": more for the bot, or the unit's own overridden (METRICS_LISTEN=127.0.0.1:9109 for its heap figures).
    ...Object.fromEntries(
      (process.env.BENCH_BOT_ENV ?? '')
        .split(' ')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),
  };
  const metricsAt = env.METRICS_LISTEN;
  const heapFigures = async (): Promise<string> => {
    if (!metricsAt) return '';
    const text = await (await fetch(`http://${metricsAt}/metrics`)).text();
    const mb = (name: string) => (Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20).toFixed(1);
    return `; heap used ${mb('nodejs_heap_size_used_bytes')} of ${mb('nodejs_heap_size_total_bytes')} MiB, external ${mb('nodejs_external_memory_bytes')} MiB`;
  };
  // BENCH_NODE_FLAGS="…": the bot's Node flags instead of the service's.
  const nodeFlags = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean) : serviceNodeFlags();
  const flags = [...nodeFlags, '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`];
  // `console`: Telegram, and the console on standard input, where the churn's revokes come from (the operator on
  // the Pi, as `pivpn -r` would be): a /revoke in a chat would add a third message per peer, and Telegram's
  // 30 messages a second (which the bot paces itself to) would then be the bottleneck, not the bot.
  const child = spawn(process.execPath, [...flags, BIN, 'console'], { env, cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`the bot was not ready within 60 s: ${err}`)), 60_000);
      const poll = setInterval(() => {
        if (!err.includes('wg-chatops ready')) return;
        clearInterval(poll);
        clearTimeout(deadline);
        resolve();
      }, 50);
      child.once('exit', (code) => reject(new Error(`the bot exited with ${code}: ${err}`)));
    });
    fake.startedUsers.add(ALICE.id);
    const t0 = performance.now();
    const sentAt = new Map<string, number>();
    const latency: { at: number; ms: number }[] = [];
    const rss: { at: number; v: number }[] = [];
    let n = 0;
    const total = Math.round(o.rate * o.seconds);
    // Deletion calls per message, counted as they come; the fake's archive is trimmed as we go.
    const deletes = new Map<string, number>();
    let failedDeletes = 0;
    const deletionTimes: number[] = [];
    const sentIds = new Set<string>();
    const revokes = new Set<NodeJS.Timeout>();
    let revoked = 0;
    const revokeLater = (name: string) => {
      const timer = setTimeout(() => {
        revokes.delete(timer);
        child.stdin.write(`/revoke ${name}\n`);
        revoked++;
      }, o.churnSeconds! * 1000);
      revokes.add(timer);
    };
    const watch = setInterval(() => {
      const calls = fake.calls;
      for (const c of calls) {
        if (c.method === 'sendPhoto') {
          const name = (c.params.photo as { filename?: string } | undefined)?.filename?.replace(/\.png$/, '');
          const start = name ? sentAt.get(name) : undefined;
          if (start !== undefined) {
            latency.push({ at: c.at - t0, ms: c.at - start });
            sentAt.delete(name!);
            if (o.churnSeconds) revokeLater(name!);
          }
        } else if (c.method === 'deleteMessage') {
          deletionTimes.push(c.at - t0);
          const key = `${String(c.params.chat_id)}/${String(c.params.message_id)}`;
          if (c.status !== 200) failedDeletes++;
          else deletes.set(key, (deletes.get(key) ?? 0) + 1);
        }
      }
      calls.length = 0;
      // Messages: remember each id; keep only those not deleted yet (a second delete then fails, and counts).
      for (const m of fake.messages) if (m.chatId === ALICE.id) sentIds.add(`${m.chatId}/${m.messageId}`);
      const live = fake.messages.filter((m) => !m.deleted);
      fake.messages.length = 0;
      fake.messages.push(...live.map((m) => (m.file ? { ...m, file: { ...m.file, data: Buffer.alloc(0) } } : m)));
    }, 200);
    const sampler = setInterval(() => rss.push({ at: performance.now() - t0, v: rssOf(child.pid!) }), 5000);
    const snapshots = (process.env.BENCH_SUSTAINED_SNAPSHOTS ?? '')
      .split(',')
      .filter(Boolean)
      .map((sec) =>
        setTimeout(
          () => {
            child.kill('SIGUSR2');
            progress?.(`  heap snapshot asked at ${sec} s (RSS ${rssOf(child.pid!).toFixed(0)} MiB), into ${snapshotDir}`);
          },
          Number(sec) * 1000,
        ),
      );
    try {
      // A steady schedule: request i goes out at i / rate seconds, whatever the bot's answers do.
      while (n < total) {
        const wait = t0 + (n / o.rate) * 1000 - performance.now();
        if (wait > 0) await sleep(wait);
        const name = `s${n}`;
        sentAt.set(name, performance.now());
        fake.sendText(ALICE, `/addpeer ${name}`);
        n++;
        if (n % Math.round(o.rate * 60) === 0)
          progress?.(
            `  … ${n}/${total} sent, ${latency.length} delivered, ${o.churnSeconds ? `${revoked} revoked, ` : ''}RSS ${rssOf(child.pid!).toFixed(0)} MiB${await heapFigures()}`,
          );
      }
      // The last deliveries, then the last deletions (TTL, plus a sweep).
      const deadline = performance.now() + 60_000;
      while (latency.length < total && performance.now() < deadline) await sleep(200);
      const msgDeadline = performance.now() + (o.ttlSeconds + 60) * 1000;
      while (fake.messages.some((m) => m.chatId === ALICE.id && !m.deleted) && performance.now() < msgDeadline) await sleep(500);
      await sleep(500);
    } finally {
      clearInterval(watch);
      clearInterval(sampler);
      for (const t of [...snapshots, ...revokes]) clearTimeout(t);
    }
    if (process.env.BENCH_SUSTAINED_SNAPSHOTS) {
      const kept = join(tmpdir(), `wgc-sustained-snapshots-${process.pid}`);
      mkdirSync(kept, { recursive: true });
      for (const f of readdirSync(snapshotDir)) renameSync(join(snapshotDir, f), join(kept, f));
      progress?.(`  heap snapshots kept in ${kept}`);
    }

    const ids = [...sentIds];
    const countOf = (id: string) => deletes.get(id) ?? 0;
    const minutes: SustainedResult['minutes'] = [];
    const span = Math.ceil(o.seconds / 60);
    for (let i = 0; i < span; i++) {
      const inMinute = latency.filter((l) => l.at >= i * 60_000 && l.at < (i + 1) * 60_000).map((l) => l.ms);
      const r = rss.filter((x) => x.at >= i * 60_000 && x.at < (i + 1) * 60_000).map((x) => x.v);
      minutes.push({
        minute: i + 1,
        p50: inMinute.length ? percentile(inMinute, 50) : NaN,
        p95: inMinute.length ? percentile(inMinute, 95) : NaN,
        rssMiB: r.length ? r[r.length - 1]! : NaN,
        rssMaxMiB: r.length ? Math.max(...r) : NaN,
        adds: inMinute.length,
        deletions: deletionTimes.filter((t) => t >= i * 60_000 && t < (i + 1) * 60_000).length,
      });
    }
    const later = rss.filter((x) => x.at >= 60_000);
    const afterFirst = later[0]?.v ?? rss[rss.length - 1]?.v ?? rssOf(child.pid!);
    return {
      sent: total,
      delivered: latency.length,
      minutes,
      rssAfterFirstMinute: afterFirst,
      rssMax: Math.max(...later.map((x) => x.v), afterFirst),
      rssOver: later.filter((x) => x.v > afterFirst * 1.1).map((x) => ({ at: x.at / 1000, v: x.v })),
      rssSamples: later.length,
      messages: ids.length,
      deletedOnce: ids.filter((id) => countOf(id) === 1).length,
      deletedTwice: ids.filter((id) => countOf(id) > 1).length,
      notDeleted: ids.filter((id) => countOf(id) === 0).length,
      failedDeletes,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(undefined)));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatSustained(o: SustainedOptions, r: SustainedResult): string[] {
  const churn = o.churnSeconds ? `, each peer revoked ${o.churnSeconds} s after its QR` : '';
  const lines = [
    `Sustained Telegram /addpeer: ${o.rate}/s for ${o.seconds} s, SECRET_TTL_SECONDS=${o.ttlSeconds}${churn} (offline interface; the bot in its own process)`,
  ];
  lines.push('  minute  adds  deletions   p50 ms   p95 ms   RSS MiB (end, max of the 5-s samples)');
  for (const m of r.minutes) {
    lines.push(
      `  ${String(m.minute).padStart(6)} ${String(m.adds).padStart(5)} ${String(m.deletions).padStart(10)} ${m.p50.toFixed(1).padStart(8)} ${m.p95.toFixed(1).padStart(8)} ${m.rssMiB.toFixed(0).padStart(9)} ${m.rssMaxMiB.toFixed(0).padStart(4)}`,
    );
  }
  const growth = ((r.rssMax - r.rssAfterFirstMinute) / r.rssAfterFirstMinute) * 100;
  lines.push(
    `  delivered ${r.delivered}/${r.sent}; messages ${r.messages}: deleted once ${r.deletedOnce}, twice or more ${r.deletedTwice}, never ${r.notDeleted}; failed delete calls ${r.failedDeletes}`,
  );
  lines.push(
    `  RSS after minute 1: ${r.rssAfterFirstMinute.toFixed(0)} MiB, max after: ${r.rssMax.toFixed(0)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %; goal within 10 %)`,
  );
  const over = r.rssOver.map((x) => `${Math.floor(x.at / 60)}:${String(Math.floor(x.at % 60)).padStart(2, '0')} ${x.v.toFixed(0)}`);
  lines.push(`  5-s samples over +10 %: ${r.rssOver.length} of ${r.rssSamples}${over.length ? ` (${over.slice(0, 12).join(', ')})` : ''}`);
  return lines;
}
