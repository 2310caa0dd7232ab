/**
 * Telegram through grammY, by long polling (no inbound port behind a home router): the adapter's life
 * (start, polling, stop) and the wiring of its parts, one concern a file as the Slack adapter has them:
 * inbound.ts (updates → Dispatcher), queue.ts (one queue per person), sender.ts (Reply → Bot API),
 * menus.ts (command menus), retry.ts (retries and pacing). Every decision (who may do what, what a
 * button means, who may see a reply) is the command layer's and the hub's.
 */
// grammY's web build on Node with our own small fetch: see http-fetch.ts for why.
import { Bot, type BotError, type Context } from 'grammy/web';
import { ConfigError } from '../../core/errors.js';
import type { Reply } from '../../core/reply.js';
import type { Translate } from '../../core/translate.js';
import type { Locale } from '../../core/user.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
import type { ChatAdapter, SentRef, Target } from '../adapter.js';
import type { Dispatcher } from '../dispatcher.js';
import { createNodeFetch } from './http-fetch.js';
import { incoming, onButton, onText, type InboundDeps } from './inbound.js';
import { TelegramMenus } from './menus.js';
import { PersonQueues } from './queue.js';
import { abortableSleep, paceTransformer, retryTransformer, type PaceOptions, type RetryOptions } from './retry.js';
import { failureOf, PLATFORM, TelegramSender, type TelegramOrigin } from './sender.js';

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

function settleWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class TelegramAdapter implements ChatAdapter {
  readonly platform = PLATFORM;
  readonly deletesMessages = true;
  /** Telegram: a bot may delete its own messages in a private chat for 48 hours. */
  readonly deleteWindowMs = 48 * 3600_000;
  private readonly bot: Bot;
  private readonly log: Logger;
  private readonly sender: TelegramSender;
  private readonly menus: TelegramMenus;
  private readonly queues: PersonQueues;
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
        fetch: createNodeFetch(),
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
    this.sender = new TelegramSender(this.bot.api, this.log);
    this.menus = new TelegramMenus({
      api: this.bot.api,
      adminIds: () => this.adminIds(),
      visibleCommands: (role) => deps.dispatcher.visibleCommands(role),
      translator: deps.translator,
      logger: this.log,
    });
    const inbound: InboundDeps = {
      dispatcher: deps.dispatcher,
      botUsername: () => this.bot.botInfo.username,
      heardFrom: (id) => this.menus.heardFrom(id),
    };
    // Handlers run in the person's queue; an error there reaches bot.catch like any middleware error.
    this.queues = new PersonQueues((error) => this.bot.errorHandler(error));
    this.bot.on('message:text', (ctx) => this.queues.push(ctx, () => onText(ctx, inbound)));
    this.bot.on('callback_query:data', (ctx) =>
      this.queues.push(ctx, () =>
        onButton(ctx, inbound, () => ctx.answerCallbackQuery().catch((error) => this.log.debug('Telegram: answerCallbackQuery failed', { error }))),
      ),
    );
    this.bot.catch((error) => this.handlerFailed(error));
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
    await this.queues.idle();
  }

  send(to: Target, reply: Reply): Promise<SentRef[]> {
    return this.sender.send(to, reply);
  }

  edit(ref: SentRef, reply: Reply): Promise<void> {
    return this.sender.edit(ref, reply);
  }

  deleteMessage(ref: SentRef): Promise<void> {
    return this.sender.deleteMessage(ref);
  }

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
            void this.menus.registerAll();
          },
        });
        return; // bot.stop() was called
      } catch (error) {
        if (this.stopController.signal.aborted) return;
        if (failureOf(error) === 'unauthorized') {
          this.log.error('Telegram refused the bot token (401); Telegram is stopped', { error });
          return;
        }
        const delay = options.restartDelayMs ?? 10_000;
        this.log.error(`Telegram polling stopped; polling again in ${Math.round(delay / 1000)} s`, { error });
        await abortableSleep(delay, this.stopController.signal).catch(() => undefined);
      }
    }
  }

  /** bot.catch: whatever went wrong in a handler, it is logged, the person hears a short message, and the bot keeps running. */
  private async handlerFailed({ error, ctx }: BotError<Context>): Promise<void> {
    this.log.error('Telegram: handling an update failed', { error, update: ctx.update.update_id });
    const from = ctx.from;
    const chatId = ctx.chat?.id ?? from?.id;
    if (chatId === undefined || !from) return;
    const origin: TelegramOrigin = { chatId, private: chatId === from.id };
    await this.deps.dispatcher
      .failed(incoming(from, '', origin))
      .catch((e: unknown) => this.log.debug('Telegram: could not say that a command failed', { error: e }));
  }
}
