/**
 * Telegram through grammY, by long polling (no inbound port behind a home router). The adapter only
 * translates: updates → IncomingCommand → Dispatcher, and Reply → Bot API calls. Every decision
 * (who may do what, what a button means) is the command layer's.
 */
// grammY's web build on Node with our own small fetch: see http-fetch.ts for why.
import { Bot, GrammyError, InputFile, type Context } from 'grammy/web';
import type { BotCommand, BotCommandScope, Message, ReplyParameters } from 'grammy/types';
import type { SentRef } from '../../core/approval.js';
import { ConfigError } from '../../core/errors.js';
import type { Reply } from '../../core/reply.js';
import type { Translate } from '../../core/translate.js';
import { userKey, type Locale, type Role } from '../../core/user.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
import type { ChatAdapter } from '../adapter.js';
import type { Dispatcher } from '../dispatcher.js';
import type { IncomingCommand } from '../incoming.js';
import { CAPTION_LIMIT, inlineKeyboard, renderChunks, truncatePlain } from './render.js';
import { createNodeFetch } from './http-fetch.js';
import { abortableSleep, paceTransformer, retryTransformer, type PaceOptions, type RetryOptions } from './retry.js';

export interface TelegramOptions {
  /** getUpdates long-poll timeout (Telegram's default in grammY is 30 s). */
  pollingTimeoutSeconds?: number;
  /** Any single Bot API request is abandoned after this long (a silently dropped connection must not hang polling). */
  requestTimeoutSeconds?: number;
  /** start() resolves after this long even if Telegram is unreachable; polling keeps trying in the background. */
  startTimeoutMs?: number;
  /** Wait before polling again after Telegram refused it (409: another instance polls with this token). */
  restartDelayMs?: number;
  retry?: RetryOptions;
  /** false: no pacing (benchmarks measure the path itself). */
  pace?: PaceOptions | false;
}

export interface TelegramDeps {
  config: Config['telegram'];
  dispatcher: Dispatcher;
  translator: (locale: Locale) => Translate;
  logger: Logger;
  options?: TelegramOptions;
}

const PLATFORM = 'telegram';
const MENU_LOCALES: Locale[] = ['en', 'ja'];

function settleWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The Bot API's way of saying "this person never opened a chat with the bot" (or blocked it, or the id is unknown). */
function unreachable(error: unknown): boolean {
  if (!(error instanceof GrammyError)) return false;
  return error.error_code === 403 || (error.error_code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(error.description));
}

export class TelegramAdapter implements ChatAdapter {
  readonly platform = PLATFORM;
  readonly deletesMessages = true;
  /** Telegram: a bot may delete its own messages in a private chat for 48 hours. */
  readonly deleteWindowMs = 48 * 3600_000;
  private readonly bot: Bot;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  /** One queue per person: their commands run in order, different people's run side by side. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Admins whose private menu could not be set yet (they had not opened a chat with the bot). */
  private readonly adminMenuPending = new Set<string>();
  private readonly stopController = new AbortController();
  private polling: Promise<void> | undefined;

  constructor(private readonly deps: TelegramDeps) {
    const token = deps.config.TELEGRAM_BOT_TOKEN;
    if (!token) throw new ConfigError('TELEGRAM_BOT_TOKEN', 'is required to start Telegram');
    this.log = deps.logger;
    const options = deps.options ?? {};
    this.bot = new Bot(token, {
      client: {
        apiRoot: deps.config.TELEGRAM_API_ROOT,
        timeoutSeconds: options.requestTimeoutSeconds ?? (options.pollingTimeoutSeconds ?? 30) + 30,
        fetch: createNodeFetch() as unknown as typeof fetch,
      },
    });
    // Installed first = innermost: every attempt (retries included) is paced.
    if (options.pace !== false) this.bot.api.config.use(paceTransformer(options.pace ?? {}));
    this.bot.api.config.use(
      retryTransformer({
        onRetry: (i) => this.log.warn(`Telegram ${i.method} answered ${i.errorCode}; retrying in ${i.delayMs} ms`, { attempt: i.attempt }),
        ...options.retry,
      }),
    );
    this.bot.on('message:text', (ctx) => this.enqueue(ctx, () => this.onText(ctx)));
    this.bot.on('callback_query:data', (ctx) => this.enqueue(ctx, () => this.onButton(ctx)));
    this.bot.catch((err) => this.log.error('Telegram update failed', { error: err.error }));
  }

