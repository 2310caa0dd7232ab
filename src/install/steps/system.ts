/** Unattended security upgrades, the bot's .env, and the bot as a hardened systemd service. */
import { mkdir, readlink, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path/posix';
import { parseEnv } from 'node:util';
import { quoteEnvValue } from '../../config/env-file.js';
import { UserError } from '../../core/errors.js';
import { isSecretKey } from '../answers.js';
import { UAPI_PROXY_DIR } from '../unit.js';
import { serviceAppDir } from './app-files.js';
import { lookupUser } from '../../wireguard/pivpn/fs-util.js';
import { applyPlan, fileUpToDate, readText } from '../files.js';
import { packageInstalled, probe } from '../probe.js';
import { emptyPlan, type InstallContext, type Plan, type PlannedFile, type Step } from '../types.js';
import { renderPivpnDropIn, renderUnit } from '../unit.js';
import { wg } from './wireguard.js';

const AUTO_UPGRADES = '/etc/apt/apt.conf.d/20auto-upgrades';
const AUTO_UPGRADES_TEXT = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n';

export const unattendedUpgrades: Step = {
  id: 'unattended-upgrades',
  title: 'install.step.unattendedUpgrades',
  async check(ctx) {
    if (!ctx.answers.install.INSTALL_UNATTENDED_UPGRADES) return 'done';
    const file = { path: AUTO_UPGRADES, mode: 0o644, content: AUTO_UPGRADES_TEXT };
    return (await packageInstalled(ctx.runner, 'unattended-upgrades')) && (await fileUpToDate(ctx, file)) ? 'done' : 'todo';
  },
  async plan(ctx) {
    const plan = emptyPlan();
    if (!(await packageInstalled(ctx.runner, 'unattended-upgrades'))) {
      plan.commands.push({
        argv: ['apt-get', 'install', '-y', '--no-install-recommends', 'unattended-upgrades'],
        env: { DEBIAN_FRONTEND: 'noninteractive' },
      });
    }
    const file = { path: AUTO_UPGRADES, mode: 0o644, content: AUTO_UPGRADES_TEXT };
    if (!(await fileUpToDate(ctx, file))) plan.files.push(file);
    return plan;
  },
  apply: applyPlan,
};

function quoteEnv(name: string, value: string): string {
  const q = quoteEnvValue(value);
  if (!q.ok) throw new UserError(`install.env.${q.reason}`, { name });
  return q.text;
}

/** The .env: values already there (hand edits) kept, answers and take-overs on top, sorted by name. */
async function envFile(ctx: InstallContext): Promise<PlannedFile> {
  const path = ctx.answers.install.INSTALL_ENV_FILE;
  const existing = (await readText(ctx, path)) ?? '';
  let current: Record<string, string>;
  try {
    current = parseEnv(existing) as Record<string, string>;
  } catch {
    current = {};
  }
  const values: Record<string, string> = { ...current, ...ctx.answers.envValues };
  values.WG_INTERFACE ??= wg(ctx).iface;
  values.WG_CONFIG_DIR ??= wg(ctx).dir;
  values.DATA_DIR ??= ctx.answers.config.dataDir;
  // wireguard-go: the bot reaches its control socket through the proxy install sets up.
  if (!ctx.facts.kernelWireguard) values.WG_UAPI_DIR = UAPI_PROXY_DIR;
  const keys = Object.keys(values).sort();
  const lines = keys.map((k) => `${k}=${quoteEnv(k, values[k]!)}`);
  const preview = keys.map((k) => `${k}=${isSecretKey(k) ? '••••••••' : quoteEnv(k, values[k]!)}`);
  const head = '# wg-chatops settings, written by `wg-chatops install` (names as in .env.example).\n';
  return { path, mode: 0o600, content: `${head}${lines.join('\n')}\n`, secret: true, preview: `${head}${preview.join('\n')}\n` };
}

export const botEnv: Step = {
  id: 'bot-env',
  title: 'install.step.botEnv',
  check: async (ctx) => ((await fileUpToDate(ctx, await envFile(ctx))) ? 'done' : 'todo'),
  async plan(ctx) {
    const plan = emptyPlan();
    plan.files.push(await envFile(ctx));
    return plan;
  },
  apply: applyPlan,
};

/**
 * The bot's system user and group, made before any step names them (the control-socket proxy's group,
 * file owners). The Debian package declares it in sysusers.d, so there this finds it already made.
 */
export const serviceUser: Step = {
  id: 'service-user',
  title: 'install.step.serviceUser',
  check: async (ctx) => ((await lookupUser(ctx.root, ctx.answers.install.INSTALL_SERVICE_USER)) ? 'done' : 'todo'),
  async plan(ctx) {
    const plan = emptyPlan();
    const user = ctx.answers.install.INSTALL_SERVICE_USER;
    plan.commands.push({
      argv: ['useradd', '--system', '--user-group', '--home-dir', ctx.answers.config.dataDir, '--no-create-home', '--shell', '/usr/sbin/nologin', user],
    });
    return plan;
  },
  apply: applyPlan,
};

export const UNIT_PATH = '/etc/systemd/system/wg-chatops.service';
/** The unit the Debian package ships; install writes UNIT_PATH (which overrides it) only when it must differ. */
export const PACKAGED_UNIT_PATH = '/usr/lib/systemd/system/wg-chatops.service';
export const PIVPN_DROP_IN = '/etc/systemd/system/wg-chatops.service.d/pivpn.conf';

async function ownedBy(ctx: InstallContext, systemPath: string, uid: number | undefined): Promise<boolean> {
  if (uid === undefined) return false;
  const info = await stat(ctx.path(systemPath)).catch(() => undefined);
  return info?.uid === uid;
}

async function servicePlan(ctx: InstallContext): Promise<Plan> {
  const plan = emptyPlan();
  const user = ctx.answers.install.INSTALL_SERVICE_USER;
  const dataDir = ctx.answers.config.dataDir;
  const { dir: configDir } = wg(ctx);
  const ids = await lookupUser(ctx.root, user);
  // The bot writes the interface config and PiVPN's keys/ and configs/: they become its own (root keeps access).
  if (!(await ownedBy(ctx, configDir, ids?.uid)) || !(await ownedBy(ctx, dataDir, ids?.uid))) {
    plan.commands.push({ argv: ['install', '-d', '-m', '0700', '-o', user, '-g', user, ctx.path(dataDir)] });
    plan.commands.push({ argv: ['chown', '-R', `${user}:${user}`, ctx.path(configDir)] });
    plan.commands.push({ argv: ['chmod', '0700', ctx.path(configDir)] });
  }
  const unit: PlannedFile = {
    path: UNIT_PATH,
    mode: 0o644,
    content: renderUnit({
      user,
      nodePath: ctx.nodePath,
      appDir: serviceAppDir(ctx),
      envFile: ctx.answers.install.INSTALL_ENV_FILE,
      configDir,
      dataDir,
      iface: wg(ctx).iface,
    }),
  };
  // The package's own unit is used as it is when it says the same; otherwise /etc overrides it.
  const packaged = await readText(ctx, PACKAGED_UNIT_PATH);
  const files = packaged === unit.content ? [] : [unit];
  const pivpn = ctx.pivpn;
  if (pivpn?.settings?.installUser && pivpn.settings.installHome) {
    files.push({ path: PIVPN_DROP_IN, mode: 0o644, content: renderPivpnDropIn(pivpn.settings.installUser, pivpn.settings.installHome) });
  }
  let changed = false;
  for (const f of files) {
    if (!(await fileUpToDate(ctx, f))) {
      plan.files.push(f);
      changed = true;
    }
  }
  if (changed && pivpn?.settings?.installHome) {
    // The bot reaches PiVPN's home copies through the install user's group.
    plan.commands.push({ argv: ['chmod', '2770', ctx.path(join(pivpn.settings.installHome, 'configs'))], mayFail: true });
  }
  if (changed) plan.commands.push({ argv: ['systemctl', 'daemon-reload'] });
  const enabled = (await probe(ctx.runner, 'systemctl', ['is-enabled', '--quiet', 'wg-chatops']))?.exitCode === 0;
  const active = (await probe(ctx.runner, 'systemctl', ['is-active', '--quiet', 'wg-chatops']))?.exitCode === 0;
  if (!enabled || !active) plan.commands.push({ argv: ['systemctl', 'enable', '--now', 'wg-chatops'] });
  else if (changed) plan.commands.push({ argv: ['systemctl', 'restart', 'wg-chatops'] });
  return plan;
}

export const botService: Step = {
  id: 'bot-service',
  title: 'install.step.botService',
  async check(ctx) {
    if (!ctx.answers.install.INSTALL_BOT_SERVICE) return 'done';
    const plan = await servicePlan(ctx);
    return plan.files.length + plan.commands.length === 0 ? 'done' : 'todo';
  },
  plan: servicePlan,
  apply: applyPlan,
};

/** So that `wg-chatops doctor` (and every hint that names the command) works from any shell after install. */
export const COMMAND_LINK = '/usr/local/bin/wg-chatops';

const commandTarget = (ctx: InstallContext) => join(serviceAppDir(ctx), 'bin', 'wg-chatops.js');
/** The Debian package's own command. */
const PACKAGED_COMMAND = '/usr/bin/wg-chatops';

async function linkPoints(ctx: InstallContext): Promise<boolean> {
  if (await readlink(ctx.path(PACKAGED_COMMAND)).catch(() => undefined)) return true;
  return (await readlink(ctx.path(COMMAND_LINK)).catch(() => undefined)) === commandTarget(ctx);
}

export const commandLink: Step = {
  id: 'command-link',
  title: 'install.step.commandLink',
  check: async (ctx) => ((await linkPoints(ctx)) ? 'done' : 'todo'),
  async plan(ctx) {
    const plan = emptyPlan();
    // Shown as the equivalent command; applied below with fs calls, so it honours --root.
    if (!(await linkPoints(ctx))) plan.commands.push({ argv: ['ln', '-sfn', commandTarget(ctx), COMMAND_LINK] });
    return plan;
  },
  async apply(ctx) {
    const link = ctx.path(COMMAND_LINK);
    await mkdir(dirname(link), { recursive: true });
    await rm(link, { force: true });
    await symlink(commandTarget(ctx), link);
  },
};
