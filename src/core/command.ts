/**
 * Chat commands are data: a name, its arguments, who may run it, and a handler that returns a
 * platform-neutral Reply. Adapters (Telegram, Slack, console) only parse and render.
 */
import type { Reply } from './reply.js';
import type { Translate } from './translate.js';
import type { Actor, Role } from './user.js';
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

/** Deny by default: the one rule for who may run (and see) a command. */
export function mayRun(access: Access, role: Role): boolean {
  if (access === 'anyone') return true;
  if (access === 'user') return role === 'admin' || role === 'user';
  return role === 'admin';
}

/** What /help and the platform menus list for this role. */
export function visibleCommands(commands: readonly CommandDef[], role: Role): CommandDef[] {
  return commands.filter((c) => !c.hidden && mayRun(c.access, role));
}

export function usage(command: CommandDef): string {
  const args = command.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  return [`/${command.name}`, ...args].join(' ');
}
