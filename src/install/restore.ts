/**
 * `wg-chatops install --restore FILE`: a fresh install that brings a backup (src/backup) back before the
 * WireGuard step would make a new server: the same server key, port and peers, and the bot's data, so the
 * old client configs keep working unchanged. The file is opened with the recovery code (standard input)
 * and checked before any step runs, so a wrong code or a damaged file stops install with nothing changed.
 * The step writes the backup once: a re-run with the same file finds it restored (install state) and
 * keeps whatever the bot changed since.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parseEnv } from 'node:util';
import { openBackup, readRecoveryCode, restoreFiles, writeRestoreFiles, type BackupRoots, type RestoreFile } from '../backup/index.js';
import type { BackupPayload } from '../backup/archive.js';
import { UserError } from '../core/errors.js';
import type { Translate } from '../core/translate.js';
import { PIVPN_SETUP_VARS } from '../wireguard/pivpn/layout.js';
import { applyPlan } from './files.js';
import { emptyPlan, type Env, type InstallContext, type Plan, type Step } from './types.js';

export interface RestoreInput {
  /** sha256 of the backup file: the install state remembers which backup it restored. */
  digest: string;
  payload: BackupPayload;
}

/** Reads FILE and the recovery code, decrypts and checks it; writes nothing. */
export async function openRestore(path: string, io: { stdin: Readable; stderr: { write(s: string): unknown } }, t: Translate): Promise<RestoreInput> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UserError('backup.restoreFailed', { detail: (error as Error).message }, { cause: error });
  }
  const code = await readRecoveryCode(io, t('backup.cli.askCode'));
  const payload = await openBackup(bytes, code);
  return { digest: createHash('sha256').update(bytes).digest('hex'), payload };
}

/** The settings the backup holds, without the emptied secrets: a layer under the environment and the answers. */
export function restoredSettings(input: RestoreInput | undefined): Env {
  const file = input?.payload.files.find((f) => f.area === 'settings');
  if (!file) return {};
  const values = parseEnv(Buffer.from(file.data, 'base64').toString('utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
}

/** System paths (as on the Pi). The settings file is not among them: the bot-env step writes it from the layer above. */
function systemRoots(ctx: InstallContext): BackupRoots {
  return {
    wgConfigDir: ctx.answers.config.wireguard.WG_CONFIG_DIR,
    dataDir: ctx.answers.config.dataDir,
    pivpnDir: PIVPN_SETUP_VARS.replace(/\/setupVars\.conf$/, ''),
  };
}

async function pending(ctx: InstallContext): Promise<RestoreFile[]> {
  if (!ctx.restore || ctx.state.restoredBackup === ctx.restore.digest) return [];
  const { files } = await restoreFiles(ctx.restore.payload, systemRoots(ctx));
  const differs = await Promise.all(files.map(async (f) => !(await readFile(ctx.path(f.path)).catch(() => undefined))?.equals(f.data)));
  return differs.some(Boolean) ? files : [];
}

/**
 * Whether the restore step will write this system path. Install plans every step before applying any, so a
 * later step (the server config) asks this instead of planning a new file that the backup brings back.
 */
export async function restoreWillWrite(ctx: InstallContext, path: string): Promise<boolean> {
  return (await pending(ctx)).some((f) => f.path === path);
}

async function restorePlan(ctx: InstallContext): Promise<Plan> {
  const plan = emptyPlan();
  const files = await pending(ctx);
  for (const f of files) plan.files.push({ path: f.path, mode: f.mode, content: f.data.toString('utf8'), secret: true });
  const user = ctx.answers.install.INSTALL_SERVICE_USER;
  // The bot, as its own user, reads and writes its data; WG_CONFIG_DIR is handed over by the bot-service step.
  if (files.some((f) => f.area === 'data')) plan.commands.push({ argv: ['chown', '-R', `${user}:${user}`, ctx.path(ctx.answers.config.dataDir)] });
  const p = ctx.restore?.payload;
  if (p)
    plan.notes.push({
      key: 'install.restore.from',
      params: { host: p.hostname, date: p.createdAt, version: p.appVersion, count: files.length },
    });
  return plan;
}

export const restoreStep: Step = {
  id: 'restore',
  title: 'install.step.restore',
  check: async (ctx) => ((await pending(ctx)).length === 0 ? 'done' : 'todo'),
  plan: restorePlan,
  async apply(ctx, plan) {
    const files = (await pending(ctx)).map((f) => ({ ...f, path: ctx.path(f.path) }));
    await writeRestoreFiles(files);
    await applyPlan(ctx, { ...plan, files: [] });
    ctx.state.restoredBackup = ctx.restore!.digest;
  },
};
