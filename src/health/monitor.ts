/**
 * The thin shell around src/core/health.ts: reads the machine (statfs, /proc/self/mounts, thermal zones,
 * vcgencmd, timedatectl, the WireGuard interface), asks decideAlerts what to say, and says it to the
 * admins through the Notifier. Its state (active problems, and whether the bot stopped cleanly) is kept
 * in DATA_DIR/health.json; if that cannot be written (a full or read-only disk) it carries on in memory.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult, DoctorService } from '../core/doctor.js';
import {
  clockSynchronised,
  decideAlerts,
  diskProblem,
  emptyHealthState,
  mountReadOnly,
  temperatureProblem,
  throttledProblems,
  type HealthAction,
  type HealthState,
  type Observation,
  type Problem,
} from '../core/health.js';
import type { Notifier } from '../core/notifier.js';
import { textReply } from '../core/reply.js';
import type { CommandRunner } from '../exec/runner.js';
import type { Logger } from '../log/logger.js';
import { writeFileAtomic } from '../store/atomic-file.js';

/** The seams: each returns undefined when it cannot tell (then nothing is alerted). */
export interface HealthProbes {
  statfs(path: string): Promise<{ blockSize: number; blocks: number; availableBlocks: number } | undefined>;
  mounts(): Promise<string | undefined>;
  temperatures(): Promise<number[]>;
  throttled(): Promise<string | undefined>;
  clockSynchronised(): Promise<boolean | undefined>;
  /** undefined when there is no live interface to check (offline mode). */
  interfaceUp(): Promise<boolean | undefined>;
}

export function systemProbes(opts: { runner: CommandRunner; interfaceUp: () => Promise<boolean | undefined>; sysRoot?: string }): HealthProbes {
  const sys = opts.sysRoot ?? '/';
  const out = async (file: string, args: string[]) => {
    try {
      const r = await opts.runner.run(file, args, { timeoutMs: 5000, reject: false });
      return r.exitCode === 0 ? r.stdout : undefined;
    } catch {
      return undefined; // not installed here: fine
    }
  };
  return {
    async statfs(path) {
      try {
        const s = await statfs(path);
        return { blockSize: s.bsize, blocks: s.blocks, availableBlocks: s.bavail };
      } catch {
        return undefined;
      }
    },
    mounts: () => readFile('/proc/self/mounts', 'utf8').catch(() => undefined),
    async temperatures() {
      const dir = join(sys, 'sys/class/thermal');
      const zones = await readdir(dir).catch(() => [] as string[]);
      const values = await Promise.all(
        zones
          .filter((z) => z.startsWith('thermal_zone'))
          .map((z) =>
            readFile(join(dir, z, 'temp'), 'utf8').then(
              (t) => Number(t.trim()),
              () => NaN,
            ),
          ),
      );
      return values.filter((v) => Number.isFinite(v));
    },
    // Programs are started only where they exist (a process costs memory on a 512 MiB Pi).
    throttled: async () => {
      const vcgencmd = ['usr/bin/vcgencmd', 'opt/vc/bin/vcgencmd'].map((p) => join(sys, p)).find((p) => existsSync(p));
      return vcgencmd ? out(vcgencmd, ['get_throttled']) : undefined;
    },
    async clockSynchronised() {
      const flag = existsSync(join(sys, 'run/systemd/timesync/synchronized'));
      if (flag) return true;
      // Booted with systemd: timedatectl's NTPSynchronized (the kernel's adjtimex state: timesyncd, chrony, ntpd).
      if (!existsSync(join(sys, 'run/systemd/system'))) return undefined;
      return clockSynchronised(await out('timedatectl', ['show', '-p', 'NTPSynchronized', '--value']), false);
    },
    interfaceUp: opts.interfaceUp,
  };
}

export interface HealthOptions {
  probes: HealthProbes;
  notifier: Notifier;
  logger: Logger;
  statePath: string;
  /** Partitions to watch for free space (DATA_DIR, WG_CONFIG_DIR). */
  diskPaths: string[];
  /** Mount whose read-only remount is alerted (default: those of diskPaths). */
  rootPath?: string;
  interfaceName: string;
  intervalSeconds: number;
  /** Delay of the first check after start (the bot starts faster); 0: start() checks before it returns. */
  firstCheckDelayMs?: number;
  now?: () => Date;
}

interface Stored extends HealthState {
  /** True from start until a clean stop: found true at start means the last run crashed. */
  running: boolean;
}

export class HealthMonitor {
  private state: HealthState = emptyHealthState();
  private pendingEvents: Problem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  private checking: Promise<HealthAction[]> | undefined;
  private readonly now: () => Date;

