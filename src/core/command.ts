/**
 * Chat commands are data: a name, its typed arguments, who may run it, and a handler that returns a
 * platform-neutral Reply. Adapters (Telegram, Slack, console) only parse and render.
 */
import type { ArgSpec, ArgValues } from './args.js';
import { bindArgs, usageLine } from './args.js';
import type { Reply } from './reply.js';
import type { Translate } from './translate.js';
import type { Actor, Role } from './user.js';
import type { CommandServices } from './services.js';

/** admin: configured admins only. user: admins and approved users. anyone: strangers too. */
export type Access = 'admin' | 'user' | 'anyone';

export interface CommandContext {
  actor: Actor;
  t: Translate;
  services: CommandServices;
  /** The command came from a 1:1 chat with the bot (where secrets may be shown). */
  isPrivateChat: boolean;
  now(): Date;
}

/** One form of a command: its arguments, who may use it, and what it does with the typed values. */
export interface CommandForm<S extends readonly ArgSpec[] = readonly ArgSpec[]> {
  access: Access;
  args: S;
  // Method syntax on purpose: a table of commands with different argument types is one CommandDef[].
  run(ctx: CommandContext, args: ArgValues<S>): Promise<Reply>;
}

/** A sub-action (`/ddns update`): chosen by its word right after the command name, with its own access. */
export interface CommandAction<S extends readonly ArgSpec[] = readonly ArgSpec[]> extends CommandForm<S> {
  name: string;
}

export interface CommandDef<S extends readonly ArgSpec[] = readonly ArgSpec[]> extends CommandForm<S> {
  name: string;
  /** Message-catalogue key of the one-line description shown by /help and the platform menus. */
  summaryKey: string;
  /** Not listed by /help or in menus (e.g. /undo, reached through a button). */
  hidden?: boolean;
  /** Sub-actions; `access` above is who may see the command and run its plain form. */
  actions?: readonly CommandAction[];
}

/** Declare a command with its argument types inferred from `args`, so the handler gets typed values. */
export function defineCommand<const S extends readonly ArgSpec[]>(def: CommandDef<S>): CommandDef {
  return def;
}

/** Declare a sub-action of a command, typed like defineCommand. */
export function defineAction<const S extends readonly ArgSpec[]>(action: CommandAction<S>): CommandAction {
  return action;
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

/** The form the words ask for: a sub-action named by the first word, else the command itself. */
export function formFor(command: CommandDef, words: readonly string[]): { form: CommandForm; words: readonly string[]; action?: string } {
  const first = words[0]?.toLowerCase();
  const action = first === undefined ? undefined : command.actions?.find((a) => a.name === first);
  return action ? { form: action, words: words.slice(1), action: action.name } : { form: command, words };
}

/** A command run ready to go: the form chosen by the words, its typed arguments, and the name the audit log uses. */
export interface PreparedRun {
  /** `ddns update` for a sub-action, else the command's name. */
  label: string;
  /** False when the role may not use this form (deny by default). */
  allowed: boolean;
  /** Binds the words to the form's arguments: typed values, or a UserError (UsageError when they do not fit). */
  bind(): { form: CommandForm; args: unknown };
  words: readonly string[];
}

/** Choose the form and check access; binding the words waits until the caller asks (errors are UserErrors). */
export function prepareRun(command: CommandDef, words: readonly string[], role: Role): PreparedRun {
  const chosen = formFor(command, words);
  return {
    label: chosen.action ? `${command.name} ${chosen.action}` : command.name,
    allowed: mayRun(command.access, role) && mayRun(chosen.form.access, role),
    words: chosen.words,
    bind: () => ({ form: chosen.form, args: bindArgs(chosen.form.args, chosen.words) }),
  };
}

/** Run a prepared command (the caller has checked `allowed`). */
export async function runPrepared(prepared: PreparedRun, ctx: CommandContext, beforeRun?: () => Promise<void>): Promise<Reply> {
  const { form, args } = prepared.bind();
  await beforeRun?.();
  return form.run(ctx, args as never);
}

/** Every form's usage line the role may use, e.g. `/ddns` and `/ddns update` for an admin. */
export function usageLines(command: CommandDef, role: Role): string[] {
  const lines = [usageLine(command.name, command.args)];
  for (const a of command.actions ?? []) if (mayRun(a.access, role)) lines.push(usageLine(`${command.name} ${a.name}`, a.args));
  return lines;
}
