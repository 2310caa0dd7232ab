/** Shared set-up for the DDNS tests: a configured watch over loopback fakes, a recording notifier, a hand-driven clock. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ddnsSchema } from '../../src/config/ddns.js';
import type { Notifier, ReplyBuilder, SentHandle } from '../../src/core/notifier.js';
import { replyToPlainText } from '../../src/core/reply.js';
import { createIpWatch, type IpWatch } from '../../src/ddns/index.js';
import type { WanAddressReader } from '../../src/ddns/wan.js';
import { createI18n } from '../../src/i18n/index.js';
import { createMemoryLogger } from '../../src/log/logger.js';

export const i18n = createI18n();

/** Every alert, rendered in English and Japanese (both must render without missing keys). */
export function recordingNotifier(): Notifier & { messages: string[]; ja: string[] } {
  const messages: string[] = [];
  const ja: string[] = [];
  return {
    messages,
    ja,
    async toAdmins(build: ReplyBuilder): Promise<SentHandle[]> {
      messages.push(replyToPlainText(build(i18n.t('en'))));
      ja.push(replyToPlainText(build(i18n.t('ja'))));
      return [];
    },
    async toUser() {
      return [];
    },
    async edit() {},
  };
}

export const tempDir = () => mkdtempSync(join(tmpdir(), 'wg-chatops-ddns-'));

export interface Harness {
  watch: IpWatch;
  notifier: ReturnType<typeof recordingNotifier>;
  logger: ReturnType<typeof createMemoryLogger>;
  clock: { now: Date; advance(ms: number): void };
  /** Timers the watch asked for, run by hand. */
  timers: { fn: () => void; ms: number }[];
}

export async function makeWatch(
  env: Record<string, string>,
  options: {
    dataDir: string;
    endpoint?: string;
    start?: Date;
    hasIPv6?: boolean;
    wan?: WanAddressReader;
    random?: () => number;
    sourceTimeoutMs?: number;
  },
): Promise<Harness> {
  const config = ddnsSchema.parse(env);
  const notifier = recordingNotifier();
  const logger = createMemoryLogger();
  const clock = {
    now: options.start ?? new Date('2025-01-01T00:00:00Z'),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const timers: Harness['timers'] = [];
  const watch = await createIpWatch({
    ddns: config,
    endpoint: options.endpoint,
    dataDir: options.dataDir,
    notifier,
    logger,
    version: '0.1.0',
    seams: {
      now: () => clock.now,
      schedule: (fn, ms) => {
        const entry = { fn, ms };
        timers.push(entry);
        return () => timers.splice(timers.indexOf(entry), 1);
      },
      random: options.random ?? (() => 0.5),
      hasIPv6: () => options.hasIPv6 ?? false,
      wan: options.wan ?? null,
      // Generous: a process's first fetch() took 680 ms under armhf emulation (20x slower than CI), and a
      // honest source that times out would look like a broken one. Only a hanging source waits this long.
      sourceTimeoutMs: options.sourceTimeoutMs ?? 10_000,
    },
  });
  if (!watch) throw new Error('watch is off');
  return { watch, notifier, logger, clock, timers };
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
