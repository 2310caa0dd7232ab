/**
 * Chat commands are data: a name, its arguments, who may run it, and a handler that returns a
 * platform-neutral Reply. Adapters (Telegram, Slack, console) only parse and render.
 */
import type { Reply } from './reply.js';
import type { Translate } from './translate.js';
import type { Actor } from './user.js';
import type { CommandServices } from './services.js';

/** admin: configured admins only. user: admins and approved users. anyone: strangers too. */
export type Access = 'admin' | 'user' | 'anyone';

export interface ArgSpec {
  name: string;
  required: boolean;
  /** Takes the rest of the line (only the last argument). */
  rest?: boolean;
}

export interface CommandContext {
  actor: Actor;
  t: Translate;
  services: CommandServices;
  /** The command came from a 1:1 chat with the bot (where secrets may be shown). */
  isPrivateChat: boolean;
  now(): Date;
}

export interface CommandDef {
  name: string;
  /** Message-catalogue key of the one-line description shown by /help and the platform menus. */
  summaryKey: string;
  access: Access;
  args: ArgSpec[];
  /** Not listed by /help or in menus (e.g. /undo, reached through a button). */
  hidden?: boolean;
  run(ctx: CommandContext, args: Record<string, string | undefined>): Promise<Reply>;
}

export function usage(command: CommandDef): string {
  const args = command.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  return [`/${command.name}`, ...args].join(' ');
}
