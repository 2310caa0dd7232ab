/**
 * An admin's /addpeer through Telegram: from the update being handed to the bot by a local Bot API
 * server (the fake, on loopback) to that server receiving the QR photo, with `peersCount` peers
 * already on the server. The peer is live by then (`wg set` on a wireguard-go interface in a private
 * namespace) when run as root with wireguard-go; otherwise offline, and `live: false` says so.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeBotApi } from '../test/fakes/telegram-bot-api.js';
import { ALICE, startTelegramBot, writeServerConfig, type TelegramBot } from '../test/helpers/telegram-bot.js';

const SAMPLES = 60;
const WARMUP = 8;
/** Between samples, so Telegram pacing (30 messages/s; three per delivery) never holds a sample back. */
const GAP_MS = 110;

function canUseLive(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('sh', ['-c', 'command -v wireguard-go && command -v wg && command -v wg-quick && command -v ip'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const sh = (cmd: string, args: string[], env?: Record<string, string>) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 }).toString();

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export async function benchTelegramAddpeer(peersCount: number): Promise<{ p50: number; p95: number; live: boolean }> {
  const live = canUseLive();
  const id = randomBytes(3).toString('hex');
  const ns = `wgct${id}`;
  const iface = `wgt${id}`;
  const dir = mkdtempSync(join(tmpdir(), 'wgc-tgbench-'));
  const confPath = writeServerConfig(dir, iface, peersCount);
  const fake = await FakeBotApi.start();
  let bot: TelegramBot | undefined;
  try {
    if (live) {
      sh('ip', ['netns', 'add', ns]);
      sh('ip', ['netns', 'exec', ns, 'wireguard-go', iface], { WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' });
      const stripped = join(dir, 'stripped.conf');
      writeFileSync(stripped, sh('wg-quick', ['strip', confPath]), { mode: 0o600 });
      sh('wg', ['setconf', iface, stripped]);
    }
    bot = await startTelegramBot({
      fake,
      live: { iface, configDir: dir },
      env: { SECRET_TTL_SECONDS: '0', ...(live ? {} : { WG_OFFLINE: 'true' }) },
    });
    fake.startedUsers.add(ALICE.id);

    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const name = `b${i}`;
      const before = fake.messages.length;
      const t0 = performance.now();
      fake.sendText(ALICE, `/addpeer ${name}`);
      const photo = await fake.until(() => fake.callsOf('sendPhoto').find((c) => c.at >= t0 && (c.params.photo as { filename?: string } | undefined)?.filename === `${name}.png`), `${name}.png`);
      times.push(photo.at - t0);
      // The whole delivery (photo, file, text) is done before the next sample.
      await fake.until(() => fake.messages.length >= before + 3, `${name}'s delivery`);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }
    if (live) {
      const peers = sh('wg', ['show', iface, 'peers']).trim().split('\n').length;
      if (peers !== peersCount + SAMPLES) throw new Error(`expected ${peersCount + SAMPLES} live peers, wg shows ${peers}`);
    }
    const measured = times.slice(WARMUP);
    return { p50: percentile(measured, 50), p95: percentile(measured, 95), live };
  } finally {
    await bot?.stop();
    await fake.close();
    if (live) {
      try {
        sh('ip', ['netns', 'del', ns]);
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
