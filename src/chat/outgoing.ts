/** An outgoing reply: what the dispatcher and the notifier hand to the hub, and what the hub sends. */
import type { Reply } from '../core/reply.js';
import type { Locale } from '../core/user.js';
import type { SentRef } from './adapter.js';
import type { IncomingCommand } from './incoming.js';

/**
 * Who a reply is for. `origin`: the chat a command came from (a group, a channel, or the person's
 * private chat), answering `msg` in `locale`. `private`: one person's private chat with the bot.
 */
export type Audience = { kind: 'origin'; msg: IncomingCommand; locale: Locale } | { kind: 'private'; key: string };

/** An outgoing reply and who it is for. */
export interface Outgoing {
  reply: Reply;
  to: Audience;
}

export interface Delivered {
  /** Messages sent to the private chat (secret ones are scheduled for deletion). */
  sent: SentRef[];
  /** What the origin chat was answered, if anything. */
  answer: Reply | null;
}
