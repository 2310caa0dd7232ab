/**
 * Sustained load through the Telegram path: RATE /addpeer per second for SECONDS, with a short
 * SECRET_TTL_SECONDS so secret deliveries are being deleted while adds go on. Reports p95 of
 * update-in → QR-photo per minute, RSS per minute (against its value after the first minute), and
 * checks at the end that every message the bot sent was deleted exactly once.
 *
 * Configure with BENCH_SUSTAINED_RATE (default 10), BENCH_SUSTAINED_SECONDS (default 90 in the normal
 * bench; the issue's goal run is 1800) and BENCH_SUSTAINED_TTL (default 10), or run it alone:
 * `npm run bench:sustained -- --rate 10 --seconds 1800 --ttl 20`.
 *
 * The fake Bot API lives in this process: it drops the bytes of files it has received once the bot is
 * done with them, so RSS is the bot's, not the fake's archive. Offline interface (no `wg set`): this
 * measures the chat, database and deletion path, not wireguard-go.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { percentile } from './lab.js';
import { FakeBotApi } from '../test/fakes/telegram-bot-api.js';
import { ALICE, startTelegramBot, writeServerConfig, type TelegramBot } from '../test/helpers/telegram-bot.js';

export interface SustainedOptions {
  rate: number;
  seconds: number;
  ttlSeconds: number;
  /**
   * `--churn S`: each peer is revoked S seconds after its QR arrived (through PeerService, so the chat's message
   * rate stays the adds'). The number of peers then levels off at about rate × S, so a growing RSS is a leak, not
   * the peers: without it RSS grows with the peers added (about 2.5 MiB per 1,000).
   */
  churnSeconds?: number;
}

export interface SustainedResult {
  sent: number;
  delivered: number;
  minutes: { minute: number; p50: number; p95: number; rssMiB: number; adds: number; deletions: number }[];
  rssAfterFirstMinute: number;
  rssMax: number;
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

const mib = () => process.memoryUsage().rss / 2 ** 20;

export async function benchSustained(o: SustainedOptions, progress?: (line: string) => void): Promise<SustainedResult> {
  const iface = `wgs${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'wgc-sustained-'));
  writeServerConfig(dir, iface, 0);
  const fake = await FakeBotApi.start();
  let bot: TelegramBot | undefined;
  try {
    bot = await startTelegramBot({
      fake,
      live: { iface, configDir: dir },
      env: { WG_OFFLINE: 'true', SECRET_TTL_SECONDS: String(o.ttlSeconds), RATE_LIMIT_PER_MINUTE: '10000', LOG_LEVEL: 'error' },
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
        bot!.app.peers.revoke(name, 'bench').then(
          () => revoked++,
          (error: unknown) => progress?.(`  revoking ${name} failed: ${String(error)}`),
        );
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
      bot!.logger.lines.length = 0;
    }, 200);
    const sampler = setInterval(() => rss.push({ at: performance.now() - t0, v: mib() }), 5000);
    // BENCH_SUSTAINED_SNAPSHOTS=120,600: heap snapshots at those seconds (to compare what grows); they stall the run a few seconds.
    const snapshots = (process.env.BENCH_SUSTAINED_SNAPSHOTS ?? '')
      .split(',')
      .filter(Boolean)
      .map((sec) => setTimeout(() => progress?.(`  heap snapshot at ${sec} s: ${writeHeapSnapshot()}`), Number(sec) * 1000));
    try {
      // A steady schedule: request i goes out at i / rate seconds, whatever the bot's answers do.
      while (n < total) {
        const due = t0 + (n / o.rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const name = `s${n}`;
        sentAt.set(name, performance.now());
        fake.sendText(ALICE, `/addpeer ${name}`);
        n++;
        if (n % Math.round(o.rate * 60) === 0)
          progress?.(`  … ${n}/${total} sent, ${latency.length} delivered, ${o.churnSeconds ? `${revoked} revoked, ` : ''}RSS ${mib().toFixed(0)} MiB`);
      }
      // The last deliveries, then the last deletions (TTL, plus a sweep).
      const deadline = performance.now() + 60_000;
      while (latency.length < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const msgDeadline = performance.now() + (o.ttlSeconds + 60) * 1000;
      while (fake.messages.some((m) => m.chatId === ALICE.id && !m.deleted) && performance.now() < msgDeadline) await new Promise((r) => setTimeout(r, 500));
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      clearInterval(watch);
      clearInterval(sampler);
      for (const t of [...snapshots, ...revokes]) clearTimeout(t);
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
        adds: inMinute.length,
        deletions: deletionTimes.filter((t) => t >= i * 60_000 && t < (i + 1) * 60_000).length,
      });
    }
    const afterFirst = rss.find((x) => x.at >= 60_000)?.v ?? rss[rss.length - 1]?.v ?? mib();
    return {
      sent: total,
      delivered: latency.length,
      minutes,
      rssAfterFirstMinute: afterFirst,
      rssMax: Math.max(...rss.filter((x) => x.at >= 60_000).map((x) => x.v), afterFirst),
      messages: ids.length,
      deletedOnce: ids.filter((id) => countOf(id) === 1).length,
      deletedTwice: ids.filter((id) => countOf(id) > 1).length,
      notDeleted: ids.filter((id) => countOf(id) === 0).length,
      failedDeletes,
    };
  } finally {
    await bot?.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatSustained(o: SustainedOptions, r: SustainedResult): string[] {
  const churn = o.churnSeconds ? `, each peer revoked ${o.churnSeconds} s after its QR` : '';
  const lines = [`Sustained Telegram /addpeer: ${o.rate}/s for ${o.seconds} s, SECRET_TTL_SECONDS=${o.ttlSeconds}${churn} (offline interface)`];
  lines.push('  minute  adds  deletions   p50 ms   p95 ms   RSS MiB');
  for (const m of r.minutes) {
    lines.push(
      `  ${String(m.minute).padStart(6)} ${String(m.adds).padStart(5)} ${String(m.deletions).padStart(10)} ${m.p50.toFixed(1).padStart(8)} ${m.p95.toFixed(1).padStart(8)} ${m.rssMiB.toFixed(0).padStart(9)}`,
    );
  }
  const growth = ((r.rssMax - r.rssAfterFirstMinute) / r.rssAfterFirstMinute) * 100;
  lines.push(
    `  delivered ${r.delivered}/${r.sent}; messages ${r.messages}: deleted once ${r.deletedOnce}, twice or more ${r.deletedTwice}, never ${r.notDeleted}; failed delete calls ${r.failedDeletes}`,
  );
  lines.push(
    `  RSS after minute 1: ${r.rssAfterFirstMinute.toFixed(0)} MiB, max after: ${r.rssMax.toFixed(0)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %; goal within 10 %)`,
  );
  return lines;
}
