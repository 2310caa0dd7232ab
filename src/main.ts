/**
 * The composition root: the only place that reads process.env, parses the configuration (once),
 * and wires services, chat adapters and background jobs. Chat libraries are imported only when
 * their platform is configured, so an idle bot costs little memory on a 512 MiB Pi.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, type App, type BackgroundJob } from './app.js';
import { configSecrets, envSecrets, parseConfig, settingsAsEnvText, type Config } from './config/index.js';
import { loadEnv, type Env } from './config/load-env.js';
import { ConfigError } from './core/errors.js';
import { renderQrTerminal } from './core/qr.js';
import { createProcessRunner } from './exec/runner.js';
import { toLocale } from './i18n/index.js';
import { createLogger, type Logger } from './log/logger.js';
import { createConsoleAdapter } from './chat/console/adapter.js';
import { createIpWatch } from './ddns/index.js';
import type { BackupCommandService } from './core/backup.js';
import type { Notifier } from './core/notifier.js';
import { doctorWithHealth, HealthMonitor, systemProbes } from './health/monitor.js';
import type { DoctorService } from './core/doctor.js';
import { refuseTrial, safeUserName, trialSetup } from './wireguard/trial.js';
import { detectPivpnLayout, PIVPN_SETUP_VARS, type PivpnLayout } from './wireguard/pivpn/layout.js';
import { envFromPivpn, SetupVarsError } from './wireguard/pivpn/setup-vars.js';

const HELP = `wg-chatops — run your WireGuard VPN from Telegram, Slack or this console.

Usage:
  wg-chatops            run the bot (Telegram/Slack when their tokens are set, else the console)
  wg-chatops console    run the bot with the console chat (commands from standard input)
  wg-chatops install    first-time setup of this machine (run as root; --help for options)
  wg-chatops uninstall  remove what install added
  wg-chatops doctor     check the setup and explain what to fix
  wg-chatops backup [FILE]   write an encrypted backup (needs a backup key)
  wg-chatops backup-key      make the backup key; shows the recovery code once
  wg-chatops restore FILE    restore a backup (asks for the recovery code)
  wg-chatops --help     this text

Configuration comes from environment variables and ./.env (or the file named by WG_CHATOPS_ENV_FILE);
see .env.example.`;

export async function main(argv: string[], processEnv: Env): Promise<number> {
  const [command, ...rest] = argv;
  const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  try {
    switch (command) {
      case '-h':
      case '--help':
      case 'help':
        out(HELP);
        return 0;
      case 'install':
      case 'uninstall':
      case 'doctor':
        return await runSetupCommand(command, rest, processEnv);
      case 'backup':
      case 'backup-key':
      case 'restore':
        return await runBackupCommand(command, rest, processEnv);
      case undefined:
      case 'run':
      case 'console':
        if (rest.includes('--help') || rest.includes('-h')) {
          out(HELP);
          return 0;
        }
        return await runBot(processEnv, command === 'console');
      default:
        process.stderr.write(`unknown command "${command}"\n\n${HELP}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return 78; // EX_CONFIG: systemd shows it and does not restart in a loop on it
    }
    throw error;
  }
}

/** install, uninstall and doctor: loaded only when asked for. */
async function runSetupCommand(command: 'install' | 'uninstall' | 'doctor', argv: string[], processEnv: Env): Promise<number> {
  const env = loadEnv(processEnv, processEnv.WG_CHATOPS_ENV_FILE ?? '.env');
  const cli = await import('./install/cli.js');
  const logger = createLogger({ level: 'warn', secrets: envSecrets(env) });
  const deps = {
    env,
    runner: createProcessRunner(logger),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    version: packageVersion(),
  };
  if (command === 'install') return cli.runInstallCli(argv, deps);
  if (command === 'uninstall') return cli.runUninstallCli(argv, deps);
  return cli.runDoctorCli(argv, deps);
}

/** backup, backup-key and restore (src/backup/cli.ts). */
async function runBackupCommand(command: 'backup' | 'backup-key' | 'restore', argv: string[], processEnv: Env): Promise<number> {
  const env = loadEnv(processEnv, processEnv.WG_CHATOPS_ENV_FILE ?? '.env');
  process.umask(0o077);
  const cli = await import('./backup/cli.js');
  const deps = { env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, version: packageVersion() };
  if (command === 'backup') return cli.runBackupCli(argv, deps);
  if (command === 'backup-key') return cli.runBackupKeyCli(argv, deps);
  return cli.runRestoreCli(argv, deps);
}

