/**
 * The whole bot in-process (buildApp + the real Slack adapter) pointed at a fake Slack, with an
 * offline WireGuard config in a temp directory. Shared by the Slack tests.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../../../src/app.js';
import type { ChatAdapter } from '../../../src/chat/adapter.js';
import { parseConfig } from '../../../src/config/index.js';
import { generateKeyPair } from '../../../src/core/keys.js';
import { serverInterfaceText } from '../../../src/core/server-config.js';
import { createProcessRunner } from '../../../src/exec/runner.js';
import { createMemoryLogger } from '../../../src/log/logger.js';
import { FAKE_SLACK_APP_TOKEN, FAKE_SLACK_BOT_TOKEN, FakeSlack, type FakeUser } from '../../fakes/slack-server.js';
import type { FakeBotApi } from '../../fakes/telegram-bot-api.js';
import { decodeQrPng as decodePng } from '../../helpers/qr.js';

export const BOT_TOKEN = FAKE_SLACK_BOT_TOKEN;
export const APP_TOKEN = FAKE_SLACK_APP_TOKEN;
export const ADMIN = 'UADMIN001';
export const ADMIN2 = 'UADMIN002';
export const MEMBER = 'UMEMBER01';
export const CHANNEL = 'C0GENERAL';

export const USERS: FakeUser[] = [
  { id: ADMIN, name: 'alice', realName: 'Alice Admin', locale: 'en-US' },
  { id: ADMIN2, name: 'bob', realName: 'Bob Admin', locale: 'en-US' },
  { id: MEMBER, name: 'carol', realName: 'Carol Member', locale: 'en-US' },
];

export interface SlackBot {
  fake: FakeSlack;
  app: App;
  adapter: ChatAdapter;
  logger: ReturnType<typeof createMemoryLogger>;
  dir: string;
  close(): Promise<void>;
}

/** Write a WireGuard server config for an offline test bot; returns WG_CONFIG_DIR. */
export async function writeServerConfig(dir: string, iface = 'wg0', port = 51820): Promise<string> {
  const wgDir = join(dir, 'wireguard');
  await mkdir(wgDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPair();
  await writeFile(join(wgDir, `${iface}.conf`), serverInterfaceText({ privateKey, addresses: ['10.66.0.1/24'], listenPort: port }), {
    mode: 0o600,
  });
  return wgDir;
}

/**
 * Slack (and Telegram too when `telegram` is given: one process, one database, admins on both) against fakes.
 */
export async function startSlackBot(
  options: { env?: Record<string, string>; fake?: FakeSlack; telegram?: { fake: FakeBotApi; admins: number[] } } = {},
): Promise<SlackBot> {
  const fake = options.fake ?? (await FakeSlack.start({ botToken: BOT_TOKEN, appToken: APP_TOKEN, users: USERS }));
  const dir = await mkdtemp(join(tmpdir(), 'wg-chatops-slack-'));
  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_ADMIN_IDS: `${ADMIN},${ADMIN2}`,
    SLACK_API_URL: fake.apiUrl,
    DATA_DIR: join(dir, 'data'),
    WG_CONFIG_DIR: await writeServerConfig(dir),
    WG_ENDPOINT: 'vpn.example.test',
    WG_OFFLINE: 'true',
    PUBLIC_IP_SOURCES: 'none',
    ...(options.telegram
      ? {
          TELEGRAM_BOT_TOKEN: options.telegram.fake.token,
          TELEGRAM_API_ROOT: options.telegram.fake.apiRoot,
          TELEGRAM_ADMIN_IDS: options.telegram.admins.join(','),
        }
      : {}),
    ...options.env,
  };
  const config = parseConfig(env, { isRoot: false, cwd: dir });
  const logger = createMemoryLogger('debug');
  const app = await buildApp(config, { logger, runner: createProcessRunner(logger), offline: true });
  // The same dynamic import main uses: nothing imports the Slack module statically.
  const { createSlackAdapter } = await import('../../../src/chat/slack/index.js');
  const adapter = createSlackAdapter({ config: config.slack, dispatcher: app.dispatcher, logger });
  app.addAdapter(adapter);
  if (options.telegram) {
    const { createTelegramAdapter } = await import('../../../src/chat/telegram/index.js');
    app.addAdapter(
      createTelegramAdapter({
        config: config.telegram,
        dispatcher: app.dispatcher,
        translator: app.translator,
        logger,
        options: { retry: { baseDelayMs: 20 } },
      }),
    );
  }
  await app.start();
  return {
    fake,
    app,
    adapter,
    logger,
    dir,
    async close() {
      await app.stop();
      if (!options.fake) await fake.close();
      await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** One bot for a whole describe block: started before its tests, closed after them. */
export function useSlackBot(onStarted: (bot: SlackBot) => void, options?: Parameters<typeof startSlackBot>[0]): void {
  let bot: SlackBot | undefined;
  beforeAll(async () => {
    bot = await startSlackBot(options);
    onStarted(bot);
  });
  afterAll(async () => {
    await bot?.close();
  });
}

/** Decode the QR code in a PNG (throws if there is none). */
export function decodeQrPng(bytes: Uint8Array): string {
  const text = decodePng(bytes);
  if (text === undefined) throw new Error('no QR code found in the PNG');
  return text;
}

/** Text of every section block of a message or response, joined. */
export function blocksText(blocks: { type: string; text?: { text: string } }[] | undefined): string {
  return (blocks ?? [])
    .filter((b) => b.type === 'section')
    .map((b) => b.text?.text ?? '')
    .join('\n');
}
