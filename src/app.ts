/**
 * Wires the services, the dispatcher and the chat hub from a parsed configuration. Used by the
 * composition root (src/main.ts) and by tests that run the whole bot in-process; it reads no
 * environment and starts no chat platform by itself.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { commands as defaultCommands } from '../commands/index.js';
import { approvalMessages } from '../commands/support/approval-messages.js';
import { ApprovalService } from './core/approval-service.js';
import type { CommandDef } from './core/command.js';
import { observeCommands, type CommandObserver } from './core/command-observer.js';
import type { DoctorService } from './core/doctor.js';
import type { Notifier } from './core/notifier.js';
import { tunnelAddresses } from './core/peer-profiles.js';
import { PeerService, type PeerSettings } from './core/peer-service.js';
import type { LiveInterface, PeerFileMirror } from './core/ports.js';
import { renderQrPng } from './core/qr.js';
import { createRateLimiter } from './core/rate-limit.js';
import type { CommandServices } from './core/services.js';
import { userKey, type Locale } from './core/user.js';
import { UserService } from './core/user-service.js';
import type { Config } from './config/index.js';
import type { CommandRunner } from './exec/runner.js';
import { createI18n, toLocale } from './i18n/index.js';
import type { Logger } from './log/logger.js';
import { createAuditLog, type AuditLog } from './store/audit-log.js';
import { openBotDb, type BotDb } from './store/bot-db.js';
import { prepareDatabaseFile } from './store/db-upgrade.js';
import { interfaceConfigFile } from './wireguard/config-file.js';
import { interfaceDocument } from './wireguard/interface-document.js';
import { openJournal } from './store/journal.js';
import { spaceGuard } from './store/space.js';
import { withUserspaceApi } from './wireguard/uapi.js';
import { firewallPolicy } from './firewall/select.js';
import { createTrafficPart } from './app-traffic.js';
import { detectLanSubnets } from './net/lan.js';
import { systemTimeZone } from './core/duration.js';
import type { PeerPolicy } from './core/ports.js';
import { wgCliInterface } from './wireguard/wg-cli.js';
import type { ChatAdapter } from './chat/adapter.js';
import { Dispatcher } from './chat/dispatcher.js';
import { ChatHub } from './chat/hub.js';
import { adoptImported, openDeletionLog, storageAlerts, type ImportedPeer } from './app-parts.js';
import { expiryClock } from './app-expiry.js';

export interface AppDeps {
  logger: Logger;
  runner: CommandRunner;
  /** Overrides for tests and the trial mode; defaults come from config. */
  interfaceConfigPath?: string;
  offline?: boolean;
  /** The endpoint clients dial when WG_ENDPOINT is unset (the DDNS hostname). */
  endpointFallback?: string;
  mirror?: PeerFileMirror;
  /**
   * Services that alert the admins (the IP watch, backups), built once the hub exists and before the
   * command services; their jobs start after the chat adapters and stop before them.
   */
  withNotifier?: (notifier: Notifier) => Promise<{ services?: Pick<CommandServices, 'ipWatch' | 'backup'>; jobs?: BackgroundJob[] }>;
  doctor?: DoctorService;
  extraCommands?: readonly CommandDef[];
  /** Peers found in PiVPN's files: their metadata is taken over in memory (nothing is rewritten). */
  importedPeers?: readonly ImportedPeer[];
  live?: LiveInterface;
  /** The per-peer firewall; by default from WG_FIREWALL (nftables), none when offline. */
  policy?: PeerPolicy;
  /** LAN subnets when LAN_SUBNETS is unset (default: the Pi's interfaces). */
  lanSubnets?: string[];
  now?: () => Date;
  /** Told of every command run (the metrics); none by default. */
  commandObserver?: CommandObserver;
  /** Step boundaries of every peer change (crash tests kill the process at one). */
  onPeerStep?: (step: string) => void;
}

/** Something that runs in the background while the bot runs (the IP watch, scheduled backups). */
export interface BackgroundJob {
  start(): void;
  stop(): void | Promise<void>;
}

