/**
 * `wg-chatops install | uninstall | doctor`: the entry points src/main.ts dispatches to.
 * Everything outside comes in through deps (env, runner, streams), so tests run the real thing
 * against a temporary --root and a recording runner.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import type { Env } from '../config/load-env.js';
import { ConfigError, UserError } from '../core/errors.js';
import type { Translate } from '../core/translate.js';
import type { CommandRunner } from '../exec/runner.js';
import { createI18n, toLocale } from '../i18n/index.js';
import { detectPivpnLayout, type PivpnLayout } from '../wireguard/pivpn/layout.js';
import { underRoot } from '../wireguard/pivpn/fs-util.js';
import { envFromPivpn, SetupVarsError } from '../wireguard/pivpn/setup-vars.js';
import { parseAnswersText, validateAnswers, type Answers } from './answers.js';
import { parseArgs, type CliOptions } from './args.js';
import { createDoctor, formatDoctorReport } from './doctor.js';
import { detectFacts } from './facts.js';
import { defaultWanProbe, type WanProbe } from './wan-probe.js';
import { applySteps, decisions, planLines, planSteps, reportDryRun, type StepReport } from './plan-apply.js';
import { createClackPrompter, defaultsPrompter, WizardCancelled, type Prompter } from './prompt.js';
import { openRestore, restoredSettings } from './restore.js';
import { loadState, saveState, STATE_PATH } from './state.js';
import { installSteps } from './steps/index.js';
import type { InstallContext } from './types.js';
import { runUninstall } from './uninstall.js';
import { runWizard } from './wizard.js';

export interface Writer {
  write(text: string): unknown;
}

export interface InstallCliDeps {
  /** The merged environment (src/config/load-env.ts). */
  env: Env;
  runner: CommandRunner;
  stdout: Writer;
  stderr: Writer;
  stdin: Readable & { isTTY?: boolean };
  /** Optional; defaults: the real network, process facts, this package's directory. */
  net?: WanProbe;
  isRoot?: boolean;
  nodeVersion?: string;
  nodePath?: string;
  appDir?: string;
  random?: () => number;
  version?: string;
}

/** The package root (from …/dist/bundle/chunk-….js, …/dist/src/install/cli.js or …/src/install/cli.ts: the directory holding bin/). */
function packageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (dir.endsWith('/dist')) return dirname(dir);
    if (dir.endsWith('/src')) return dirname(dir);
    dir = dirname(dir);
  }
  return '/opt/wg-chatops';
}

function translator(env: Env): Translate {
  const locale = toLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG);
  return createI18n().t(locale);
}

/** clack writes to a stream (it asks its width); tests hand in a plain writer. */
const asWritable = (w: Writer): Writable =>
  w instanceof Writable ? w : new Writable({ write: (chunk: Buffer, _enc, done) => (w.write(chunk.toString()), done()) });

const clackPrompter = (deps: InstallCliDeps, t: Translate): Prompter =>
  createClackPrompter({
    input: deps.stdin,
    output: asWritable(deps.stdout),
    labels: { yes: t('install.ask.yes'), no: t('install.ask.no'), interrupted: t('install.run.interrupted') },
  });

const line = (w: Writer) => (s: string) => void w.write(`${s}\n`);

/** Prints an error the user can act on; returns the exit code. */
function report(error: unknown, t: Translate, stderr: Writer): number {
  if (error instanceof WizardCancelled) {
    stderr.write(`${t('install.run.cancelled')}\n`);
    return 130;
  }
  if (error instanceof UserError) {
    stderr.write(`${t('install.run.error')} ${t(error.key, error.params)}\n`);
    return 1;
  }
  if (error instanceof ConfigError) {
    stderr.write(
      `${t('install.run.badInput', { where: error.variable, problem: error.message.slice(error.variable.length + 2) })}\n${t('install.run.nothingWritten')}\n`,
    );
    return 2;
  }
  if (error instanceof SetupVarsError) {
    stderr.write(`${t('install.run.badInput', { where: 'setupVars.conf', problem: error.message })}\n${t('install.run.nothingWritten')}\n`);
    return 2;
  }
  stderr.write(`${t('install.run.failed', { message: (error as Error).message })}\n`);
  return 1;
}

