import type { Reply } from './reply.js';
import type { Translate } from './translate.js';

/**
 * A message the notifier sent, in the chat layer's own terms. The domain keeps it (as JSON, with an
 * approval request) and hands it back to `edit`; it never looks inside.
 */
export type SentHandle = { readonly [field: string]: string };

/** Builds a reply in the recipient's own language. */
export type ReplyBuilder = (t: Translate) => Reply;

/**
 * Messages the bot starts itself (approval requests, deliveries, alerts), across every running
 * chat platform. Implemented by the chat hub; the domain only sees this.
 */
export interface Notifier {
  /** Every admin on every running platform, privately, each in their own language. */
  toAdmins(build: ReplyBuilder): Promise<SentHandle[]>;
  /** One person's private chat with the bot (secrets allowed). */
  toUser(userKey: string, build: ReplyBuilder): Promise<SentHandle[]>;
  /** Replace messages sent earlier (e.g. an approval request once someone decided). */
  edit(refs: SentHandle[], build: ReplyBuilder): Promise<void>;
}
