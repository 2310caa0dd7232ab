/** Shared helpers for steps: comparing planned files with the disk, applying a plan. */
import { chown, readFile, stat } from 'node:fs/promises';
import { describeCommand } from '../exec/runner.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { lookupUser } from '../wireguard/pivpn/fs-util.js';
import type { InstallContext, Plan, PlannedFile } from './types.js';

export async function readText(ctx: InstallContext, systemPath: string): Promise<string | undefined> {
  return readFile(ctx.path(systemPath), 'utf8').catch(() => undefined);
}

export async function exists(ctx: InstallContext, systemPath: string): Promise<boolean> {
  return stat(ctx.path(systemPath)).then(
    () => true,
    () => false,
  );
}

/** Same content and mode already on disk. */
export async function fileUpToDate(ctx: InstallContext, file: PlannedFile): Promise<boolean> {
  const path = ctx.path(file.path);
  const [text, info] = await Promise.all([readFile(path, 'utf8').catch(() => undefined), stat(path).catch(() => undefined)]);
  return text === file.content && info !== undefined && (info.mode & 0o7777) === file.mode;
}

async function chownTo(ctx: InstallContext, path: string, owner: string): Promise<void> {
  const [user, group = user] = owner.split(':');
  const u = await lookupUser(ctx.root, user!);
  const g = group === user ? u : await lookupUser(ctx.root, group!);
  if (!u || !g) throw new Error(`user ${owner} not found for ${path}`);
  await chown(path, u.uid, g.gid);
}

/** Writes the plan's files (atomically, with their modes), then runs its commands in order. */
export async function applyPlan(ctx: InstallContext, plan: Plan): Promise<void> {
  for (const file of plan.files) {
    const path = ctx.path(file.path);
    await writeFileAtomic(path, file.content, file.mode);
    if (file.owner) await chownTo(ctx, path, file.owner);
  }
  for (const command of plan.commands) {
    const [bin, ...args] = command.argv;
    await ctx.runner.run(bin!, args, {
      ...(command.env ? { env: command.env } : {}),
      ...(command.secrets ? { secrets: command.secrets } : {}),
      reject: !command.mayFail,
      timeoutMs: 15 * 60_000,
    });
  }
}

export const showCommand = (argv: string[], secrets?: string[]): string => {
  const [bin, ...args] = argv;
  return describeCommand(
    bin!,
    args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)),
    secrets,
  );
};
