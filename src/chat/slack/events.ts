/**
 * Slack events → Dispatcher: slash commands (every command, and /wg <command>) and Block Kit button
 * presses. Both are acknowledged first (Slack wants an ack within 3 seconds), then run and answered:
 * in the bot's own DM as a normal message, anywhere else ephemerally through the response_url.
 */
import type { App, RespondFn } from '@slack/bolt';
import type { Reply } from '../../core/reply.js';
import { textReply } from '../../core/reply.js';
import type { Translate } from '../../core/translate.js';
import type { Locale } from '../../core/user.js';
import type { Logger } from '../../log/logger.js';
import type { Dispatcher } from '../dispatcher.js';
import type { IncomingCommand } from '../incoming.js';
import type { SlackMessenger } from './messenger.js';
import { BUTTON_ACTION_PREFIX, renderReply, unescapeMrkdwn } from './render.js';

export interface EventDeps {
  dispatcher: Dispatcher;
  messenger: SlackMessenger;
  translator: (locale: Locale) => Translate;
  logger: Logger;
  /** Commands being handled, so stop() can let them finish. */
  inFlight: Set<Promise<void>>;
}

/** The umbrella command: `/wg addpeer laptop` runs `/addpeer laptop`; also the way to words Slack reserves (`/wg status`). */
export const UMBRELLA = 'wg';

/** "/addpeer" + "laptop" → "/addpeer laptop"; "/wg" + "addpeer laptop" → "/addpeer laptop"; bare "/wg" → "/help". */
export function commandLine(command: string, text: string): string {
  const name = command.replace(/^\//, '').trim().toLowerCase();
  // Slack sends &, < and > in the command text as entities.
  const rest = unescapeMrkdwn(text).trim();
  if (name === UMBRELLA) return rest === '' ? '/help' : `/${rest.replace(/^\/+/, '')}`;
  return rest === '' ? `/${name}` : `/${name} ${rest}`;
}

interface Origin {
  userId: string;
  /** What the event itself says the person is called (user_name / user.username). */
  userName: string;
  channelId: string | undefined;
  respond: RespondFn;
}

export function registerEvents(app: App, deps: EventDeps): void {
  app.command(/^\/[a-z0-9_-]+$/i, async ({ command, ack, respond }) => {
    await ack();
    await track(deps, commandLine(command.command, command.text ?? ''), {
      userId: command.user_id,
      userName: command.user_name,
      channelId: command.channel_id,
      respond,
    });
  });

  app.action({ type: 'block_actions', action_id: new RegExp(`^${BUTTON_ACTION_PREFIX}\\d+$`) }, async ({ body, action, ack, respond }) => {
    await ack();
    // The button's value is only a command line to try; the command checks the presser and its own records.
    const value = 'value' in action && typeof action.value === 'string' ? action.value : undefined;
    if (!value) return;
    await track(deps, value, {
      userId: body.user.id,
      userName: body.user.username ?? body.user.name ?? body.user.id,
      channelId: body.channel?.id ?? body.container?.channel_id,
      respond,
    });
  });
}

async function track(deps: EventDeps, text: string, origin: Origin): Promise<void> {
  const job = run(deps, text, origin);
  deps.inFlight.add(job);
  try {
    await job;
  } finally {
    deps.inFlight.delete(job);
  }
}

async function run(deps: EventDeps, text: string, origin: Origin): Promise<void> {
  const { dispatcher, messenger, logger } = deps;
  let locale: Locale | undefined;
  try {
    const [profile, dm] = await Promise.all([messenger.profile(origin.userId, origin.userName), messenger.dmChannel(origin.userId)]);
    // Private means the bot's own DM with this person, not any DM (a DM between two people is not private to the bot).
    const isPrivateChat = dm !== undefined && origin.channelId === dm;
    const msg: IncomingCommand = {
      platform: 'slack',
      userId: origin.userId,
      displayName: profile.displayName,
      ...(profile.username ? { username: profile.username } : {}),
      ...(profile.locale ? { languageTag: profile.locale } : {}),
      text,
      isPrivateChat,
    };
    locale = dispatcher.actorFor(msg).locale;
    const reply = await dispatcher.handle(msg);
    if (!reply) return;
    if (isPrivateChat && dm) await messenger.post(dm, reply);
    else await answerInChannel(deps, origin, reply, locale);
  } catch (error) {
    logger.error(`slack: handling "${text.split(/\s+/)[0]}" for slack:${origin.userId} failed`, { error });
    const t = deps.translator(locale ?? 'en');
    await origin.respond({ response_type: 'ephemeral', replace_original: false, text: t('dispatch.failed') }).catch((e: unknown) => {
      logger.warn('slack: could not answer a failed command', { error: e });
    });
  }
}

/** Outside the bot's DM only the person who asked sees the answer, and never a secret. */
async function answerInChannel(deps: EventDeps, origin: Origin, reply: Reply, locale: Locale): Promise<void> {
  const images = reply.attachments ?? [];
  if (!reply.secret && images.length > 0 && images.every((a) => a.kind === 'image' && !a.qrText) && origin.channelId) {
    // A picture that is not a secret (a /traffic chart) goes to the channel where it was asked: an ephemeral answer cannot carry files.
    await deps.messenger.post(origin.channelId, reply);
    return;
  }
  if (reply.secret || (reply.attachments?.length ?? 0) > 0) {
    // The dispatcher routes secrets privately; anything else carrying files does not belong in a channel either.
    deps.logger.error('slack: refused to show a reply with secrets or files outside the direct message');
    reply = textReply(deps.translator(locale)('dispatch.failed'));
  }
  const message = renderReply(reply);
  await origin.respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
}
