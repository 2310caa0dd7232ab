/**
 * The bot as a user runs it: `npm start` (bin/wg-chatops.js, compiled) with Telegram configured by
 * environment, against the fake Bot API and a real wireguard-go server in a test namespace. The config
 * that arrives in the QR photo brings a client up, and a ping crosses the tunnel.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../fakes/telegram-bot-api.js';
import { BIN, botEnv } from '../../helpers/cli.js';
import { bringUpClient, createLab, pingThroughTunnel, tunnelTestsEnabled, type TestLab } from '../../helpers/netns.js';
import { decodeQrPng } from '../../helpers/qr.js';
import { ALICE } from '../../helpers/telegram-bot.js';

const MiB = 1024 * 1024;

function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

describe.runIf(tunnelTestsEnabled())('Telegram bot with a real tunnel (npm start)', () => {
  let lab: TestLab;
  let fake: FakeBotApi;
  let child: ChildProcess | undefined;
  let stderr = '';

  beforeAll(async () => {
    expect(existsSync(BIN.replace(/bin\/wg-chatops\.js$/, 'dist/src/main.js')), 'run `npm run build` first (npm test does)').toBe(true);
    lab = createLab({ tunnelCidr: '10.67.0.0/24' });
    fake = await FakeBotApi.start();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await fake?.close();
    lab?.destroy();
  });

  it('delivers a config by photo that pings through, idles small, and stops cleanly on SIGTERM', async () => {
    const env = botEnv({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_ADMIN_IDS: String(ALICE.id),
      WG_FIREWALL: 'off',
      WG_INTERFACE: lab.serverIface,
      WG_CONFIG_DIR: lab.configDir,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'wgc-tg-e2e-')),
      WG_ENDPOINT: `${lab.serverLanIp}:${lab.listenPort}`,
      WG_CLIENT_ALLOWED_IPS: lab.tunnelCidr,
      PUBLIC_IP_SOURCES: 'none',
    });
    child = spawn(process.execPath, [BIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));

    // Ready: polling, with the menu registered.
    await fake.until(() => fake.callsOf('getUpdates').length > 0 && fake.menus.size >= 2, 'the bot to start polling');
    const idleRss = rssOf(child.pid!);

    fake.sendText(ALICE, '/addpeer phone');
    const photo = await fake.until(() => fake.chatMessages(ALICE.id).find((m) => m.kind === 'photo'), 'the QR photo');
    const doc = await fake.until(() => fake.chatMessages(ALICE.id).find((m) => m.kind === 'document'), 'the .conf');
    const config = decodeQrPng(photo.file!.data)!;
    expect(config).toBe(doc.file!.data.toString('utf8'));
    expect(doc.file!.filename).toBe('phone.conf');
    expect(config).toContain(`Endpoint = ${lab.serverLanIp}:${lab.listenPort}`);

    bringUpClient(lab, config);
    expect(await pingThroughTunnel(lab)).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/SIGTERM: stopping/);
    const privateKey = /PrivateKey = (\S+)/.exec(config)![1]!;
    expect(stderr).not.toContain(privateKey);
    expect(stderr).not.toContain(fake.token.split(':')[1]!);
    // The idle bot with Telegram only stays within 70 MiB (a 512 MiB Pi runs other things too).
    console.info(`telegram e2e: idle RSS ${(idleRss / MiB).toFixed(1)} MiB`);
    expect(idleRss).toBeLessThanOrEqual(70 * MiB);
  });
});
