/**
 * An admin's /addpeer through Telegram: from the update being handed to the bot by a local Bot API
 * server (the fake, on loopback) to that server receiving the QR photo, with `peersCount` peers
 * already on the server. The peer is live by then (`wg set` on a wireguard-go interface in a private
 * namespace) when run as root with wireguard-go; otherwise offline, and `live: false` says so.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canUseLive, percentile, sh, startLiveInterface } from './lab.js';
import { FakeBotApi } from '../test/fakes/telegram-bot-api.js';
import { ALICE, startTelegramBot, writeServerConfig, type TelegramBot } from '../test/helpers/telegram-bot.js';

const SAMPLES = 60;
const WARMUP = 8;
/** Between samples, so Telegram pacing (30 messages/s; three per delivery) never holds a sample back. */
const GAP_MS = 110;

export async function benchTelegramAddpeer(peersCount: number): Promise<{ p50: number; p95: number; live: boolean }> {
  const live = canUseLive();
  const iface = `wgt${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'wgc-tgbench-'));
  const confPath = writeServerConfig(dir, iface, peersCount);
  const fake = await FakeBotApi.start();
  let bot: TelegramBot | undefined;
  let liveInterface: { stop(): void } | undefined;
  try {
    if (live) liveInterface = startLiveInterface(iface, confPath, dir);
    bot = await startTelegramBot({
      fake,
      live: { iface, configDir: dir },
      env: { SECRET_TTL_SECONDS: '0', WG_FIREWALL: 'off', ...(live ? {} : { WG_OFFLINE: 'true' }) },
    });
    fake.startedUsers.add(ALICE.id);

    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const name = `b${i}`;
      const before = fake.messages.length;
      const t0 = performance.now();
      fake.sendText(ALICE, `/addpeer ${name}`);
      const photo = await fake.until(
        () => fake.callsOf('sendPhoto').find((c) => c.at >= t0 && (c.params.photo as { filename?: string } | undefined)?.filename === `${name}.png`),
        `${name}.png`,
      );
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
    liveInterface?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
