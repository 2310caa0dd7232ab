/**
 * What every chat platform adapter provides. An adapter turns platform events into
 * `Dispatcher.handle()` calls, and renders a Reply and sends it to the target the hub names: it
 * decides nothing about who may see what (the hub's `deliver` owns "secrets go private").
 */
import type { Reply } from '../core/reply.js';

/** Where a chat message was sent, so it can be edited or deleted later. */
export type SentRef = {
  platform: string;
  chatId: string;
  messageId: string;
  /** The user key the message went to. */
  recipient: string;
};

/**
 * Where an adapter sends a reply: one person's private chat with the bot, or the chat a command came
 * from (`origin`: the adapter's own description of it, from `IncomingCommand.origin`, handed back
 * unread). `userId` is the person it is for (the requester, for an origin).
 */
export type Target = { kind: 'private'; userId: string } | { kind: 'origin'; userId: string; origin: unknown };

export interface ChatAdapter {
  /** "telegram", "slack", "console": the prefix of this platform's user keys. */
  readonly platform: string;
  /** Whether sent messages can be deleted later (secret deliveries are; a terminal's scrollback is not). */
  readonly deletesMessages: boolean;
  start(): Promise<void>;
  /** Stop taking new events, finish what is in flight. */
  stop(): Promise<void>;
  /** Platform user ids of the admins configured for this platform (read once, when the hub registers the adapter). */
  adminIds(): readonly string[];
  /**
   * Render a reply and send it to the target. Returns the messages sent, or an empty list when a
   * private target cannot be reached (e.g. the person never opened a chat with the bot).
   */
  send(to: Target, reply: Reply): Promise<SentRef[]>;
  /** Replace a message sent earlier. */
  edit(ref: SentRef, reply: Reply): Promise<void>;
  /**
   * How long after sending the platform still lets the bot delete a message (Telegram: 48 h); the
   * hub retries failed deletions until then. Undefined: 48 h.
   */
  readonly deleteWindowMs?: number;
  /**
   * Delete a message sent earlier (secret deliveries expire). Missing messages are not an error.
   * A ToolError with code 'refused' means it can never succeed (the hub stops retrying).
   */
  deleteMessage(ref: SentRef): Promise<void>;
}