interface Prepared {
  ctx: InstallContext;
  options: CliOptions;
}

async function prepare(argv: string[], deps: InstallCliDeps, t: Translate, allowed: string[], wizard: boolean): Promise<Prepared | number> {
  const options = parseArgs(argv, allowed);
  if (options.help) return -1;
  const root = options.root;
  const path = (p: string) => underRoot(root, p);

  // Lowest to highest: the .env already there, PiVPN's settings, the environment, the answers file.
  const envFilePath = deps.env.INSTALL_ENV_FILE ?? '/etc/wg-chatops/.env';
  let existing: Env = {};
  const existingText = await readFile(path(envFilePath), 'utf8').catch(() => undefined);
  if (existingText !== undefined) existing = parseEnv(existingText);
  const fromFile = options.answers
    ? parseAnswersText(
        await readFile(options.answers, 'utf8').catch((e: Error) => {
          throw new ConfigError(options.answers!, `cannot read: ${e.message}`);
        }),
        options.answers,
      )
    : {};
  // --restore: the backup is opened (recovery code from standard input) and checked before anything else.
  const restore = options.restore ? await openRestore(resolve(options.restore), deps, t) : undefined;
  const state = await loadState(path(STATE_PATH));
  // Restored once already: the settings since then (.env) are the user's, not the backup's.
  const restored = state.restoredBackup === restore?.digest ? {} : restoredSettings(restore);
  let values: Env = { ...existing, ...restored, ...deps.env, ...fromFile };
  let answers: Answers = validateAnswers(values, options.answers ?? 'environment');

  let pivpn: PivpnLayout | undefined;
  if (answers.install.INSTALL_ADOPT_PIVPN) {
    pivpn = await detectPivpnLayout({
      root,
      configDir: answers.config.wireguard.WG_CONFIG_DIR,
      interfaceName: answers.config.wireguard.WG_INTERFACE,
    });
    if (pivpn?.settings) {
      values = { ...existing, ...envFromPivpn(pivpn.settings), ...restored, ...deps.env, ...fromFile };
      answers = validateAnswers(values, options.answers ?? 'environment');
    }
  }

  const interactive = wizard && !options.answers && !options.yes && deps.stdin.isTTY === true;
  const prompt = interactive ? clackPrompter(deps, t) : defaultsPrompter();
  if (interactive) answers = await runWizard(values, prompt, t);

  const facts = await detectFacts(deps.runner, {
    root,
    path,
    nodeVersion: deps.nodeVersion ?? process.versions.node,
    isRoot: deps.isRoot ?? process.getuid?.() === 0,
    ...(answers.install.INSTALL_LAN_INTERFACE ? { lanInterface: answers.install.INSTALL_LAN_INTERFACE } : {}),
  });
  const say = line(deps.stdout);
  const ctx: InstallContext = {
    root,
    path,
    runner: deps.runner,
    env: values,
    answers,
    facts,
    state,
    net: deps.net ?? defaultWanProbe(deps.version ?? '0.0.0'),
    prompt,
    t,
    dryRun: options.dryRun,
    yes: options.yes,
    appDir: deps.appDir ?? packageDir(),
    nodePath: deps.nodePath ?? process.execPath,
    random: deps.random ?? Math.random,
    decide: decisions(),
    say: (s) => say(`    · ${s}`),
    ...(pivpn ? { pivpn } : {}),
    ...(restore ? { restore } : {}),
  };
  return { ctx, options };
}

/**
 * What every subcommand shares: its flags, --help, the preparation (root, config, facts) and turning a
 * UserError or ConfigError into a clear message and exit code instead of a stack trace.
 */
