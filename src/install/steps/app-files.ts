/**
 * The program the service runs. From the Debian package it is already in /usr/lib/wg-chatops. From a
 * checkout (often in a 0700 home directory the service cannot see, and which may be deleted later) the
 * built program and its production packages are copied to /usr/local/lib/wg-chatops, root's, world-readable.
 */
import { createHash } from 'node:crypto';
import { chmod, cp, lchown, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path/posix';
import { writeFileAtomic } from '../../store/atomic-file.js';
import { applyPlan, readText } from '../files.js';
import { emptyPlan, type InstallContext, type Step } from '../types.js';

export const LOCAL_APP_DIR = '/usr/local/lib/wg-chatops';
const STAMP = '.installed-from';

/** Where the service's program lives: the running program's own directory when that is a system one. */
export function serviceAppDir(ctx: InstallContext): string {
  return /^\/(usr|opt)\//.test(`${ctx.appDir}/`) ? ctx.appDir : LOCAL_APP_DIR;
}

/** The package root's entries the program needs at run time. */
const ENTRIES = ['bin', 'dist/bundle', 'package.json', 'deploy', '.env.example'];

/** Production packages, from the lock file (what `npm ci --omit=dev` would install). */
export async function productionPackages(appDir: string): Promise<string[]> {
  const lock = JSON.parse(await readFile(join(appDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  const paths: string[] = [];
  for (const [path, info] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || info.dev || info.devOptional) continue;
    if (await stat(join(appDir, path)).catch(() => undefined)) paths.push(path);
  }
  return paths;
}

async function hashTree(path: string, hash: ReturnType<typeof createHash>): Promise<void> {
  const info = await stat(path);
  if (info.isDirectory()) {
    for (const name of (await readdir(path)).sort()) await hashTree(join(path, name), hash.update(`${name}\0`));
  } else hash.update(await readFile(path));
}

/** A fingerprint of what would be copied: the bundle, package.json and the lock file. */
async function sourceStamp(appDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of ['dist/bundle', 'package.json', 'package-lock.json']) await hashTree(join(appDir, entry), hash.update(`${entry}\0`));
  return hash.digest('hex');
}

async function upToDate(ctx: InstallContext): Promise<boolean> {
  if (serviceAppDir(ctx) === ctx.appDir) return true;
  const installed = await readText(ctx, join(LOCAL_APP_DIR, STAMP));
  return installed?.trim() === (await sourceStamp(ctx.appDir));
}

export const appFiles: Step = {
  id: 'app-files',
  title: 'install.step.appFiles',
  check: async (ctx) => ((await upToDate(ctx)) ? 'done' : 'todo'),
  async plan(ctx) {
    const plan = emptyPlan();
    plan.notes.push({ key: 'install.note.appFiles', params: { from: ctx.appDir, to: LOCAL_APP_DIR } });
    return plan;
  },
  async apply(ctx, plan) {
    await applyPlan(ctx, plan);
    const target = ctx.path(LOCAL_APP_DIR);
    const fresh = `${target}.new`;
    await rm(fresh, { recursive: true, force: true });
    await mkdir(fresh, { recursive: true, mode: 0o755 });
    const entries = [...ENTRIES, ...(await productionPackages(ctx.appDir))];
    for (const entry of entries) {
      const from = join(ctx.appDir, entry);
      if (!(await stat(from).catch(() => undefined))) continue;
      await cp(from, join(fresh, entry), { recursive: true, dereference: true, force: true });
    }
    await cp(join(ctx.appDir, 'package-lock.json'), join(fresh, 'package-lock.json'));
    await openUp(fresh);
    await writeFileAtomic(join(fresh, STAMP), `${await sourceStamp(ctx.appDir)}\n`, 0o644);
    // Swap in whole: the old copy is in use by a running service until it restarts.
    await rm(`${target}.old`, { recursive: true, force: true });
    if (await stat(target).catch(() => undefined)) await rename(target, `${target}.old`);
    await rename(fresh, target);
    await rm(`${target}.old`, { recursive: true, force: true });
    ctx.say(ctx.t('install.note.appFilesDone', { to: LOCAL_APP_DIR, count: entries.length }));
  },
};

/** root's, directories 0755 and files 0644 (0755 when executable): a checkout is its owner's, often private. */
async function openUp(path: string): Promise<void> {
  const info = await stat(path);
  await lchown(path, 0, 0);
  if (info.isDirectory()) {
    await chmod(path, 0o755);
    for (const name of await readdir(path)) await openUp(join(path, name));
  } else await chmod(path, info.mode & 0o111 ? 0o755 : 0o644);
}
