/**
 * The chat hub: the running adapters behind one Notifier, and the one place that decides where a reply
 * may go (`deliver`: secrets only to the requester's private chat, their deletion scheduled). It sends
 * messages the bot starts itself (approval requests, deliveries, alerts) to the right platform in the
 * recipient's language, answers commands in the chat they came from, and deletes secret deliveries
 * when their time is up (also after a restart: the schedule is in the database).
 */
import { ToolError } from '../core/errors.js';
import type { Notifier, ReplyBuilder, SentHandle } from '../core/notifier.js';
import { textReply, type Reply } from '../core/reply.js';
import type { Translate } from '../core/translate.js';
import { splitUserKey, userKey, type Locale } from '../core/user.js';
import type { Logger } from '../log/logger.js';
import { deletionId, type DeletionEntry, type DeletionLog } from '../store/deletion-log.js';
import { MinHeap } from './min-heap.js';
import type { ChatAdapter, SentRef } from './adapter.js';
import type { IncomingCommand } from './incoming.js';
import type { Delivered, Outgoing } from './outgoing.js';

export interface ScheduledDeletion extends SentRef {
  /** Epoch milliseconds. */
  at: number;
}

/** Telegram lets a bot delete its messages for 48 h; a platform may say otherwise (ChatAdapter.deleteWindowMs). */
export const DEFAULT_DELETE_WINDOW_MS = 48 * 3600_000;
const FIRST_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 3600_000;
/** The last try comes this long before the limit, so it still counts. */
const LIMIT_MARGIN_MS = 5 * 60_000;

interface Deps {
  translator: (locale: Locale) => Translate;
  /** Every admin's user key: the platforms' configured admins plus ADMIN_KEYS. */
  admins: () => ReadonlySet<string>;
  localeOf: (key: string) => Locale;
  /** Where deletion times survive a restart (an append-only log of its own beside the database). */
  deletions: DeletionLog;
  secretTtlSeconds: number;
  logger: Logger;
  now?: () => number;
}

export class ChatHub implements Notifier {
  private readonly adapters = new Map<string, ChatAdapter>();
  private readonly adminKeys = new Set<string>();
  private readonly now: () => number;
  /** Every scheduled deletion by due time (entries replaced in the log are skipped when they surface). */
  private readonly queue = new MinHeap<DeletionEntry>((a, b) => a.at - b.at);
  private readonly inFlight = new Set<string>();
  private readonly failed: DeletionEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private sweeping: Promise<number> | undefined;
  private running = false;

  constructor(private readonly deps: Deps) {
    this.now = deps.now ?? Date.now;
    for (const e of deps.deletions.entries.values()) this.queue.push(e);
  }

  register(adapter: ChatAdapter): void {
    this.adapters.set(adapter.platform, adapter);
    // Read once: a command's role is then looked up here, never by asking an adapter again.
    for (const id of adapter.adminIds()) this.adminKeys.add(userKey(adapter.platform, id));
  }

  /** Whether this person's platform can delete what the bot sent (so secret messages expire). */
  deletesMessagesFor(key: string): boolean {
    return this.adapters.get(splitUserKey(key).platform)?.deletesMessages ?? false;
  }

  platforms(): string[] {
    return [...this.adapters.keys()];
  }

  /** The admins each running platform was configured with (TELEGRAM_ADMIN_IDS, SLACK_ADMIN_IDS, console). */
  platformAdminKeys(): ReadonlySet<string> {
    return this.adminKeys;
  }

  /**
   * Send a reply to its audience, by the one rule: a secret goes only to the requester's private chat
   * (and is scheduled for deletion there), wherever it was asked; the chat it was asked in, if that is
   * another, hears only where it went. Everything else goes where it is addressed.
   * An origin that cannot be answered (its adapter failed) throws, for the adapter's error handling.
   */
  async deliver({ reply, to }: Outgoing): Promise<Delivered> {
    if (to.kind === 'private') return { sent: await this.sendPrivately(to.key, reply), answer: null };
    const { msg } = to;
    if (!reply.secret) {
      await this.answerOrigin(msg, reply);
      return { sent: [], answer: reply };
    }
    const sent = await this.sendPrivately(userKey(msg.platform, msg.userId), reply);
    const t = this.deps.translator(to.locale);
    let answer: Reply | null;
    if (msg.isPrivateChat) answer = sent.length > 0 ? null : textReply(t('dispatch.failed'));
    else answer = textReply(t(sent.length > 0 ? 'dispatch.sentPrivately' : 'dispatch.openPrivateChat'));
    if (answer) await this.answerOrigin(msg, answer);
    return { sent, answer };
  }

  async toAdmins(build: ReplyBuilder): Promise<SentRef[]> {
    const sent: SentRef[] = [];
    for (const key of this.deps.admins()) sent.push(...(await this.toUser(key, build)));
    return sent;
  }

  async toUser(key: string, build: ReplyBuilder): Promise<SentRef[]> {
    const reply = build(this.deps.translator(this.deps.localeOf(key)));
    return (await this.deliver({ reply, to: { kind: 'private', key } })).sent;
  }

  async edit(handles: SentHandle[], build: ReplyBuilder): Promise<void> {
    for (const handle of handles) {
      const ref = asSentRef(handle);
      const adapter = ref && this.adapters.get(ref.platform);
      if (!ref || !adapter) continue;
      try {
        await adapter.edit(ref, build(this.deps.translator(this.deps.localeOf(ref.recipient))));
      } catch (error) {
        this.deps.logger.warn(`could not update message ${ref.platform}:${ref.chatId}/${ref.messageId}`, { error });
      }
    }
  }

