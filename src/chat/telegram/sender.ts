/**
 * Reply → Bot API calls: render a reply and send it to a chat, edit it, delete it. Decides nothing
 * about who may see a reply (the hub does); what Telegram's answers mean is read once, in `failureOf`.
 */
import { GrammyError, InputFile, type Api } from 'grammy/web';
import type { Message, ReplyParameters } from 'grammy/types';
import { ToolError } from '../../core/errors.js';
import type { Reply } from '../../core/reply.js';
import { userKey } from '../../core/user.js';
import type { Logger } from '../../log/logger.js';
import type { SentRef, Target } from '../adapter.js';
import { CAPTION_LIMIT, escapeHtml, inlineKeyboard, renderChunks, truncatePlain } from './render.js';

export const PLATFORM = 'telegram';

/**
 * A short text without buttons goes under the last attachment (HTML caption, the attachment's own caption
 * after it) instead of into a message of its own: /addpeer's QR and .conf are then 2 messages, not 3, and
 * 10 /addpeer a second stay under Telegram's 30 messages a second. Undefined when it does not fit.
 */
export function textAsCaption(reply: Reply, ownCaption: string | undefined): string | undefined {
  if (!reply.attachments?.length) return undefined;
  const own = ownCaption ? escapeHtml(truncatePlain(ownCaption, CAPTION_LIMIT)) : '';
  const room = CAPTION_LIMIT - (own ? own.length + 2 : 0);
  if (room <= 0) return undefined;
  const chunks = renderChunks(reply.blocks, room);
  if (chunks.length !== 1) return undefined;
  return own ? `${chunks[0]}\n\n${own}` : chunks[0];
}

/** The chat a command came from: its id, and in a group the message to answer. */
export interface TelegramOrigin {
  chatId: number;
  private: boolean;
  replyTo?: number;
}

/**
 * What a Bot API error means for us. Telegram tells only by its description text, so that text is
 * read here and nowhere else; callers branch on the result.
 */
export type BotApiFailure = 'unreachable' | 'unchanged' | 'gone' | 'refused' | 'unauthorized' | 'other';

export function failureOf(error: unknown): BotApiFailure {
  if (!(error instanceof GrammyError)) return 'other';
  const { error_code: code, description } = error;
  if (code === 401) return 'unauthorized';
  // The person never opened a chat with the bot, blocked it, or the id is unknown.
  if (code === 403 || (code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(description))) return 'unreachable';
  if (code === 400 && /message is not modified/i.test(description)) return 'unchanged';
  if (code === 400 && /not found/i.test(description)) return 'gone';
  // "message can't be deleted" (older than 48 h, or not the bot's) and the like: retrying cannot help.
  if (code === 400) return 'refused';
  return 'other';
}

export class TelegramSender {
  constructor(
    private readonly api: Api,
    private readonly log: Logger,
  ) {}

  /** A private target is the person's own chat with the bot (its id is theirs); an origin is where the command came from. */
  send(to: Target, reply: Reply): Promise<SentRef[]> {
    if (to.kind === 'private') return this.deliver(to.userId, reply, { recipient: userKey(PLATFORM, to.userId), privateChat: true });
    const origin = to.origin as TelegramOrigin;
    return this.deliver(origin.chatId, reply, {
      recipient: userKey(PLATFORM, to.userId),
      privateChat: origin.private,
      ...(origin.replyTo === undefined ? {} : { replyTo: { message_id: origin.replyTo, allow_sending_without_reply: true } }),
    });
  }

  async edit(ref: SentRef, reply: Reply): Promise<void> {
    const html = renderChunks(reply.blocks)[0];
    if (!html) return;
    try {
      await this.api.editMessageText(ref.chatId, Number(ref.messageId), html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        // An empty keyboard removes the old buttons (e.g. once a request is decided).
        reply_markup: this.keyboard(reply) ?? { inline_keyboard: [] },
      });
    } catch (error) {
      if (failureOf(error) === 'unchanged') return;
      throw error;
    }
  }

  async deleteMessage(ref: SentRef): Promise<void> {
    try {
      await this.api.deleteMessage(ref.chatId, Number(ref.messageId));
    } catch (error) {
      const failure = failureOf(error);
      // Already gone (the user deleted it): nothing left to do.
      if (failure === 'gone') {
        this.log.debug(`Telegram: message ${ref.chatId}/${ref.messageId} was already gone: ${(error as GrammyError).description}`);
        return;
      }
      if (failure === 'refused') {
        throw new ToolError(`Telegram refused to delete ${ref.chatId}/${ref.messageId}: ${(error as GrammyError).description}`, {
          cause: error,
          code: 'refused',
        });
      }
      throw error;
    }
  }

  keyboard(reply: Reply) {
    return inlineKeyboard(reply.buttons, (action) => this.log.warn(`Telegram: a button was left out, its action is over 64 bytes: ${action.slice(0, 20)}…`));
  }

  /**
   * Send a reply as Telegram messages: attachments first (the QR photo, then the .conf document), then
   * the text in HTML chunks with the buttons on the last (a short text without buttons is the last
   * attachment's caption instead: textAsCaption). Returns every message sent, so secret
   * deliveries can be deleted later. A person who cannot be reached privately yields [].
   */
  private async deliver(
    chatId: number | string,
    reply: Reply,
    opts: { recipient: string; privateChat: boolean; replyTo?: ReplyParameters },
  ): Promise<SentRef[]> {
    const sent: SentRef[] = [];
    const keep = (m: Message) => sent.push({ platform: PLATFORM, chatId: String(m.chat.id), messageId: String(m.message_id), recipient: opts.recipient });
    const common = opts.replyTo ? { reply_parameters: opts.replyTo } : {};
    // Neither the QR nor the .conf can be forwarded or saved to another chat (the WireGuard app still
    // imports the .conf through Telegram's "open with").
    const protect = { protect_content: opts.privateChat || !!reply.secret };
    const steps: (() => Promise<Message>)[] = [];
    const keyboard = this.keyboard(reply);
    const attachments = reply.attachments ?? [];
    const merged = keyboard ? undefined : textAsCaption(reply, attachments.at(-1)?.caption);
    attachments.forEach((a, i) => {
      const file = new InputFile(a.data, a.name);
      const caption =
        merged !== undefined && i === attachments.length - 1
          ? { caption: merged, parse_mode: 'HTML' as const }
          : a.caption
            ? { caption: truncatePlain(a.caption, CAPTION_LIMIT) }
            : {};
      if (a.kind === 'image') steps.push(() => this.api.sendPhoto(chatId, file, { ...common, ...caption, ...protect }));
      else steps.push(() => this.api.sendDocument(chatId, file, { ...common, ...caption, ...protect }));
    });
    const chunks = merged !== undefined ? [] : renderChunks(reply.blocks);
    if (chunks.length === 0 && keyboard) chunks.push('…');
    chunks.forEach((html, i) => {
      const last = i === chunks.length - 1;
      steps.push(() =>
        this.api.sendMessage(chatId, html, {
          ...common,
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(last && keyboard ? { reply_markup: keyboard } : {}),
        }),
      );
    });
    for (const step of steps) {
      try {
        keep(await step());
      } catch (error) {
        if (sent.length === 0 && failureOf(error) === 'unreachable') return [];
        if (sent.length === 0) throw error;
        // Part of it went out: report what did, so the secret parts still get deleted on time.
        this.log.error(`Telegram: a delivery to ${opts.recipient} was cut short`, { error });
        return sent;
      }
    }
    return sent;
  }
}