  constructor(private readonly o: HealthOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** Load the state, note a crash of the last run, run a first check, then every interval. */
  async start(): Promise<void> {
    const stored = await this.load();
    if (stored) this.state = { active: stored.active ?? {} };
    if (stored?.running) this.pendingEvents.push({ id: 'crash-restart', key: 'health.crashRestart', params: {} });
    await this.save(true);
    const delay = this.o.firstCheckDelayMs ?? 0;
    if (delay === 0) await this.check();
    else {
      this.first = setTimeout(() => void this.check(), delay);
      this.first.unref();
    }
    this.timer = setInterval(() => void this.check(), this.o.intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.first) clearTimeout(this.first);
    await this.checking?.catch(() => undefined);
    await this.save(false);
  }

  /** One round: observe, decide, tell the admins. Rounds never overlap. */
  check(): Promise<HealthAction[]> {
    this.checking ??= this.round().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** The problems now, for /status, doctor and the metrics. */
  problems(): Problem[] {
    return Object.values(this.state.active);
  }

  checkResults(): CheckResult[] {
    return this.problems().map((p) => ({ id: `health:${p.id}`, status: 'warn', key: p.key, params: p.params }));
  }

  private async round(): Promise<HealthAction[]> {
    try {
      const observation = await this.observe();
      const { state, actions } = decideAlerts(this.state, observation, this.now());
      this.state = state;
      for (const a of actions) await this.tell(a);
      if (actions.length > 0) await this.save(true);
      return actions;
    } catch (error) {
      this.o.logger.warn('health check failed', { error });
      return [];
    }
  }

  private async observe(): Promise<Observation> {
    const p = this.o.probes;
    const problems: Problem[] = [];
    const seenDevices = new Set<string>();
    for (const path of this.o.diskPaths) {
      const s = await p.statfs(path);
      if (!s) continue;
      const device = `${s.blocks}:${s.blockSize}:${s.availableBlocks}`; // one alert for one partition named twice
      if (seenDevices.has(device)) continue;
      seenDevices.add(device);
      const problem = diskProblem(path, s);
      if (problem) problems.push(problem);
    }
    const mounts = await p.mounts();
    // The directories the bot writes, not "/": under the unit's ProtectSystem=strict the bot sees "/" read-only
    // by design, while its ReadWritePaths show the real state (a dying card's read-only remount included).
    for (const path of this.o.rootPath ? [this.o.rootPath] : this.o.diskPaths) {
      const ro = mounts ? mountReadOnly(mounts, path) : undefined;
      if (ro?.readOnly) {
        problems.push({ id: 'read-only', key: 'health.readOnly', params: { mount: ro.mountPoint } });
        break;
      }
    }
    const synced = await p.clockSynchronised();
    if (synced === false) problems.push({ id: 'clock', key: 'health.clock', params: {} });
    const temp = temperatureProblem(await p.temperatures());
    if (temp) problems.push(temp);
    const throttled = throttledProblems((await p.throttled()) ?? '');
    if (throttled) problems.push(...throttled);
    if ((await p.interfaceUp()) === false) problems.push({ id: 'interface-down', key: 'health.interfaceDown', params: { iface: this.o.interfaceName } });
    const events = this.pendingEvents;
    this.pendingEvents = [];
    return { problems, events };
  }

  private async tell(a: HealthAction): Promise<void> {
    const { key, params } = a.problem;
    const wrapper = a.kind === 'resolved' ? 'health.resolved' : a.kind === 'alert' && a.repeat ? 'health.stillAlert' : 'health.alert';
    this.o.logger.warn(`health: ${a.kind} ${a.problem.id}`);
    await this.o.notifier
      .toAdmins((t) => textReply(t(wrapper, { message: t(key, params) })))
      .catch((error: unknown) => this.o.logger.warn('health: telling admins failed', { error }));
  }

  private async load(): Promise<Stored | undefined> {
    try {
      const raw = JSON.parse(await readFile(this.o.statePath, 'utf8')) as Stored;
      return raw && typeof raw === 'object' ? raw : undefined;
    } catch {
      return undefined;
    }
  }

  private async save(running: boolean): Promise<void> {
    const stored: Stored = { running, active: this.state.active };
    await writeFileAtomic(this.o.statePath, `${JSON.stringify(stored)}\n`).catch((error: unknown) =>
      this.o.logger.warn('health: cannot save its state (disk full or read-only?)', { error }),
    );
  }
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, addSecret() {} };

/** The doctor (install checks) plus the health monitor's current problems: what /status shows. */
export function doctorWithHealth(base: DoctorService | undefined, health: () => HealthMonitor | undefined): DoctorService {
  return { run: async () => [...((await base?.run()) ?? []), ...(health()?.checkResults() ?? [])] };
}

/** One observation without alerts or state, for `wg-chatops doctor` (the bot's monitor alerts). */
export async function healthCheckOnce(opts: Omit<HealthOptions, 'notifier' | 'statePath' | 'intervalSeconds' | 'logger'>): Promise<CheckResult[]> {
  const m = new HealthMonitor({
    ...opts,
    notifier: { toAdmins: async () => [], toUser: async () => [], edit: async () => undefined },
    logger: silentLogger,
    statePath: '/nonexistent/health.json',
    intervalSeconds: 3600,
  });
  await m.check();
  return m.checkResults();
}
