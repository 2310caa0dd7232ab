/**
 * The last step proves the others: the services are active and stay so without restarting, the interface
 * is up on its port, and the bot reached every chat platform it was given a token for. Otherwise install
 * fails with the journal lines that say why, and a re-run resumes (every earlier step is idempotent).
 */
import { UserError } from '../../core/errors.js';
import { stdoutOf } from '../probe.js';
import { emptyPlan, type InstallContext, type Note, type Step } from '../types.js';
import { wg } from './wireguard.js';

const WAIT_MS = 60_000;
const STABLE_MS = 5_000;

interface UnitState {
  active: string;
  restarts: number;
  invocation: string;
}

async function unitState(ctx: InstallContext, unit: string): Promise<UnitState> {
  const out = (await stdoutOf(ctx.runner, 'systemctl', ['show', '-p', 'ActiveState,NRestarts,InvocationID', unit])) ?? '';
  const v = Object.fromEntries(out.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { active: v.ActiveState ?? 'unknown', restarts: Number(v.NRestarts ?? 0), invocation: v.InvocationID ?? '' };
}

const journal = async (ctx: InstallContext, args: string[]): Promise<string[]> =>
  ((await stdoutOf(ctx.runner, 'journalctl', ['--no-pager', '-o', 'cat', ...args])) ?? '').split('\n').filter((l) => l.trim() !== '');

/** The platforms the bot must have reached (those with a token), and the log line each says once it has. */
const expectedPlatforms = (ctx: InstallContext): { platform: string; connected: RegExp }[] => [
  ...(ctx.env.TELEGRAM_BOT_TOKEN ? [{ platform: 'telegram', connected: /^(INFO )?Telegram: polling as @/ }] : []),
  ...(ctx.env.SLACK_BOT_TOKEN ? [{ platform: 'slack', connected: /^(INFO )?slack: connected/ }] : []),
];

export interface Verdict {
  ok: boolean;
  problems: Note[];
}

/** One look at everything; `ok` only when all is as it must be. */
async function look(ctx: InstallContext): Promise<Verdict & { bot?: UnitState }> {
  const { iface, port } = wg(ctx);
  const problems: Note[] = [];
  const wgUnit = `wg-quick@${iface}`;
  if ((await unitState(ctx, wgUnit)).active !== 'active') problems.push({ key: 'install.verify.unitDown', params: { unit: wgUnit }, level: 'warn' });
  // A oneshot wg-quick stays "active" after its interface is gone: look at the link itself.
  const livePort = await stdoutOf(ctx.runner, 'wg', ['show', iface, 'listen-port']);
  if (livePort !== String(port)) problems.push({ key: 'install.verify.interfaceDown', params: { iface, port }, level: 'warn' });
  if (!ctx.facts.kernelWireguard) {
    const proxy = `wg-chatops-uapi@${iface}.socket`;
    if ((await unitState(ctx, proxy)).active !== 'active') problems.push({ key: 'install.verify.unitDown', params: { unit: proxy }, level: 'warn' });
  }
  if (!ctx.answers.install.INSTALL_BOT_SERVICE) return { ok: problems.length === 0, problems };
  const bot = await unitState(ctx, 'wg-chatops');
  if (bot.active !== 'active') {
    problems.push({ key: 'install.verify.unitDown', params: { unit: 'wg-chatops' }, level: 'warn' });
    return { ok: false, problems, bot };
  }
  const lines = bot.invocation ? await journal(ctx, [`_SYSTEMD_INVOCATION_ID=${bot.invocation}`]) : [];
  const ready = lines.find((l) => l.includes('wg-chatops ready:'));
  if (!ready) problems.push({ key: 'install.verify.notReady', level: 'warn' });
  for (const { platform, connected } of expectedPlatforms(ctx)) {
    if (!lines.some((l) => connected.test(l))) problems.push({ key: 'install.verify.platformMissing', params: { platform }, level: 'warn' });
  }
  return { ok: problems.length === 0, problems, bot };
}

/** Waits until everything is up and has stayed up (same process, no restart) for a few seconds. */
export async function verifyRunning(ctx: InstallContext, waitMs = WAIT_MS): Promise<Verdict> {
  const deadline = Date.now() + waitMs;
  let since: { at: number; invocation: string; restarts: number } | undefined;
  let last: Verdict;
  for (;;) {
    const seen = await look(ctx);
    last = seen;
    if (seen.ok) {
      const b = seen.bot ?? { invocation: '', restarts: 0 };
      if (!since || since.invocation !== b.invocation || since.restarts !== b.restarts)
        since = { at: Date.now(), invocation: b.invocation, restarts: b.restarts };
      else if (Date.now() - since.at >= STABLE_MS) return seen;
    } else since = undefined;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { ok: false, problems: [...last.problems, ...(await explain(ctx))] };
}

/** The journal lines that explain a failure, and a hint for the failures people meet. */
async function explain(ctx: InstallContext): Promise<Note[]> {
  const { iface } = wg(ctx);
  const lines = [...(await journal(ctx, ['-u', 'wg-chatops', '-n', '15'])), ...(await journal(ctx, ['-u', `wg-quick@${iface}`, '-n', '5']))];
  const notes: Note[] = lines.map((line) => ({ key: 'install.verify.journalLine', params: { line }, level: 'info' }));
  const text = lines.join('\n');
  if (/telegram/i.test(text) && /401|Unauthorized|Not Found/.test(text)) notes.push({ key: 'install.verify.badTelegramToken', level: 'warn' });
  if (/slack/i.test(text) && /invalid_auth|not_authed|token_revoked/.test(text)) notes.push({ key: 'install.verify.badSlackToken', level: 'warn' });
  notes.push({ key: 'install.verify.howToFix', params: { iface } });
  return notes;
}

export const verify: Step = {
  id: 'verify',
  title: 'install.step.verify',
  deferred: { note: 'install.verify.wouldCheck' },
  async check(ctx) {
    // Only a live system can be looked at (tests with --root have none).
    if (ctx.root !== '/') return 'done';
    return (await verifyRunning(ctx)).ok ? 'done' : 'todo';
  },
  async plan(ctx) {
    const plan = emptyPlan();
    plan.notes.push(...(await verifyRunning(ctx, 0)).problems);
    return plan;
  },
  async apply(ctx, plan) {
    for (const n of plan.notes) ctx.say(`${n.level === 'warn' ? '! ' : ''}${ctx.t(n.key, n.params ?? {})}`);
    throw new UserError('install.verify.failed');
  },
};
