/**
 * The whole bot in-process with Telegram attached, pointed at the fake Bot API (TELEGRAM_API_ROOT),
 * for tests and the benchmark. Offline WireGuard by default; pass a live interface to use a real one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../../src/app.js';
import type { ChatAdapter } from '../../src/chat/adapter.js';
import type { TelegramOptions } from '../../src/chat/telegram/index.js';
import { parseConfig } from '../../src/config/index.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { renderPeerBlock } from '../../src/core/server-config.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { FakeBotApi, type FakeUser } from '../fakes/telegram-bot-api.js';

export const ALICE: FakeUser = { id: 1001, first_name: 'Alice', last_name: 'Admin', username: 'alice', language_code: 'en' };
export const AKIRA: FakeUser = { id: 1002, first_name: 'Akira', username: 'akira', language_code: 'ja' };
export const BOB: FakeUser = { id: 2001, first_name: 'Bob', last_name: 'Builder', username: 'bob', language_code: 'en-GB' };
export const GROUP_ID = -100123;

export interface TelegramBot {
  fake: FakeBotApi;
  app: App;
  adapter: ChatAdapter;
  logger: ReturnType<typeof createMemoryLogger>;
  configPath: string;
  stop(): Promise<void>;
}

/** A server config with `peers` PiVPN-style peer blocks already in it (10.66.0.0/16, like a busy server). */
export function writeServerConfig(dir: string, iface: string, peers: number, privateKey = generateKeyPair().privateKey): string {
  const path = join(dir, `${iface}.conf`);
  let text = `[Interface]\nPrivateKey = ${privateKey}\nAddress = 10.66.0.1/16\nListenPort = 51820\n`;
  for (let i = 0; i < peers; i++) {
    const n = i + 2;
    text += `\n${renderPeerBlock({ name: `seed${i}`, publicKey: generateKeyPair().publicKey, allowedIps: [`10.66.${n >> 8}.${n & 255}/32`], enabled: true })}`;
  }
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

export async function startTelegramBot(
  opts: {
    env?: Record<string, string>;
    admins?: number[];
    peers?: number;
    options?: TelegramOptions;
    /** A live interface: its name and the directory holding its config (else offline). */
    live?: { iface: string; configDir: string };
    fake?: FakeBotApi;
    /** The bot's clock (deletion schedule, requests); real time when absent. */
    now?: () => Date;
  } = {},
): Promise<TelegramBot> {
  const fake = opts.fake ?? (await FakeBotApi.start());
  const dir = mkdtempSync(join(tmpdir(), 'wgc-tg-'));
  const iface = opts.live?.iface ?? 'wg0';
  const configDir = opts.live?.configDir ?? dir;
  const configPath = opts.live ? join(configDir, `${iface}.conf`) : writeServerConfig(dir, iface, opts.peers ?? 0);
  const config = parseConfig(
    {
      WG_FIREWALL: 'off',
      WG_INTERFACE: iface,
      WG_CONFIG_DIR: configDir,
      DATA_DIR: join(dir, 'data'),
      ...(opts.live ? {} : { WG_OFFLINE: 'true' }),
      WG_ENDPOINT: 'vpn.example.net',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_ADMIN_IDS: (opts.admins ?? [ALICE.id]).join(','),
      PUBLIC_IP_SOURCES: 'none',
      ...opts.env,
    },
    { isRoot: false, cwd: dir },
  );
  const logger = createMemoryLogger('info');
  const app = await buildApp(config, { logger, runner: createProcessRunner(logger), ...(opts.now ? { now: opts.now } : {}) });
  // Loaded the way src/main.ts loads it: only when Telegram is configured.
  const { createTelegramAdapter } = await import('../../src/chat/telegram/index.js');
  const adapter = createTelegramAdapter({
    config: config.telegram,
    dispatcher: app.dispatcher,
    translator: app.translator,
    logger,
    options: { retry: { baseDelayMs: 20 }, ...opts.options },
  });
  app.addAdapter(adapter);
  await app.start();
  return {
    fake,
    app,
    adapter,
    logger,
    configPath,
    async stop() {
      await app.stop();
      if (!opts.fake) await fake.close();
    },
  };
}
