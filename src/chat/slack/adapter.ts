/**
 * The Slack adapter: a Bolt app in Socket Mode when SLACK_APP_TOKEN is set (no inbound port behind
 * a home router), in HTTP mode on SLACK_BIND:SLACK_PORT otherwise (loopback by default: a TLS proxy goes in front). Every Web API call, including Socket Mode's
 * apps.connections.open, goes to SLACK_API_URL when it is set (a test server).
 */
import { App, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Config } from '../../config/index.js';
import type { Reply } from '../../core/reply.js';
import { userKey } from '../../core/user.js';
import type { Logger } from '../../log/logger.js';
import type { ChatAdapter, SentRef, Target } from '../adapter.js';
import type { Dispatcher } from '../dispatcher.js';
import { boltLogger } from './bolt-logger.js';
import { registerEvents, type SlackOrigin } from './events.js';
import { SlackMessenger } from './messenger.js';
import { renderReply } from './render.js';

export const PLATFORM = 'slack';

export interface SlackAdapterDeps {
  config: Config['slack'];
  dispatcher: Dispatcher;
  logger: Logger;
}

/** Web API client options shared by the bot's client and the Socket Mode client. */
export function webClientOptions(config: Config['slack']): webApi.WebClientOptions {
  return {
    ...(config.SLACK_API_URL ? { slackApiUrl: `${config.SLACK_API_URL}/` } : {}),
    // On HTTP 429 the client waits the Retry-After seconds Slack sends, then tries again.
    rejectRateLimitedCalls: false,
    retryConfig: { retries: 5, factor: 2, minTimeout: 250, maxTimeout: 30_000, randomize: true },
    timeout: 30_000,
  };
}

export class SlackAdapter implements ChatAdapter {
  readonly platform = PLATFORM;
  readonly deletesMessages = true;
  private readonly app: App;
  private readonly messenger: SlackMessenger;
  private started = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: SlackAdapterDeps) {
    const { config, logger } = deps;
    const token = config.SLACK_BOT_TOKEN;
    if (!token) throw new Error('SLACK_BOT_TOKEN is not set');
    const slackLogger = boltLogger(logger);
    const clientOptions = webClientOptions(config);
    if (config.SLACK_APP_TOKEN) {
      const receiver = new SocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN,
        logger: slackLogger,
        autoReconnectEnabled: true,
        // A copy without retryConfig: the Socket Mode client then keeps retrying apps.connections.open its own (long) way.
        installerOptions: { clientOptions: { ...clientOptions, retryConfig: undefined } },
      });
      this.app = new App({ token, receiver, socketMode: true, logger: slackLogger, clientOptions });
    } else {
      this.app = new App({ token, signingSecret: config.SLACK_SIGNING_SECRET, logger: slackLogger, clientOptions });
    }
    this.messenger = new SlackMessenger(this.app.client, logger);
    registerEvents(this.app, { dispatcher: deps.dispatcher, messenger: this.messenger, logger, inFlight: this.inFlight });
    // Errors that escape a listener: log them, never crash the process.
    this.app.error(async (error) => {
      logger.error('slack: unhandled error in an event listener', { error });
    });
  }

  adminIds(): readonly string[] {
    return this.deps.config.SLACK_ADMIN_IDS;
  }

  async start(): Promise<void> {
    if (this.deps.config.SLACK_APP_TOKEN) await this.app.start();
    else await this.app.start({ port: this.deps.config.SLACK_PORT ?? 3000, host: this.deps.config.SLACK_BIND ?? '127.0.0.1' });
    this.started = true;
    const where = `HTTP on ${this.deps.config.SLACK_BIND ?? '127.0.0.1'} port ${this.deps.config.SLACK_PORT}`;
    this.deps.logger.info(`slack: connected (${this.deps.config.SLACK_APP_TOKEN ? 'Socket Mode' : where})`);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.app.stop();
    // Commands already acknowledged still get their answer.
    await Promise.allSettled([...this.inFlight]);
  }

  /** Private: the bot's DM with the person. Origin: that DM if the command came from it, else an ephemeral answer there. */
  async send(to: Target, reply: Reply): Promise<SentRef[]> {
    const refs = (channel: string, ids: string[]): SentRef[] =>
      ids.map((messageId) => ({ platform: PLATFORM, chatId: channel, messageId, recipient: userKey(PLATFORM, to.userId) }));
    if (to.kind === 'private') {
      const channel = await this.messenger.dmChannel(to.userId);
      return channel ? refs(channel, await this.messenger.post(channel, reply)) : [];
    }
    const origin = to.origin as SlackOrigin;
    if (origin.dm) return refs(origin.dm, await this.messenger.post(origin.dm, reply));
    const pictures = reply.attachments ?? [];
    if (!reply.secret && origin.channelId && pictures.length > 0 && pictures.every((a) => a.kind === 'image' && !a.qrText)) {
      // A picture that is not a secret (a /traffic chart) is posted where it was asked: an ephemeral answer cannot carry files.
      return refs(origin.channelId, await this.messenger.post(origin.channelId, reply));
    }
    // An ephemeral answer is text and buttons only; files need a conversation to be shared into.
    if ((reply.attachments?.length ?? 0) > 0) throw new Error('slack: an ephemeral answer cannot carry files');
    const message = renderReply(reply);
    await origin.respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
    return [];
  }

  edit(ref: SentRef, reply: Reply): Promise<void> {
    return this.messenger.update(ref.chatId, ref.messageId, reply);
  }

  deleteMessage(ref: SentRef): Promise<void> {
    return this.messenger.remove(ref.chatId, ref.messageId);
  }
}
