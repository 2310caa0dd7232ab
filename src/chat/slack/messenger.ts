/**
 * The Web API calls the adapter makes: the bot's DM with a person, posting a Reply (text, buttons,
 * uploaded files), updating and deleting. Every call goes through one WebClient (SLACK_API_URL,
 * rate-limit retries as Slack asks).
 */
import type { webApi } from '@slack/bolt';
import type { Attachment, Reply } from '../../core/reply.js';
import type { Logger } from '../../log/logger.js';
import { renderCaption, renderReply } from './render.js';

type WebClient = webApi.WebClient;

/** Files are referred to as "file:F123" so deleteMessage knows to call files.delete. */
export const FILE_REF_PREFIX = 'file:';

export interface SlackProfile {
  displayName: string;
  username?: string;
  /** users.info's locale, e.g. "ja-JP". */
  locale?: string;
}

const PROFILE_TTL_MS = 10 * 60_000;
const CACHE_LIMIT = 1000;

/** The Slack error code of a Web API platform error ("channel_not_found"), else undefined. */
export function platformError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; data?: { error?: unknown } };
  return e.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

export class SlackMessenger {
  private readonly dms = new Map<string, string>();
  private readonly profiles = new Map<string, { at: number; profile: SlackProfile }>();

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {}

  /** The bot's 1:1 conversation with this user (conversations.open), or undefined if Slack refuses one. */
  async dmChannel(userId: string): Promise<string | undefined> {
    const known = this.dms.get(userId);
    if (known) return known;
    try {
      const res = await this.client.conversations.open({ users: userId });
      const id = res.channel?.id;
      if (!id) return undefined;
      if (this.dms.size >= CACHE_LIMIT) this.dms.clear();
      this.dms.set(userId, id);
      return id;
    } catch (error) {
      const code = platformError(error);
      if (!code) throw error;
      this.logger.warn(`slack: no direct message channel with ${userId}: ${code}`);
      return undefined;
    }
  }

  /** Name and language for the dispatcher; falls back to what the event said if users.info fails. */
  async profile(userId: string, fallbackName: string): Promise<SlackProfile> {
    const cached = this.profiles.get(userId);
    if (cached && Date.now() - cached.at < PROFILE_TTL_MS) return cached.profile;
    try {
      const res = await this.client.users.info({ user: userId, include_locale: true });
      const u = res.user;
      const profile: SlackProfile = {
        displayName: u?.profile?.display_name || u?.real_name || u?.name || fallbackName,
        ...(u?.name ? { username: u.name } : {}),
        ...(u?.locale ? { locale: u.locale } : {}),
      };
      if (this.profiles.size >= CACHE_LIMIT) this.profiles.clear();
      this.profiles.set(userId, { at: Date.now(), profile });
      return profile;
    } catch (error) {
      this.logger.warn(`slack: users.info failed for ${userId}`, { error: platformError(error) ?? String(error) });
      return { displayName: fallbackName, username: fallbackName };
    }
  }

  /** Post a reply as the bot: one message for text and buttons, then one upload per attachment. Returns ts / file refs. */
  async post(channel: string, reply: Reply): Promise<string[]> {
    const ids: string[] = [];
    const message = renderReply(reply);
    if (message.blocks.length > 0) {
      const res = await this.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      if (res.ts) ids.push(res.ts);
    }
    let failure: unknown;
    for (const attachment of reply.attachments ?? []) {
      try {
        ids.push(await this.upload(channel, attachment));
      } catch (error) {
        // Keep what was sent (it must still be deleted on time); report the rest.
        failure = error;
        this.logger.error(`slack: could not upload ${attachment.name}`, { error });
      }
    }
    if (failure !== undefined && ids.length === 0) throw failure instanceof Error ? failure : new Error('slack: the upload failed', { cause: failure });
    return ids;
  }

  /** files.getUploadURLExternal → upload → files.completeUploadExternal, shared straight into `channel`. */
  async upload(channel: string, attachment: Attachment): Promise<string> {
    const caption = renderCaption(attachment.caption);
    const res = await this.client.filesUploadV2({
      channel_id: channel,
      file: Buffer.from(attachment.data),
      filename: attachment.name,
      title: attachment.name,
      ...(caption ? { initial_comment: caption } : {}),
      ...(attachment.kind === 'image' ? { alt_text: attachment.caption ?? attachment.name } : {}),
    });
    const id = uploadedFileId(res);
    if (!id) throw new Error(`files.completeUploadExternal returned no file id for ${attachment.name}`);
    return `${FILE_REF_PREFIX}${id}`;
  }

  async update(channel: string, messageId: string, reply: Reply): Promise<void> {
    // An uploaded file cannot be edited; only text messages carry buttons.
    if (messageId.startsWith(FILE_REF_PREFIX)) return;
    const message = renderReply(reply);
    await this.client.chat.update({ channel, ts: messageId, text: message.text, blocks: message.blocks });
  }

  async remove(channel: string, messageId: string): Promise<void> {
    try {
      if (messageId.startsWith(FILE_REF_PREFIX)) await this.client.files.delete({ file: messageId.slice(FILE_REF_PREFIX.length) });
      else await this.client.chat.delete({ channel, ts: messageId });
    } catch (error) {
      // Already gone (deleted by the person, or an earlier run) is what we wanted.
      if (['message_not_found', 'file_not_found', 'file_deleted', 'channel_not_found'].includes(platformError(error) ?? '')) return;
      throw error;
    }
  }
}

function uploadedFileId(res: unknown): string | undefined {
  // filesUploadV2 answers { files: [ completeUploadExternal responses, each { files: [{ id }] } ] }.
  const outer = (res as { files?: { files?: { id?: string }[] }[] }).files ?? [];
  for (const completion of outer) for (const f of completion.files ?? []) if (f.id) return f.id;
  return undefined;
}
