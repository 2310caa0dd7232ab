import type { SentRef } from './approval.js';
import type { Reply } from './reply.js';
import type { Translate } from './translate.js';

/** Builds a reply in the recipient's own language. */
export type ReplyBuilder = (t: Translate) => Reply;

/**
 * Messages the bot starts itself (approval requests, deliveries, alerts), across every running
 * chat platform. Implemented by the chat hub; the domain only sees this.
 */
export interface Notifier {
  /** Every admin on every running platform, privately, each in their own language. */
  toAdmins(build: ReplyBuilder): Promise<SentRef[]>;
  /** One person's private chat with the bot (secrets allowed). */
  toUser(userKey: string, build: ReplyBuilder): Promise<SentRef[]>;
  /** Replace messages sent earlier (e.g. an approval request once someone decided). */
  edit(refs: SentRef[], build: ReplyBuilder): Promise<void>;
}
