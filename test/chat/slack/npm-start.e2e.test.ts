/**
 * `npm start` (the compiled CLI) with Slack and Telegram both configured against their fakes and a real
 * wireguard-go server: one process, one database, admins on both platforms. A config delivered on
 * Slack pings through the tunnel; a Telegram admin sees the same peer and revokes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../fakes/slack-server.js';
import { FakeBotApi } from '../../fakes/telegram-bot-api.js';
import { BIN, botEnv } from '../../helpers/cli.js';
import { bringUpClient, createLab, pingThroughTunnel, removeClient, tunnelTestsEnabled, type TestLab } from '../../helpers/netns.js';
import { ALICE } from '../../helpers/telegram-bot.js';
import { ADMIN, APP_TOKEN, BOT_TOKEN, USERS, blocksText, decodeQrPng } from './harness.js';

describe.runIf(tunnelTestsEnabled())('npm start with Slack and Telegram and a real tunnel', () => {
  let lab: TestLab;
  let slack: FakeSlack;
  let telegram: FakeBotApi;
  let child: ChildProcess;
  let stderr = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    lab = createLab();
    slack = await FakeSlack.start({ botToken: BOT_TOKEN, appToken: APP_TOKEN, users: USERS });
    telegram = await FakeBotApi.start();
    const env = botEnv({
      WG_FIREWALL: 'off',
      WG_INTERFACE: lab.serverIface,
      WG_CONFIG_DIR: lab.configDir,
      WG_ENDPOINT: `${lab.serverLanIp}:${lab.listenPort}`,
      WG_CLIENT_ALLOWED_IPS: lab.tunnelCidr,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'wgc-slack-e2e-')),
      PUBLIC_IP_SOURCES: 'none',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_ADMIN_IDS: ADMIN,
      SLACK_API_URL: slack.apiUrl,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_ADMIN_IDS: String(ALICE.id),
    });
    // What `npm start` runs.
    child = spawn(process.execPath, [BIN], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr += d));
    exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await slack.waitFor(() => slack.connections >= 1, 'the bot’s Socket Mode connection');
    await telegram.until(() => telegram.callsOf('getUpdates').length > 0, 'the bot polling Telegram');
    telegram.sendText(ALICE, '/start');
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await slack?.close();
    await telegram?.close();
    lab?.destroy();
  });

  it('a config delivered on Slack pings through; the Telegram admin sees and revokes the same peer; SIGTERM stops cleanly', async () => {
    const dm = slack.dmOf(ADMIN);
    await slack.slashCommand({ user: ADMIN, channel: dm, command: '/addpeer', text: 'laptop' });
    const files = await slack.waitFor(() => slack.filesIn(dm).length >= 2 && slack.filesIn(dm), 'the config files', 60_000);
    const conf = files.find((f) => f.filename === 'laptop.conf')!.bytes!.toString('utf8');
    expect(decodeQrPng(files.find((f) => f.filename === 'laptop.png')!.bytes!)).toBe(conf);
    expect(blocksText(slack.messagesIn(dm)[0]?.blocks)).toContain('laptop');

    const iface = bringUpClient(lab, conf);
    expect(await pingThroughTunnel(lab)).toBe(true);

    telegram.sendText(ALICE, '/peers');
    await telegram.until(() => telegram.chatMessages(ALICE.id).find((m) => m.text.includes('laptop')), 'laptop in the Telegram /peers list');
    telegram.sendText(ALICE, '/revoke laptop');
    await telegram.until(() => telegram.chatMessages(ALICE.id).find((m) => /laptop is revoked/.test(m.text)), 'the revoke answer on Telegram');
    expect(await pingThroughTunnel(lab, 2)).toBe(false);
    removeClient(lab, iface);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const privateKey = /PrivateKey = (\S+)/.exec(conf)![1]!;
    for (const secret of [privateKey, BOT_TOKEN, APP_TOKEN, telegram.token]) expect(stderr).not.toContain(secret);
    expect(stderr).toContain('slack: connected (Socket Mode)');
  });
});