export interface App {
  config: Config;
  db: BotDb;
  peers: PeerService;
  users: UserService;
  approvals: ApprovalService;
  hub: ChatHub;
  dispatcher: Dispatcher;
  services: CommandServices;
  audit: AuditLog;
  translator: (locale: Locale) => (key: string, params?: Record<string, unknown>) => string;
  defaultLocale: Locale;
  /** Attach a chat platform (before start()). */
  addAdapter(adapter: ChatAdapter): void;
  /** Reconcile peers, start adapters and timers. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function buildApp(config: Config, deps: AppDeps): Promise<App> {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());
  const wg = config.wireguard;
  const offline = deps.offline ?? wg.WG_OFFLINE;
  const live = offline ? undefined : (deps.live ?? withUserspaceApi(wgCliInterface(wg.WG_INTERFACE, deps.runner), wg.WG_UAPI_DIR));
  // Asked before anything is opened: the interface prepares its answer (3 MB at 10,000 peers) meanwhile.
  let liveStateAtStart = live?.state();
  liveStateAtStart?.catch(() => undefined); // awaited by peers.start(); never unhandled if building fails first
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await prepareDatabaseFile(join(config.dataDir, 'db.json')); // an older schema: a copy first; a newer one: refused
  const db = await openBotDb(join(config.dataDir, 'db.json'));
  const deletions = await openDeletionLog(config.dataDir, logger);
  const audit = createAuditLog({
    path: join(config.dataDir, 'audit.log'),
    onError: (error) => logger.warn('audit log write failed', { error }),
  });

  const i18n = createI18n();
  const translator = (locale: Locale) => i18n.t(locale) as (key: string, params?: Record<string, unknown>) => string;
  const defaultLocale: Locale = config.bot.BOT_LANGUAGE ?? toLocale(config.bot.LANG, 'en');

  let zone: string | undefined; // TZ or the system's, asked when first needed (ICU's zone data: 12 ms of a 10,000-peer start)
  const settings: PeerSettings = {
    endpoint: wg.WG_ENDPOINT ?? deps.endpointFallback,
    port: wg.WG_PORT,
    subnet: wg.WG_SUBNET,
    subnet6: wg.WG_SUBNET6,
    dns: wg.WG_DNS,
    clientAllowedIps: wg.WG_CLIENT_ALLOWED_IPS,
    persistentKeepalive: wg.WG_PERSISTENT_KEEPALIVE ?? 25,
    mtu: wg.WG_MTU,
    keepClientKeys: wg.KEEP_CLIENT_KEYS,
    undoSeconds: config.bot.UNDO_SECONDS ?? 300,
    defaultProfile: wg.WG_DEFAULT_PROFILE,
    lanSubnets: wg.LAN_SUBNETS.length > 0 ? wg.LAN_SUBNETS : (deps.lanSubnets ?? detectLanSubnets(wg.WG_INTERFACE)),
    get timeZone() {
      return (zone ??= config.bot.TZ ?? systemTimeZone());
    },
  };
  const journal = await openJournal(join(config.dataDir, 'journal'));
  const document = interfaceDocument(interfaceConfigFile(deps.interfaceConfigPath ?? config.interfaceConfigPath), {
    subnet: wg.WG_SUBNET,
    subnet6: wg.WG_SUBNET6,
    addSecret: (secret) => logger.addSecret(secret),
  });
  const policy: PeerPolicy | undefined =
    deps.policy ??
    (offline || wg.WG_FIREWALL === 'off'
      ? undefined
      : firewallPolicy({
          setting: wg.WG_FIREWALL,
          runner: deps.runner,
          logger,
          settings: () => {
            const t = tunnelAddresses(document.subnet);
            return {
              iface: wg.WG_INTERFACE,
              tunnelNetworks: t.networks,
              serverAddresses: t.serverAddresses,
              lanSubnets: settings.lanSubnets ?? [],
              isolation: wg.CLIENT_ISOLATION,
            };
          },
        }));
  // The admins: each attached platform's configured admins (read once, as it attaches, before start) plus ADMIN_KEYS.
  const adapters: ChatAdapter[] = [];
  const platformAdmins = new Set<string>();
  const admins = (): ReadonlySet<string> => new Set([...platformAdmins, ...config.bot.ADMIN_KEYS]);
  const hub = new ChatHub({
    translator,
    admins,
    localeOf: (key) => db.data.profiles[key]?.locale ?? defaultLocale,
    deletions,
    secretTtlSeconds: config.bot.SECRET_TTL_SECONDS ?? 900,
    logger,
    now: () => now().getTime(),
  });
  const peers = new PeerService({
    document,
    policy,
    live,
    db,
    journal,
    settings,
    mirror: deps.mirror,
    logger,
    now,
    ensureRoom: spaceGuard([db.path, document.path]),
    ...(deps.onPeerStep ? { onStep: deps.onPeerStep } : {}),
    ...storageAlerts(hub, logger),
  });

  const users = new UserService(db, admins);
  const clock = expiryClock({ peers, notifier: hub, displayName: (key) => users.displayName(key), now, logger });
  peers.whenCommitted(() => clock.poke()); // an end set, a peer added or switched on: the expiry clock plans again
  const renderQr: (text: string) => Promise<Uint8Array> = renderQrPng;
  const commandSettings = {
    maxPeersPerUser: config.bot.MAX_PEERS_PER_USER ?? 3,
    secretTtlFor: (key: string) => (hub.deletesMessagesFor(key) ? (config.bot.SECRET_TTL_SECONDS ?? 900) : 0),
    undoSeconds: settings.undoSeconds,
    keepClientKeys: wg.KEEP_CLIENT_KEYS,
  };
  const approvals = new ApprovalService({
    db,
    peers,
    users,
    notifier: hub,
    messages: approvalMessages(commandSettings),
    renderQr,
    ttlSeconds: config.bot.REQUEST_TTL_SECONDS ?? 86400,
    maxPeersPerUser: config.bot.MAX_PEERS_PER_USER ?? 3,
    logger,
  });
  const allCommands = observeCommands([...defaultCommands, ...(deps.extraCommands ?? [])], deps.commandObserver);
  const attached = (await deps.withNotifier?.(hub)) ?? {};
  const jobs = attached.jobs ?? [];
  const services: CommandServices = {
    peers,
    users,
    approvals,
    settings: commandSettings,
    commands: () => allCommands,
    platforms: () => hub.platforms(),
    ...attached.services,
    ...(deps.doctor ? { doctor: deps.doctor } : {}),
    ...(policy ? { firewall: policy } : {}),
    renderQr,
  };
  const traffic = createTrafficPart(config, { peers, notifier: hub, logger, now, runner: deps.runner });
  if (traffic) services.traffic = traffic.commands;
  const dispatcher = new Dispatcher({
    commands: () => allCommands,
    services,
    translator,
    defaultLocale,
    rateLimiter: createRateLimiter(config.bot.RATE_LIMIT_PER_MINUTE ?? 10, 60_000),
    deliver: (out) => hub.deliver(out),
    audit,
    logger,
    now,
  });

  let expiryTimer: NodeJS.Timeout | undefined;
  return {
    config,
    db,
    peers,
    users,
    approvals,
    hub,
    dispatcher,
    services,
    audit,
    translator,
    defaultLocale,
    addAdapter(adapter) {
      adapters.push(adapter);
      for (const id of adapter.adminIds()) platformAdmins.add(userKey(adapter.platform, id));
      hub.register(adapter);
    },
    async start() {
      // The state asked for above is fresh only now; a later start asks again.
      const asked = liveStateAtStart;
      liveStateAtStart = undefined;
      await peers.start(asked, (enabledOf) => adoptImported(db, deps.importedPeers ?? [], wg.KEEP_CLIENT_KEYS, enabledOf));
      // Consistent at start: the firewall is rewritten from the peers (after any recovery) in one transaction.
      if (policy) await policy.sync(peers.policyPeers());
      for (const a of adapters) await a.start();
      await traffic?.start();
      hub.startDeletionClock();
      await hub.deleteDue();
      await clock.start(); // a peer whose end passed while the bot was down is switched off now
      // Requests time out even when nobody presses a button.
      expiryTimer = setInterval(() => {
        approvals.expireDue(now()).catch((error) => logger.warn('request expiry failed', { error }));
      }, 60_000);
      expiryTimer.unref();
      for (const job of jobs) job.start();
      traffic?.run();
    },
    async stop() {
      if (expiryTimer) clearInterval(expiryTimer);
      await traffic?.stop();
      clock.stop();
      await clock.settled();
      hub.stop();
      for (const job of [...jobs].reverse()) await job.stop();
      for (const a of [...adapters].reverse()) {
        await a.stop().catch((error) => logger.warn(`stopping ${a.platform} failed`, { error }));
      }
      await hub.close().catch((error) => logger.warn('saving the deletion schedule failed', { error }));
      await audit.flush();
      await peers.idle();
      await policy?.close?.();
      await journal.close();
    },
  };
}
