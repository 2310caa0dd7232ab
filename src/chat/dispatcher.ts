/**
 * Platform-neutral command dispatch: parse the command line, work out who is asking, check the
 * command's access rule (deny by default), rate-limit non-admins, run the handler, and turn errors
 * into short answers. The reply then goes to the hub, which sends it where it may go.
 */
import type { CommandDef, CommandContext } from '../core/command.js';
import { prepareRun, runPrepared, usageLines, visibleCommands } from '../core/command.js';
import { UsageError } from '../core/args.js';
import { UserError } from '../core/errors.js';
import { paragraph, code, textReply, type Reply } from '../core/reply.js';
import type { RateLimiter } from '../core/rate-limit.js';
import type { CommandServices } from '../core/services.js';
import type { Translate } from '../core/translate.js';
import { userKey, type Actor, type Locale } from '../core/user.js';
import type { Logger } from '../log/logger.js';
import type { AuditLog } from '../store/audit-log.js';
import { toLocale } from '../i18n/index.js';
import type { IncomingCommand } from './incoming.js';
import type { Delivered, Outgoing } from './outgoing.js';

export interface ParsedLine {
  name: string;
  args: string[];
}

/** "/addpeer@my_bot  laptop" → { name: "addpeer", args: ["laptop"] }. Undefined if it is not a command line. */
export function parseCommandLine(text: string): ParsedLine | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return undefined;
  const [head = '', ...args] = trimmed.slice(1).split(/\s+/);
  const name = head.split('@')[0]!.toLowerCase();
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(name)) return undefined;
  return { name, args };
}

interface Deps {
  commands: () => readonly CommandDef[];
  services: CommandServices;
  translator: (locale: Locale) => Translate;
  defaultLocale: Locale;
  rateLimiter: RateLimiter;
  /** Send a reply to its audience (the hub: the one place that knows where secrets may go). */
  deliver: (out: Outgoing) => Promise<Delivered>;
  audit: AuditLog;
  logger: Logger;
  now?: () => Date;
}

export class Dispatcher {
  private readonly now: () => Date;

  constructor(private readonly deps: Deps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Commands a person may see in /help and platform menus. */
  visibleCommands(role: Actor['role']): CommandDef[] {
    return visibleCommands(this.deps.commands(), role);
  }

  actorFor(msg: IncomingCommand): Actor {
    const key = userKey(msg.platform, msg.userId);
    const remembered = this.deps.services.users.profile(key)?.locale;
    return {
      key,
      platform: msg.platform,
      id: msg.userId,
      displayName: msg.displayName,
      ...(msg.username ? { username: msg.username } : {}),
      role: this.deps.services.users.roleOf(key),
      locale: msg.languageTag ? toLocale(msg.languageTag, this.deps.defaultLocale) : (remembered ?? this.deps.defaultLocale),
    };
  }

  /**
   * Handle one command line: decide the reply and hand it to the hub, addressed to the chat the command
   * came from. Resolves once it is sent, with what that chat was answered (null: nothing, e.g. a secret
   * sent privately instead), for callers that keep a record; adapters need not look.
   */
  async handle(msg: IncomingCommand): Promise<Reply | null> {
    const actor = this.actorFor(msg);
    const reply = await this.decide(msg, actor);
    if (!reply) return null;
    return (await this.deps.deliver({ reply, to: { kind: 'origin', msg, locale: actor.locale } })).answer;
  }

  /** Say briefly, in the person's language, that handling their command failed (an adapter's handler threw). */
  async failed(msg: IncomingCommand): Promise<void> {
    const actor = this.actorFor(msg);
    const reply = textReply(this.deps.translator(actor.locale)('dispatch.failed'));
    await this.deps.deliver({ reply, to: { kind: 'origin', msg, locale: actor.locale } });
  }

  private async decide(msg: IncomingCommand, actor: Actor): Promise<Reply | null> {
    const t = this.deps.translator(actor.locale);
    // Everything a non-admin sends counts, answered or not (unknown commands and chatter too).
    if (actor.role !== 'admin') {
      const decision = this.deps.rateLimiter.take(actor.key, this.now().getTime());
      if (decision !== 'ok') {
        if (decision === 'limited') this.deps.audit.record({ actor: actor.key, action: 'rate-limit', outcome: 'refused' });
        return decision === 'limited' ? textReply(t('dispatch.rateLimited')) : null;
      }
    }
    const line = parseCommandLine(msg.text);
    if (!line) return textReply(t('dispatch.notACommand'));

    const command = this.deps.commands().find((c) => c.name === line.name);
    if (!command) return { blocks: [paragraph(t('dispatch.unknown', { name: line.name.slice(0, 32) }), ' ', code('/help'))] };

    const prepared = prepareRun(command, line.args, actor.role);
    const audited = prepared.label;
    if (!prepared.allowed) {
      this.deps.audit.record({ actor: actor.key, action: audited, outcome: 'refused', detail: 'access' });
      return textReply(actor.role === 'stranger' ? t('access.stranger', { id: actor.key }) : t('access.adminOnly'));
    }

    this.deps.services.users.rememberProfile(actor.key, {
      name: actor.displayName,
      ...(actor.username ? { username: actor.username } : {}),
      locale: actor.locale,
    });

    const ctx: CommandContext = { actor, t, services: this.deps.services, isPrivateChat: msg.isPrivateChat, now: this.now };
    const target = prepared.words.join(' ').slice(0, 64) || undefined;
    let reply: Reply;
    try {
      // Bad words are refused before anything is looked at or changed; then a cheap stat, so that a
      // `pivpn -r` made while the bot runs shows in this very command.
      reply = await runPrepared(prepared, ctx, () => this.deps.services.peers.refresh());
      this.deps.audit.record({ actor: actor.key, action: audited, ...(target ? { target } : {}), outcome: 'ok' });
    } catch (error) {
      if (error instanceof UsageError) {
        this.deps.audit.record({ actor: actor.key, action: audited, outcome: 'refused', detail: 'usage' });
        return { blocks: [paragraph(t('dispatch.usage'), ' ', code(usageLines(command, actor.role).join('\n')))] };
      }
      if (error instanceof UserError) {
        this.deps.audit.record({ actor: actor.key, action: audited, ...(target ? { target } : {}), outcome: 'refused', detail: error.key });
        return textReply(t(error.key, error.params));
      }
      this.deps.logger.error(`/${audited} failed for ${actor.key}`, { error });
      this.deps.audit.record({ actor: actor.key, action: audited, ...(target ? { target } : {}), outcome: 'error' });
      return textReply(t('dispatch.failed'));
    }
    return reply;
  }
}
