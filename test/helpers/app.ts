/** The whole bot in-process (no chat platform), for command and service tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App, type AppDeps } from '../../src/app.js';
import { parseConfig } from '../../src/config/index.js';
import type { IncomingCommand } from '../../src/chat/incoming.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { replyToPlainText, type Reply } from '../../src/core/reply.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';

/** An offline bot with a fresh server config in a temp dir (no live interface needed). */
export async function offlineApp(
  env: Record<string, string> = {},
  deps: Partial<AppDeps> = {},
): Promise<App & { logger: ReturnType<typeof createMemoryLogger> }> {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-app-'));
  const { privateKey } = generateKeyPair();
  writeFileSync(join(dir, 'wg0.conf'), `[Interface]\nPrivateKey = ${privateKey}\nAddress = 10.6.0.1/24, fd11:5ee:bad:c0de::1/64\nListenPort = 51820\n`, {
    mode: 0o600,
  });
  const config = parseConfig(
    {
      WG_FIREWALL: 'off',
      WG_CONFIG_DIR: dir,
      DATA_DIR: join(dir, 'data'),
      WG_OFFLINE: 'true',
      WG_ENDPOINT: 'vpn.example.net',
      ADMIN_KEYS: 'test:admin',
      ...env,
    },
    { isRoot: false, cwd: dir },
  );
  const logger = createMemoryLogger();
  const app = await buildApp(config, { logger, runner: createProcessRunner(logger), ...deps });
  await app.start();
  return Object.assign(app, { logger });
}

export const admin = (text: string, extra: Partial<IncomingCommand> = {}): IncomingCommand => ({
  platform: 'test',
  userId: 'admin',
  displayName: 'Alice Admin',
  text,
  isPrivateChat: true,
  ...extra,
});

export const stranger = (text: string, id = 'bob', extra: Partial<IncomingCommand> = {}): IncomingCommand => ({
  platform: 'test',
  userId: id,
  displayName: `Bob ${id}`,
  username: id,
  text,
  isPrivateChat: true,
  ...extra,
});

export const plain = (reply: Reply | null): string => (reply ? replyToPlainText(reply) : '');

import type { ChatAdapter, SentRef, Target } from '../../src/chat/adapter.js';

/** A chat platform that records what the bot sends privately, what it answers where commands came from, and what it edits/deletes. */
export class RecordingAdapter implements ChatAdapter {
  readonly platform = 'test';
  readonly deletesMessages = true;
  readonly sent: { userId: string; reply: Reply; ref: SentRef }[] = [];
  readonly edits: { ref: SentRef; reply: Reply }[] = [];
  readonly deleted: SentRef[] = [];
  /** Answers sent back to the chat a command came from (its `origin`). */
  readonly answers: { userId: string; origin: unknown; reply: Reply }[] = [];
  /** Users who never opened a private chat with the bot. */
  readonly unreachable = new Set<string>();
  private counter = 0;
  constructor(private readonly admins: string[] = ['admin']) {}
  async start() {}
  async stop() {}
  adminIds() {
    return this.admins;
  }
  async send(to: Target, reply: Reply): Promise<SentRef[]> {
    const { userId } = to;
    if (to.kind === 'origin') {
      this.answers.push({ userId, origin: to.origin, reply });
      return [{ platform: 'test', chatId: String(to.origin), messageId: String(++this.counter), recipient: `test:${userId}` }];
    }
    if (this.unreachable.has(userId)) return [];
    const ref = { platform: 'test', chatId: userId, messageId: String(++this.counter), recipient: `test:${userId}` };
    this.sent.push({ userId, reply, ref });
    return [ref];
  }
  async edit(ref: SentRef, reply: Reply) {
    this.edits.push({ ref, reply });
  }
  async deleteMessage(ref: SentRef) {
    this.deleted.push(ref);
  }
  to(userId: string): Reply[] {
    return this.sent.filter((s) => s.userId === userId).map((s) => s.reply);
  }
}

/** An offline app with a RecordingAdapter attached before start. */
export async function appWithRecorder(env: Record<string, string> = {}, deps: Partial<AppDeps> = {}): Promise<{ app: App; chat: RecordingAdapter }> {
  const chat = new RecordingAdapter();
  const app = await offlineApp(env, deps);
  app.addAdapter(chat);
  return { app, chat };
}

/** An app built from these settings (nothing else added), with a recorder attached before it starts. */
export async function startedWithRecorder(
  env: Record<string, string>,
  options: { isRoot: boolean; cwd: string },
): Promise<{ app: App; chat: RecordingAdapter; logger: ReturnType<typeof createMemoryLogger> }> {
  const logger = createMemoryLogger();
  const app = await buildApp(parseConfig(env, options), { logger, runner: createProcessRunner(logger) });
  const chat = new RecordingAdapter();
  app.addAdapter(chat);
  await app.start();
  return { app, chat, logger };
}
