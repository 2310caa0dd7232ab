/**
 * What every chat platform adapter provides. An adapter turns platform events into
 * `Dispatcher.handle()` calls and Reply models into platform messages.
 */
import type { SentRef } from '../core/approval.js';
import type { Reply } from '../core/reply.js';

export interface ChatAdapter {
  /** "telegram", "slack", "console": the prefix of this platform's user keys. */
  readonly platform: string;
  /** Whether sent messages can be deleted later (secret deliveries are; a terminal's scrollback is not). */
  readonly deletesMessages: boolean;
  start(): Promise<void>;
  /** Stop taking new events, finish what is in flight. */
  stop(): Promise<void>;
  /** Platform user ids of the admins configured for this platform. */
  adminIds(): readonly string[];
  /**
   * Deliver to one person's private chat with the bot (secrets allowed). Returns the messages sent,
   * or an empty list when that person cannot be reached privately (e.g. never opened a chat with the bot).
   */
  sendPrivate(userId: string, reply: Reply): Promise<SentRef[]>;
  /** Replace a message sent earlier. */
  edit(ref: SentRef, reply: Reply): Promise<void>;
  /**
   * How long after sending the platform still lets the bot delete a message (Telegram: 48 h); the
   * hub retries failed deletions until then. Undefined: 48 h.
   */
  readonly deleteWindowMs?: number;
  /**
   * Delete a message sent earlier (secret deliveries expire). Missing messages are not an error.
   * An error with `permanent: true` means it can never succeed (the hub stops retrying).
   */
  deleteMessage(ref: SentRef): Promise<void>;
}