async function runBot(processEnv: Env, forceConsole: boolean): Promise<number> {
  const loaded = loadEnv(processEnv, processEnv.WG_CHATOPS_ENV_FILE ?? '.env');
  const isRoot = process.getuid?.() === 0;
  const first = parseConfig(loaded, { isRoot, cwd: process.cwd() });
  // Whatever this process creates (database, configs, audit log) is private to it.
  process.umask(0o077);
  const logger = createLogger({ level: first.bot.LOG_LEVEL, secrets: configSecrets(first) });

  // With a chat token: the server config must be usable before anything reads it (PiVPN detection does).
  if (first.telegram.TELEGRAM_BOT_TOKEN || first.slack.SLACK_BOT_TOKEN) await refuseTrial(first, loaded);

  // An existing PiVPN install: its settings (endpoint, port, DNS, subnets) apply unless the environment says otherwise.
  const pivpn = await detectPivpn(first, logger);
  const env = pivpn?.settings ? { ...envFromPivpn(pivpn.settings), ...loaded } : loaded;
  const config = pivpn?.settings ? parseConfig(env, { isRoot, cwd: process.cwd() }) : first;

  const telegramOn = !!config.telegram.TELEGRAM_BOT_TOKEN;
  const slackOn = !!config.slack.SLACK_BOT_TOKEN;
  const useConsole = forceConsole || (!telegramOn && !slackOn);
  const trial = await trialSetup(config, env, logger, telegramOn || slackOn);

  const runner = createProcessRunner(logger);
  // The checks (and their code) are loaded only when an admin asks for /status.
  // Started after the app; /status asks it through this holder (undefined until then).
  const started: { health?: HealthMonitor } = {};
  const doctor: DoctorService = doctorWithHealth(
    { run: async () => (await import('./install/doctor.js')).createDoctorService({ root: '/', runner, config, insideBot: true }).run() },
    () => started.health,
  );
  // Metrics (METRICS_LISTEN): loaded only when asked for; the command observer must exist before the app.
  const metrics = config.ops.METRICS_LISTEN ? (await import('./metrics/index.js')).createMetrics() : undefined;
  const app = await buildApp(config, {
    logger,
    runner,
    doctor,
    // Built once the hub exists (they alert the admins), before the command services.
    withNotifier: async (notifier) => {
      const ipWatch = await createIpWatch({
        ddns: config.ddns,
        endpoint: config.wireguard.WG_ENDPOINT,
        dataDir: config.dataDir,
        notifier,
        logger,
        version: packageVersion(),
      });
      const backup = await createBackups(config, env, notifier, logger);
      return { services: { ...(ipWatch ? { ipWatch } : {}), backup: backup.service }, jobs: [...(ipWatch ? [ipWatch] : []), backup.job] };
    },
    ...(metrics ? { commandObserver: metrics.commands } : {}),
    ...(pivpn ? { mirror: pivpn.mirror, importedPeers: pivpn.peers } : {}),
    // WG_ENDPOINT defaults to the dynamic DNS name.
    endpointFallback: config.ddns.DDNS_HOSTNAME,
    ...(trial ? { interfaceConfigPath: trial.path, offline: true } : {}),
  });
  let consoleFinished: Promise<void> | undefined;
  if (useConsole) {
    const locale = toLocale(env.LANG, 'en');
    const t = app.translator(locale);
    const banner = [t('console.banner'), ...(trial ? [t('console.offlineTrial', { path: config.interfaceConfigPath, trial: trial.path })] : [])].join('\n');
    const consoleAdapter = createConsoleAdapter({
      dispatcher: app.dispatcher,
      input: process.stdin,
      output: process.stdout,
      drawQr: renderQrTerminal,
      userName: safeUserName(),
      languageTag: env.LANG,
      banner,
    });
    app.addAdapter(consoleAdapter);
    consoleFinished = consoleAdapter.finished;
  }
  await attachChatPlatforms(app, config, logger);

  await app.start();
  const health = startHealth(app, config, runner, logger);
  started.health = health;
  await health.start();
  const metricsServer = metrics ? await serveMetrics(metrics, app, config, logger, health) : undefined;
  logger.info(`wg-chatops ready: ${app.hub.platforms().join(', ')}; ${app.peers.count()} peers${app.peers.offline ? ' (offline)' : ''}`);

  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info(`${signal}: stopping`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await Promise.race([stopped, ...(consoleFinished ? [consoleFinished] : [])]);
  await metricsServer?.close();
  await health.stop();
  await app.stop();
  return 0;
}

/** /backup and the scheduled backups (BACKUP_SCHEDULE, /backup auto on); the schedule runs as a job of the app. */
async function createBackups(config: Config, env: Env, notifier: Notifier, logger: Logger): Promise<{ service: BackupCommandService; job: BackgroundJob }> {
  const [{ BackupService, rootsFor }, { backupReply }] = await Promise.all([import('./backup/service.js'), import('../commands/backup.js')]);
  const service = new BackupService({
    roots: { ...rootsFor(config, env, process.cwd()), settingsText: () => settingsAsEnvText(env) },
    appVersion: packageVersion(),
    interfaceName: config.wireguard.WG_INTERFACE,
    schedule: config.ops.BACKUP_SCHEDULE,
    notifier,
    logger,
  });
  const ttl = config.bot.SECRET_TTL_SECONDS ?? 900;
  return { service, job: { start: () => service.start((file) => (t) => backupReply(t, file, ttl)), stop: () => service.stop() } };
}

/** Health of the machine: alerts to the admins, shown in /status (through doctor) and the metrics. */
function startHealth(app: App, config: Config, runner: ReturnType<typeof createProcessRunner>, logger: Logger): HealthMonitor {
  return new HealthMonitor({
    probes: systemProbes({
      runner,
      interfaceUp: async () => (app.peers.offline ? undefined : (await app.peers.liveState().catch(() => undefined)) !== undefined),
    }),
    notifier: app.hub,
    logger,
    statePath: join(config.dataDir, 'health.json'),
    diskPaths: [config.dataDir, config.wireguard.WG_CONFIG_DIR],
    interfaceName: config.wireguard.WG_INTERFACE,
    intervalSeconds: config.ops.HEALTH_CHECK_INTERVAL ?? 300,
    firstCheckDelayMs: Math.min(15_000, (config.ops.HEALTH_CHECK_INTERVAL ?? 300) * 1000),
  });
}

async function serveMetrics(metrics: import('./metrics/index.js').Metrics, app: App, config: Config, logger: Logger, health: HealthMonitor) {
  const { startMetricsServer } = await import('./metrics/index.js');
  metrics.bind({
    interfaceName: config.wireguard.WG_INTERFACE,
    peers: () => app.peers.listWithLive(),
    network: () => app.services.ipWatch,
    healthProblems: () => health.problems().map((p) => p.id),
  });
  try {
    return await startMetricsServer({
      listen: config.ops.METRICS_LISTEN!,
      ...(config.ops.METRICS_TOKEN ? { token: config.ops.METRICS_TOKEN } : {}),
      render: () => metrics.render(),
      contentType: metrics.contentType,
      logger,
    });
  } catch (error) {
    await app.stop();
    throw new ConfigError(
      'METRICS_LISTEN',
      `cannot listen on ${config.ops.METRICS_LISTEN!.host}:${config.ops.METRICS_LISTEN!.port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function detectPivpn(config: Config, logger: Logger): Promise<PivpnLayout | undefined> {
  try {
    const layout = await detectPivpnLayout({
      configDir: config.wireguard.WG_CONFIG_DIR,
      interfaceName: config.wireguard.WG_INTERFACE,
      logger,
    });
    if (layout) {
      logger.info(`PiVPN layout found in ${layout.configDir}: ${layout.peers.length} peers; its files are kept in step`);
      for (const problem of layout.problems) logger.warn(`PiVPN: ${problem}`);
    }
    return layout;
  } catch (error) {
    if (error instanceof SetupVarsError) throw new ConfigError(PIVPN_SETUP_VARS, error.message, { cause: error });
    throw error;
  }
}

/** Telegram and Slack are loaded only when configured (each library costs tens of MiB). */
async function attachChatPlatforms(app: App, config: Config, logger: Logger): Promise<void> {
  if (config.telegram.TELEGRAM_BOT_TOKEN) {
    const { createTelegramAdapter } = await import('./chat/telegram/index.js');
    app.addAdapter(createTelegramAdapter({ config: config.telegram, dispatcher: app.dispatcher, translator: app.translator, logger }));
  }
  if (config.slack.SLACK_BOT_TOKEN) {
    const { createSlackAdapter } = await import('./chat/slack/index.js');
    app.addAdapter(createSlackAdapter({ config: config.slack, dispatcher: app.dispatcher, logger }));
  }
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