  adminIds(): readonly string[] {
    return this.deps.config.TELEGRAM_ADMIN_IDS;
  }

  async start(): Promise<void> {
    const options = this.deps.options ?? {};
    let started!: () => void;
    const ready = new Promise<void>((resolve) => (started = resolve));
    this.polling = this.pollLoop(started);
    const waiting = new AbortController();
    this.stopController.signal.addEventListener('abort', () => waiting.abort(), { once: true });
    const outcome = await Promise.race([
      ready.then(() => 'ready' as const),
      this.polling.then(() => 'ended' as const),
      abortableSleep(options.startTimeoutMs ?? 15_000, waiting.signal).then(
        () => 'slow' as const,
        () => 'ended' as const,
      ),
    ]);
    waiting.abort();
    if (outcome === 'ended' && !this.bot.isInited()) {
      throw new ConfigError('TELEGRAM_BOT_TOKEN', 'Telegram refused this token (check it with @BotFather)');
    }
    if (outcome === 'slow') this.log.warn('Telegram is not reachable yet; the bot keeps trying in the background');
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    // Bounded waits: with the network down, grammY's closing getUpdates could hang for a request timeout.
    if (this.bot.isRunning()) await settleWithin(this.bot.stop(), 5000).catch((error) => this.log.debug('Telegram: final getUpdates failed', { error }));
    await settleWithin(this.polling ?? Promise.resolve(), 5000).catch(() => undefined);
    // Commands already running finish (a peer half-added would be worse than a slow stop).
    await Promise.allSettled([...this.inFlight]);
  }

  async sendPrivate(userId: string, reply: Reply): Promise<SentRef[]> {
    return this.deliver(userId, reply, { recipient: userKey(PLATFORM, userId), privateChat: true });
  }

