/** A chat message or button press, as every adapter hands it to the dispatcher. */
export interface IncomingCommand {
  platform: string;
  /** Platform user id of the sender / presser. */
  userId: string;
  displayName: string;
  username?: string;
  /** The platform's language tag for this user, if it tells (Telegram's language_code). */
  languageTag?: string;
  /** The command line, e.g. "/addpeer laptop", "/peers@my_bot 2", or a button's action. */
  text: string;
  /** True for a 1:1 chat with the bot, where secrets may be delivered. */
  isPrivateChat: boolean;
  /**
   * The chat it came from, in the adapter's own terms (a Telegram chat id, a Slack response_url): the
   * answer is sent there by the same adapter, and nothing else reads it. Absent when no chat asked
   * (a script or a test calling the dispatcher): the answer is then only returned.
   */
  origin?: unknown;
}
