/**
 * Slack events → Dispatcher: slash commands (every command, and /wg <command>) and Block Kit button
 * presses. Both are acknowledged first (Slack wants an ack within 3 seconds), then handed on with
 * the chat they came from; the hub has the answer sent back there (see SlackOrigin).
 */
import type { App, RespondFn } from '@slack/bolt';
import type { Logger } from '../../log/logger.js';
import type { Dispatcher } from '../dispatcher.js';
import type { IncomingCommand } from '../incoming.js';
import type { SlackMessenger } from './messenger.js';
import { BUTTON_ACTION_PREFIX, unescapeMrkdwn } from './render.js';

/**
 * Where a command came from: `dm` when that is the bot's own DM with the person (answers are posted
 * there as normal messages), else only `respond` (answers are ephemeral, seen by that person alone).
 */
export interface SlackOrigin {
  respond: RespondFn;
  dm?: string;
  /** The channel the command was sent in, where a picture that is not a secret (a /traffic chart) is posted. */
  channelId?: string;
}

export interface EventDeps {
  dispatcher: Pick<Dispatcher, 'handle' | 'failed'>;
  messenger: SlackMessenger;
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

/** Who sent the event, from where, and how to answer it. */
interface Source {
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
      // Bolt types `container` as any: only a string is taken from it.
      channelId: body.channel?.id ?? (typeof body.container?.channel_id === 'string' ? body.container.channel_id : undefined),
      respond,
    });
  });
}

async function track(deps: EventDeps, text: string, origin: Source): Promise<void> {
  const job = run(deps, text, origin);
  deps.inFlight.add(job);
  try {
    await job;
  } finally {
    deps.inFlight.delete(job);
  }
}

async function run(deps: EventDeps, text: string, origin: Source): Promise<void> {
  const { dispatcher, messenger, logger } = deps;
  // What the event itself tells, until users.info and conversations.open say more.
  let msg: IncomingCommand = {
    platform: 'slack',
    userId: origin.userId,
    displayName: origin.userName,
    text,
    isPrivateChat: false,
    origin: { respond: origin.respond } satisfies SlackOrigin,
  };
  try {
    const [profile, dm] = await Promise.all([messenger.profile(origin.userId, origin.userName), messenger.dmChannel(origin.userId)]);
    // Private means the bot's own DM with this person, not any DM (a DM between two people is not private to the bot).
    const isPrivateChat = dm !== undefined && origin.channelId === dm;
    msg = {
      ...msg,
      displayName: profile.displayName,
      ...(profile.username ? { username: profile.username } : {}),
      ...(profile.locale ? { languageTag: profile.locale } : {}),
      isPrivateChat,
      origin: {
        respond: origin.respond,
        ...(isPrivateChat ? { dm } : {}),
        ...(origin.channelId ? { channelId: origin.channelId } : {}),
      } satisfies SlackOrigin,
    };
    await dispatcher.handle(msg);
  } catch (error) {
    logger.error(`slack: handling "${text.split(/\s+/)[0]}" for slack:${origin.userId} failed`, { error });
    // Ephemerally through the response_url: that works even when posting messages is what failed.
    await dispatcher.failed({ ...msg, origin: { respond: origin.respond } satisfies SlackOrigin }).catch((e: unknown) => {
      logger.warn('slack: could not answer a failed command', { error: e });
    });
  }
}
