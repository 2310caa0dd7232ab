/**
 * The chat hub: the running adapters behind one Notifier. It sends messages the bot starts itself
 * (approval requests, deliveries, alerts) to the right platform in the recipient's language, and
 * deletes secret deliveries when their time is up (also after a restart: the schedule is in the database).
 */
import type { SentRef } from '../core/approval.js';
import type { Notifier, ReplyBuilder } from '../core/notifier.js';
import type { Reply } from '../core/reply.js';
import type { Translate } from '../core/translate.js';
import { splitUserKey, userKey, type Locale } from '../core/user.js';
import type { Logger } from '../log/logger.js';
import type { JsonStore } from '../store/json-store.js';
import type { ChatAdapter } from './adapter.js';

export interface ScheduledDeletion extends SentRef {
  /** Epoch milliseconds. */
  at: number;
}

interface Deps {
  translator: (locale: Locale) => Translate;
  /** Every admin's user key: the platforms' configured admins plus ADMIN_KEYS. */
  admins: () => ReadonlySet<string>;
  localeOf: (key: string) => Locale;
  /** Where deletion times survive a restart (a small file of its own beside the database). */
  deletions: JsonStore<{ deletions: ScheduledDeletion[] }>;
  secretTtlSeconds: number;
  logger: Logger;
  now?: () => number;
}

export class ChatHub implements Notifier {
  private readonly adapters = new Map<string, ChatAdapter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => number;

  constructor(private readonly deps: Deps) {
    this.now = deps.now ?? Date.now;
  }

  register(adapter: ChatAdapter): void {
    this.adapters.set(adapter.platform, adapter);
  }

  /** Whether this person's platform can delete what the bot sent (so secret messages expire). */
  deletesMessagesFor(key: string): boolean {
    return this.adapters.get(splitUserKey(key).platform)?.deletesMessages ?? false;
  }

  platforms(): string[] {
    return [...this.adapters.keys()];
  }

  /** The admins each running platform was configured with (TELEGRAM_ADMIN_IDS, SLACK_ADMIN_IDS, console). */
  platformAdminKeys(): Set<string> {
    const keys = new Set<string>();
    for (const a of this.adapters.values()) for (const id of a.adminIds()) keys.add(userKey(a.platform, id));
    return keys;
  }

  async toAdmins(build: ReplyBuilder): Promise<SentRef[]> {
    const sent: SentRef[] = [];
    for (const key of this.deps.admins()) sent.push(...(await this.toUser(key, build)));
    return sent;
  }

  async toUser(key: string, build: ReplyBuilder): Promise<SentRef[]> {
    const { platform, id } = splitUserKey(key);
    const adapter = this.adapters.get(platform);
    if (!adapter) return [];
    const reply = build(this.deps.translator(this.deps.localeOf(key)));
    try {
      const refs = await adapter.sendPrivate(id, reply);
      if (reply.secret && adapter.deletesMessages) await this.scheduleDeletion(refs);
      return refs;
    } catch (error) {
      this.deps.logger.error(`could not deliver a message to ${key}`, { error });
      return [];
    }
  }

  /** Deliver an already-built reply privately (used when a secret was asked for in a group). */
  sendPrivate(key: string, reply: Reply): Promise<SentRef[]> {
    return this.toUser(key, () => reply);
  }

  async edit(refs: SentRef[], build: ReplyBuilder): Promise<void> {
    for (const ref of refs) {
      const adapter = this.adapters.get(ref.platform);
      if (!adapter) continue;
      try {
        await adapter.edit(ref, build(this.deps.translator(this.deps.localeOf(ref.recipient))));
      } catch (error) {
        this.deps.logger.warn(`could not update message ${ref.platform}:${ref.chatId}/${ref.messageId}`, { error });
      }
    }
  }

  /** Called by adapters for secret replies they sent themselves in a private chat. */
  async scheduleDeletion(refs: SentRef[]): Promise<void> {
    const ttl = this.deps.secretTtlSeconds;
    if (ttl <= 0 || refs.length === 0) return;
    const at = this.now() + ttl * 1000;
    await this.deps.deletions.update((d) => {
      d.deletions.push(...refs.map((r) => ({ ...r, at })));
    });
    this.arm(at - this.now());
  }

  /** Start the deletion clock: deletes what is due, then re-arms for the next. */
  startDeletionClock(): void {
    const next = Math.min(...this.deps.deletions.data.deletions.map((d) => d.at));
    if (Number.isFinite(next)) this.arm(next - this.now());
  }

  async deleteDue(): Promise<number> {
    const now = this.now();
    const due = this.deps.deletions.data.deletions.filter((d) => d.at <= now);
    if (due.length === 0) return 0;
    for (const ref of due) {
      try {
        await this.adapters.get(ref.platform)?.deleteMessage(ref);
      } catch (error) {
        this.deps.logger.warn(`could not delete secret message ${ref.platform}:${ref.chatId}/${ref.messageId}`, { error });
      }
    }
    await this.deps.deletions.update((d) => {
      d.deletions = d.deletions.filter((x) => x.at > now);
    });
    return due.length;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private arm(delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      // A failed sweep (e.g. its save on a full disk) is logged; it must never end the process.
      void this.deleteDue()
        .then(() => this.startDeletionClock())
        .catch((error) => this.deps.logger.warn('deleting due secret messages failed', { error }));
    }, Math.max(0, Math.min(delayMs, 2 ** 31 - 1)));
    timer.unref();
    this.timers.add(timer);
  }
}