async function runSubcommand(
  argv: string[],
  deps: InstallCliDeps,
  spec: { flags: string[]; wizard: boolean; help: string },
  body: (prepared: Prepared, out: (text: string) => void, t: Translate) => Promise<number>,
): Promise<number> {
  const t = translator(deps.env);
  const out = line(deps.stdout);
  try {
    const prepared = await prepare(argv, deps, t, spec.flags, spec.wizard);
    if (prepared === -1) return (out(t(spec.help)), 0);
    if (typeof prepared === 'number') return prepared;
    return await body(prepared, out, t);
  } catch (error) {
    return report(error, t, deps.stderr);
  }
}

export function runInstallCli(argv: string[], deps: InstallCliDeps): Promise<number> {
  const spec = { flags: ['--dry-run', '--answers', '--restore', '--root', '--yes', '-y'], wizard: true, help: 'install.help.install' };
  return runSubcommand(argv, deps, spec, async ({ ctx }, out, t) => {
    out(t(ctx.dryRun ? 'install.run.dryRunHeader' : 'install.run.header', { os: ctx.facts.prettyName, arch: ctx.facts.arch }));
    if (ctx.pivpn) out(t('pivpn.found', { count: ctx.pivpn.peers.length, dir: ctx.answers.config.wireguard.WG_CONFIG_DIR }));
    for (const p of ctx.pivpn?.problems ?? []) out(`  ! ${p}`);
    const { prompt } = ctx;
    if (prompt.interactive) out(t('install.run.planning'));
    // Every step is checked and planned (its questions asked) before any changes anything.
    // The restore step is listed only when there is a backup to restore.
    const planned = await planSteps(ctx, ctx.restore ? installSteps : installSteps.filter((s) => s.id !== 'restore'));
    const summary = (reports: StepReport[], key: string) => out(t(key, { changed: reports.filter((r) => r.status !== 'done').length, total: reports.length }));
    if (ctx.dryRun) return (summary(reportDryRun(ctx, planned, out), 'install.run.dryRunSummary'), 0);
    if (prompt.interactive && planned.some((p) => p.status === 'todo' && !p.step.deferred)) {
      prompt.show(t('install.run.planTitle'), [...planLines(ctx, planned), '', t('install.run.planSecrets')]);
      if (!(await prompt.confirm(t('install.run.applyQuestion'), true))) return (out(t('install.run.notApplied')), 0);
    }
    try {
      const reports = await applySteps(ctx, planned, out, prompt.interactive ? { progress: (label) => prompt.progress(label) } : {});
      summary(reports, reports.some((r) => r.status !== 'done') ? 'install.run.summary' : 'install.run.allDone');
    } finally {
      if (ctx.pivpn) ctx.state.pivpnAdopted = true;
      await saveState(ctx.path(STATE_PATH), ctx.state);
    }
    return 0;
  });
}

export function runUninstallCli(argv: string[], deps: InstallCliDeps): Promise<number> {
  const spec = { flags: ['--dry-run', '--root', '--yes', '-y', '--purge'], wizard: false, help: 'install.help.uninstall' };
  return runSubcommand(argv, deps, spec, async (prepared, out, t) => {
    const interactive = !prepared.options.yes && deps.stdin.isTTY === true;
    const prompt = interactive ? clackPrompter(deps, t) : defaultsPrompter();
    await runUninstall(prepared.ctx, { purge: prepared.options.purge, prompt }, out);
    return 0;
  });
}

export function runDoctorCli(argv: string[], deps: InstallCliDeps): Promise<number> {
  return runSubcommand(argv, deps, { flags: ['--root'], wizard: false, help: 'install.help.doctor' }, async ({ ctx }, out, t) => {
    const results = await createDoctor(ctx).run();
    const pivpn = ctx.pivpn;
    if (pivpn) {
      const problems = pivpn.problems.join('; ');
      results.push(
        problems
          ? { id: 'pivpn', status: 'warn', key: 'doctor.pivpn.problems', params: { problems }, fixKey: 'doctor.fix.pivpn', fixParams: {} }
          : { id: 'pivpn', status: 'ok', key: 'doctor.pivpn.ok', params: { count: pivpn.peers.length } },
      );
    }
    out(formatDoctorReport(results, t));
    return results.some((r) => r.status === 'fail') ? 1 : 0;
  });
}