  async edit(ref: SentRef, reply: Reply): Promise<void> {
    const html = renderChunks(reply.blocks)[0];
    if (!html) return;
    try {
      await this.bot.api.editMessageText(ref.chatId, Number(ref.messageId), html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        // An empty keyboard removes the old buttons (e.g. once a request is decided).
        reply_markup: this.keyboard(reply) ?? { inline_keyboard: [] },
      });
    } catch (error) {
      if (error instanceof GrammyError && /message is not modified/i.test(error.description)) return;
      throw error;
    }
  }

  async deleteMessage(ref: SentRef): Promise<void> {
    try {
      await this.bot.api.deleteMessage(ref.chatId, Number(ref.messageId));
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 400) {
        // Already gone (the user deleted it): nothing left to do.
        if (/not found/i.test(error.description)) {
          this.log.debug(`Telegram: message ${ref.chatId}/${ref.messageId} was already gone: ${error.description}`);
          return;
        }
        // "message can't be deleted" (older than 48 h, or not the bot's): retrying cannot help.
        throw Object.assign(new Error(`Telegram refused to delete ${ref.chatId}/${ref.messageId}: ${error.description}`, { cause: error }), { permanent: true });
      }
      throw error;
    }
  }

  // --- polling ---

  private async pollLoop(started: () => void): Promise<void> {
    const options = this.deps.options ?? {};
    while (!this.stopController.signal.aborted) {
      try {
        // init (getMe) waits for the network like polling does, but must still give way to stop().
        await this.bot.init(this.stopController.signal as unknown as Parameters<Bot['init']>[0]);
        await this.bot.start({
          allowed_updates: ['message', 'callback_query'],
          timeout: options.pollingTimeoutSeconds ?? 30,
          onStart: (me) => {
            this.log.info(`Telegram: polling as @${me.username}`);
            started();
            void this.registerMenus();
          },
        });
        return; // bot.stop() was called
      } catch (error) {
        if (this.stopController.signal.aborted) return;
        if (error instanceof GrammyError && error.error_code === 401) {
          this.log.error('Telegram refused the bot token (401); Telegram is stopped', { error });
          return;
        }
        const delay = options.restartDelayMs ?? 10_000;
        this.log.error(`Telegram polling stopped; polling again in ${Math.round(delay / 1000)} s`, { error });
        await abortableSleep(delay, this.stopController.signal).catch(() => undefined);
      }
    }
  }

  private enqueue(ctx: Context, task: () => Promise<void>): void {
    const key = String(ctx.from?.id ?? ctx.chat?.id ?? '');
    const run = (this.queues.get(key) ?? Promise.resolve()).then(task).catch((error) => this.handlerFailed(ctx, error));
    this.queues.set(key, run);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      if (this.queues.get(key) === run) this.queues.delete(key);
    });
  }

  /** Whatever went wrong, the person hears a short message and the bot keeps running. */
  private async handlerFailed(ctx: Context, error: unknown): Promise<void> {
    this.log.error('Telegram: handling an update failed', { error, update: ctx.update.update_id });
    const chatId = ctx.chat?.id ?? ctx.from?.id;
    if (chatId === undefined) return;
    const t = this.deps.translator(this.localeOf(ctx));
    await this.bot.api.sendMessage(chatId, t('dispatch.failed')).catch(() => undefined);
  }

  private localeOf(ctx: Context): Locale {
    const from = ctx.from;
    return from ? this.deps.dispatcher.actorFor(this.incoming(ctx, '', false)).locale : 'en';
  }

  private incoming(ctx: Context, text: string, isPrivateChat: boolean): IncomingCommand {
    const from = ctx.from!;
    return {
      platform: PLATFORM,
      userId: String(from.id),
      displayName: [from.first_name, from.last_name].filter(Boolean).join(' ') || String(from.id),
      ...(from.username ? { username: from.username } : {}),
      ...(from.language_code ? { languageTag: from.language_code } : {}),
      text,
      isPrivateChat,
    };
  }

  private async onText(ctx: Context): Promise<void> {
    const message = ctx.message!;
    const from = message.from;
    if (!from || from.is_bot) return;
    const isPrivate = message.chat.type === 'private';
    let text = message.text ?? '';
    const isCommand = text.startsWith('/');
    // In groups the bot only hears commands, and only those not addressed to another bot.
    if (!isPrivate && !isCommand) return;
    const mention = /^\/[^\s@]+@(\S+)/.exec(text)?.[1];
    if (mention && mention.toLowerCase() !== this.bot.botInfo.username.toLowerCase()) return;
    // A t.me/<bot>?start=<payload> link sends "/start <payload>"; the payload means nothing here.
    if (/^\/start(@\S+)?\s/.test(text)) text = text.split(/\s/)[0]!;

    if (this.adminMenuPending.has(String(from.id))) void this.registerAdminMenu(String(from.id));
    const reply = await this.deps.dispatcher.handle(this.incoming(ctx, text, isPrivate));
    if (!reply) return;
    await this.deliver(message.chat.id, reply, {
      recipient: userKey(PLATFORM, from.id),
      privateChat: isPrivate,
      ...(isPrivate ? {} : { replyTo: { message_id: message.message_id, allow_sending_without_reply: true } }),
    });
  }

  /** A button is a command line run as the presser; the command re-checks everything against the bot's records. */
  private async onButton(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery!;
    // Answer first: it only stops the button's spinner, and must come within seconds.
    await ctx.answerCallbackQuery().catch((error) => this.log.debug('Telegram: answerCallbackQuery failed', { error }));
    const chat = query.message?.chat;
    const isPrivate = chat?.type === 'private';
    const reply = await this.deps.dispatcher.handle(this.incoming(ctx, query.data ?? '', isPrivate));
    if (!reply) return;
    // The answer goes where the button was, unless that is someone else's private chat (a forged press).
    if (chat && (!isPrivate || chat.id === query.from.id)) await this.deliver(chat.id, reply, { recipient: userKey(PLATFORM, query.from.id), privateChat: isPrivate });
    else await this.sendPrivate(String(query.from.id), reply);
  }

  // --- sending ---

  private keyboard(reply: Reply) {
    return inlineKeyboard(reply.buttons, (action) => this.log.warn(`Telegram: a button was left out, its action is over 64 bytes: ${action.slice(0, 20)}…`));
  }

  /**
   * Send a reply as Telegram messages: attachments first (the QR photo, then the .conf document), then
   * the text in HTML chunks with the buttons on the last. Returns every message sent, so secret
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
    // Secrets never leave a private chat, whoever calls this.
    if (reply.secret && !opts.privateChat) throw new Error('refusing to send a secret reply outside a private chat');
    const steps: (() => Promise<Message>)[] = [];
    for (const a of reply.attachments ?? []) {
      const file = new InputFile(a.data, a.name);
      const caption = a.caption ? { caption: truncatePlain(a.caption, CAPTION_LIMIT) } : {};
      if (a.kind === 'image') {
        // Neither the QR nor the .conf can be forwarded or saved to another chat (the WireGuard app
        // still imports the .conf through Telegram's "open with").
        steps.push(() => this.bot.api.sendPhoto(chatId, file, { ...common, ...caption, protect_content: opts.privateChat || !!reply.secret }));
      } else {
        steps.push(() => this.bot.api.sendDocument(chatId, file, { ...common, ...caption, protect_content: opts.privateChat || !!reply.secret }));
      }
    }
    const chunks = renderChunks(reply.blocks);
    const keyboard = this.keyboard(reply);
    if (chunks.length === 0 && keyboard) chunks.push('…');
    chunks.forEach((html, i) => {
      const last = i === chunks.length - 1;
      steps.push(() =>
        this.bot.api.sendMessage(chatId, html, {
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
        if (sent.length === 0 && unreachable(error)) return [];
        if (sent.length === 0) throw error;
        // Part of it went out: report what did, so the secret parts still get deleted on time.
        this.log.error(`Telegram: a delivery to ${opts.recipient} was cut short`, { error });
        return sent;
      }
    }
    return sent;
  }

  // --- command menus ---

  private async registerMenus(): Promise<void> {
    await this.setMenu('user', { type: 'default' }).catch((error) => this.log.warn('Telegram: could not set the command menu', { error }));
    for (const id of this.adminIds()) await this.registerAdminMenu(id);
  }

  private async registerAdminMenu(id: string): Promise<void> {
    try {
      await this.setMenu('admin', { type: 'chat', chat_id: Number(id) });
      this.adminMenuPending.delete(id);
    } catch (error) {
      // Usually: this admin has not opened a chat with the bot yet. Tried again when they write.
      this.adminMenuPending.add(id);
      this.log.debug(`Telegram: admin menu for ${id} not set yet`, { error });
    }
  }

  private async setMenu(role: Role, scope: BotCommandScope): Promise<void> {
    for (const locale of MENU_LOCALES) {
      const t = this.deps.translator(locale);
      const commands: BotCommand[] = this.deps.dispatcher
        .visibleCommands(role)
        .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name))
        .slice(0, 100)
        .map((c) => ({ command: c.name, description: truncatePlain(t(c.summaryKey) || c.name, 256) }));
      await this.bot.api.setMyCommands(commands, { scope, ...(locale === 'en' ? {} : { language_code: locale }) });
    }
  }
}