  /** One person's private chat; a secret's messages are scheduled for deletion. A failure is logged and yields []. */
  private async sendPrivately(key: string, reply: Reply): Promise<SentRef[]> {
    const { platform, id } = splitUserKey(key);
    const adapter = this.adapters.get(platform);
    if (!adapter) return [];
    try {
      const refs = await adapter.send({ kind: 'private', userId: id }, reply);
      if (reply.secret && adapter.deletesMessages) await this.scheduleDeletion(refs);
      return refs;
    } catch (error) {
      this.deps.logger.error(`could not deliver a message to ${key}`, { error });
      return [];
    }
  }

  /** The chat a command came from, through the adapter that heard it. No origin (a script, a test): nothing to send. */
  private async answerOrigin(msg: IncomingCommand, reply: Reply): Promise<void> {
    const adapter = this.adapters.get(msg.platform);
    if (msg.origin === undefined || !adapter) return;
    await adapter.send({ kind: 'origin', userId: msg.userId, origin: msg.origin }, reply);
  }

  /** Secret messages sent to a private chat are deleted after SECRET_TTL_SECONDS (none when it is 0). */
  private async scheduleDeletion(refs: SentRef[]): Promise<void> {
    const ttl = this.deps.secretTtlSeconds;
    if (ttl <= 0 || refs.length === 0) return;
    const sentAt = this.now();
    const at = sentAt + ttl * 1000;
    const log = this.deps.deletions;
    for (const r of refs) {
      const id = deletionId(r);
      // The same message scheduled twice is still deleted once.
      if (log.entries.has(id) || this.inFlight.has(id)) continue;
      const entry: DeletionEntry = {
        platform: r.platform,
        chatId: r.chatId,
        messageId: r.messageId,
        recipient: r.recipient,
        id,
        at,
        sentAt,
        attempts: 0,
      };
      log.put(entry);
      this.queue.push(entry);
    }
    await log.flush();
    this.arm();
  }

  /** Start the deletion clock: one timer, always set for the next due deletion. */
  startDeletionClock(): void {
    this.running = true;
    this.arm();
  }

  /**
   * Delete what is due; one sweep at a time (a call during a sweep waits for it and adds nothing).
   * A failed deletion is retried with back-off until the platform's limit, then the owner is told.
   * Returns how many deletions were attempted.
   */
  deleteDue(): Promise<number> {
    if (this.sweeping) return this.sweeping.then(() => 0);
    this.sweeping = this.sweep().finally(() => {
      this.sweeping = undefined;
      this.arm();
    });
    return this.sweeping;
  }

  /** Stop the clock and write out what is pending; a sweep under way finishes first. */
  async close(): Promise<void> {
    this.stop();
    await this.sweeping?.catch(() => undefined);
    await this.deps.deletions.close();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async sweep(): Promise<number> {
    const log = this.deps.deletions;
    const now = this.now();
    const due: DeletionEntry[] = [];
    while (this.queue.peek() && this.queue.peek()!.at <= now) {
      const e = this.queue.pop()!;
      // Stale heap entries (rescheduled or finished since) are skipped.
      if (log.entries.get(e.id) === e) due.push(e);
    }
    if (due.length === 0) return 0;
    let attempted = 0;
    for (const e of due) {
      attempted++;
      this.inFlight.add(e.id);
      const adapter = this.adapters.get(e.platform);
      const limit = adapter?.deleteWindowMs ?? DEFAULT_DELETE_WINDOW_MS;
      try {
        if (!adapter) throw new Error(`platform ${e.platform} is not running`);
        await adapter.deleteMessage(e);
        log.done(e.id);
      } catch (error) {
        const permanent = error instanceof ToolError && error.code === 'refused';
        const retryAt = this.now() + Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** e.attempts);
        const lastChance = e.sentAt + limit - LIMIT_MARGIN_MS;
        if (permanent || this.now() >= lastChance) {
          this.deps.logger.warn(`gave up deleting secret message ${e.platform}:${e.chatId}/${e.messageId} after ${e.attempts + 1} attempts`, { error });
          log.done(e.id);
          this.failed.push(e);
        } else {
          this.deps.logger.warn(`could not delete secret message ${e.platform}:${e.chatId}/${e.messageId}; retrying`, { error });
          const next: DeletionEntry = { ...e, at: Math.min(retryAt, lastChance), attempts: e.attempts + 1 };
          log.put(next);
          this.queue.push(next);
        }
      } finally {
        this.inFlight.delete(e.id);
      }
    }
    try {
      await log.flush();
    } catch (error) {
      this.deps.logger.error('could not save the deletion schedule', { error });
    }
    const failed = this.failed.splice(0);
    for (const e of failed) {
      const sent = new Date(e.sentAt).toISOString().replace('T', ' ').slice(0, 16);
      await this.toUser(e.recipient, (t) => textReply(t('delivery.deleteFailed', { sent })));
    }
    return attempted;
  }

  private arm(): void {
    if (!this.running) return;
    const log = this.deps.deletions;
    while (this.queue.peek() && log.entries.get(this.queue.peek()!.id) !== this.queue.peek()) this.queue.pop();
    const next = this.queue.peek();
    if (!next) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer && this.timerAt <= next.at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next.at;
    const timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.deleteDue().catch((error) => this.deps.logger.error('deleting secret messages failed', { error }));
      },
      Math.max(0, Math.min(next.at - this.now(), 2 ** 31 - 1)),
    );
    timer.unref();
    this.timer = timer;
  }
}

/** A handle the domain kept (with an approval request, from the database) as a SentRef, if it is one. */
function asSentRef(handle: SentHandle): SentRef | undefined {
  const { platform, chatId, messageId, recipient } = handle;
  return typeof platform === 'string' && typeof chatId === 'string' && typeof messageId === 'string' && typeof recipient === 'string'
    ? { platform, chatId, messageId, recipient }
    : undefined;
}
