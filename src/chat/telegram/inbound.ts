/**
 * Telegram updates → IncomingCommand → Dispatcher: text messages and button presses, each carrying the
 * chat it came from (`origin`) so the answer goes back there. Which messages the bot listens to is
 * decided here; what they mean is the command layer's.
 */
import type { Context } from 'grammy/web';
import type { User } from 'grammy/types';
import type { Dispatcher } from '../dispatcher.js';
import type { IncomingCommand } from '../incoming.js';
import { PLATFORM, type TelegramOrigin } from './sender.js';

export interface InboundDeps {
  dispatcher: Pick<Dispatcher, 'handle'>;
  /** The bot's own @username (known once grammY has called getMe). */
  botUsername: () => string;
  /** Someone wrote to the bot (an admin without a menu yet gets it now). */
  heardFrom: (userId: string) => void;
}

export function incoming(from: User, text: string, origin: TelegramOrigin): IncomingCommand {
  return {
    platform: PLATFORM,
    userId: String(from.id),
    displayName: [from.first_name, from.last_name].filter(Boolean).join(' ') || String(from.id),
    ...(from.username ? { username: from.username } : {}),
    ...(from.language_code ? { languageTag: from.language_code } : {}),
    text,
    isPrivateChat: origin.private,
    origin,
  };
}

export async function onText(ctx: Context, deps: InboundDeps): Promise<void> {
  const message = ctx.message!;
  const from = message.from;
  if (!from || from.is_bot) return;
  const isPrivate = message.chat.type === 'private';
  let text = message.text ?? '';
  // In groups the bot only hears commands, and only those not addressed to another bot.
  if (!isPrivate && !text.startsWith('/')) return;
  const mention = /^\/[^\s@]+@(\S+)/.exec(text)?.[1];
  if (mention && mention.toLowerCase() !== deps.botUsername().toLowerCase()) return;
  // A t.me/<bot>?start=<payload> link sends "/start <payload>"; the payload means nothing here.
  if (/^\/start(@\S+)?\s/.test(text)) text = text.split(/\s/)[0]!;

  deps.heardFrom(String(from.id));
  const origin: TelegramOrigin = { chatId: message.chat.id, private: isPrivate, ...(isPrivate ? {} : { replyTo: message.message_id }) };
  await deps.dispatcher.handle(incoming(from, text, origin));
}

/** A button is a command line run as the presser; the command re-checks everything against the bot's records. */
export async function onButton(ctx: Context, deps: InboundDeps, answerQuery: () => Promise<unknown>): Promise<void> {
  const query = ctx.callbackQuery!;
  // Answer first: it only stops the button's spinner, and must come within seconds.
  await answerQuery();
  const chat = query.message?.chat;
  // The answer goes where the button was, unless that is someone else's private chat (a forged press):
  // then to the presser's own.
  const origin: TelegramOrigin = chat && chat.type !== 'private' ? { chatId: chat.id, private: false } : { chatId: query.from.id, private: true };
  await deps.dispatcher.handle(incoming(query.from, query.data ?? '', origin));
}
