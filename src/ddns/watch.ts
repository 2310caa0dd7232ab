/**
 * The public IP watch's shell: every IP_CHECK_INTERVAL seconds and on demand it observes (echo
 * sources, the provider, DNS, the router), lets the pure decisions in ./decisions.ts say what follows,
 * and performs it: log, persist DATA_DIR/network.json, alert the admins. It decides nothing itself.
 */
import { createHash } from 'node:crypto';
import type { DdnsConfig } from '../config/ddns.js';
import { formatTime } from '../core/format.js';
import type { DdnsStatus, ForcedUpdate, IpFamily, IpStatus, IpWatchService, IpWatchSummary } from '../core/ip-watch.js';
import type { Notifier } from '../core/notifier.js';
import { paragraph } from '../core/reply.js';
import type { Translate } from '../core/translate.js';
import type { Logger } from '../log/logger.js';
import type { JsonStore } from '../store/json-store.js';
import * as decisions from './decisions.js';
import type { Addresses, Alert, Decision, NatFinding, WatchPolicy } from './decisions.js';
import type { DdnsProvider } from './providers/index.js';
import { detectPublicIp } from './public-ip.js';
import type { HostResolver } from './resolver.js';
import type { PublicIpSource } from './sources.js';
import type { NetworkState } from './state.js';
import type { WanAddressReader } from './wan.js';

/** Runs fn after ms; returns a cancel function. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export interface IpWatchOptions {
  config: DdnsConfig;
  /** The name clients connect to: DDNS_HOSTNAME, else WG_ENDPOINT's host when it is a name. */
  hostname?: string;
  store: JsonStore<NetworkState>;
  sources: PublicIpSource[];
  provider?: DdnsProvider;
  notifier: Notifier;
  logger: Logger;
  resolver: HostResolver;
  wan?: WanAddressReader;
  hasIPv6: () => boolean;
  now: () => Date;
  schedule: Schedule;
  /** In [0, 1): spreads checks by ±10 % so many bots do not ask the echo services in lockstep. */
  random: () => number;
  sourceTimeoutMs: number;
}

/** Hash, not the values: the state file must not hold the password. */
function fingerprintOf(c: DdnsConfig): string {
  const values = [c.DDNS_PROVIDER, c.DDNS_HOSTNAME, c.DDNS_USERNAME, c.DDNS_PASSWORD, c.DDNS_TOKEN, c.DDNS_SERVER, c.DDNS_ZONE, c.DDNS_RECORD_ID];
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 16);
}

export class IpWatch implements IpWatchService {
  private cancelTimer: (() => void) | undefined;
  private nextCheck: Date | undefined;
  private checkedAt: string | undefined;
  private problem: string | undefined;
  private nat: NatFinding;
  private chain: Promise<unknown> = Promise.resolve();
  private running: Promise<void> | undefined;
  private stopped = false;
  /** The router is asked for its WAN address on the first check and whenever the public IPv4 changes. */
  private firstCheck = true;
  private readonly policy: WatchPolicy;

  constructor(private readonly o: IpWatchOptions) {
    const c = o.config;
    this.policy = {
      fingerprint: fingerprintOf(c),
      ...(c.DDNS_HOSTNAME ? { ddnsHostname: c.DDNS_HOSTNAME } : {}),
      ...(o.hostname ? { hostname: o.hostname } : {}),
      keepAliveDays: c.DDNS_KEEPALIVE_DAYS,
      noipReminder: c.DDNS_PROVIDER === 'noip' && c.NOIP_CONFIRM_REMINDER,
    };
  }

  /** First check now, then every IP_CHECK_INTERVAL seconds (±10 %). */
  start(): void {
    this.stopped = false;
    void this.checkNow().finally(() => this.scheduleNext());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.nextCheck = undefined;
    await this.chain;
  }

  /** One full check; concurrent callers share the one already running. */
  checkNow(): Promise<void> {
    this.running ??= this.exclusive(() => this.cycle()).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const jitter = 1 + (this.o.random() * 2 - 1) * 0.1;
    const ms = Math.max(1, Math.round(this.o.config.IP_CHECK_INTERVAL * 1000 * jitter));
    this.nextCheck = new Date(this.o.now().getTime() + ms);
    this.cancelTimer = this.o.schedule(() => {
      void this.checkNow().finally(() => this.scheduleNext());
    }, ms);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch((error: unknown) => this.o.logger.error('network watch: check failed', { error }));
    return run;
  }

  // ---- the check: observe, decide, perform ----

  private async cycle(): Promise<void> {
    const { o, policy } = this;
    const now = o.now();
    const step = new Steps(decisions.resetIfReconfigured(o.store.data, policy.fingerprint), o.logger);

    const has = (f: IpFamily) => o.sources.some((src) => src.family === f);
    const [r4, r6] = await Promise.all([
      has(4) ? detectPublicIp(o.sources, 4, o.sourceTimeoutMs) : undefined,
      has(6) && o.hasIPv6() ? detectPublicIp(o.sources, 6, o.sourceTimeoutMs) : undefined,
    ]);
    this.checkedAt = now.toISOString();
    const current: Addresses = {};
    let v4Changed = false;
    for (const [family, seen] of [
      [4, r4],
      [6, r6],
    ] as const) {
      if (!seen) continue;
      const { changed, problem } = step.take(decisions.observeAddress(step.state, family, seen, now, policy));
      if (family === 4) [this.problem, v4Changed] = [problem, changed];
      if (seen.ok) current[family === 4 ? 'ipv4' : 'ipv6'] = seen.address;
    }

    if (o.provider && (current.ipv4 || current.ipv6)) await this.update(step, current, now, false);
    if (o.hostname && current.ipv4) step.take(decisions.observeDns(step.state, o.hostname, current.ipv4, await o.resolver.resolve(o.hostname, 4), v4Changed));
    if (o.wan && current.ipv4 && (v4Changed || this.firstCheck)) {
      const wan = await o.wan.read().catch((error: unknown) => void o.logger.debug('wan address: not readable', { error }));
      const { known, nat } = step.take(decisions.observeWan(step.state, current.ipv4, wan ?? undefined, o.hasIPv6(), o.hostname));
      if (known) this.nat = nat;
    }
    this.firstCheck = false;
    step.take(decisions.remindNoip(step.state, now, policy));
    await this.perform(step);
  }

  /** Asks the provider when the decisions say so; the answer moves the back-off state machine. */
  private async update(step: Steps, current: Addresses, now: Date, force: boolean): Promise<ForcedUpdate> {
    const plan = decisions.planUpdate(step.state, current, now, this.policy, force);
    if (!plan.send) return plan.result;
    const provider = this.o.provider!;
    const answer = await provider.update({ hostname: this.o.config.DDNS_HOSTNAME!, ...current });
    return step.take(decisions.applyUpdateAnswer(step.state, current, answer, provider.name, now, this.policy));
  }

  /** Logs, persists the new state when it differs, and sends the alerts that are not repeats. */
  private async perform(step: Steps): Promise<void> {
    const { o } = this;
    const { state, fresh } = decisions.dedupeAlerts(step.state, step.alerts);
    if (JSON.stringify(state) !== JSON.stringify(o.store.data)) await o.store.update((d) => Object.assign(d, state));
    if (fresh.length === 0) return;
    for (const a of fresh) o.logger[a.level](`alert: ${a.text}`, a.params);
    try {
      await o.notifier.toAdmins((t) => ({ blocks: fresh.map((a) => paragraph(t(a.text, displayParams(a, t)))) }));
    } catch (error) {
      o.logger.error('network watch: could not send the alert to admins', { error });
    }
  }

  // ---- IpWatchService: read-only views and admin actions ----

  summary(): IpWatchSummary {
    const s = this.o.store.data;
    const address = s.ipv4?.address ?? s.ipv6?.address;
    return {
      ...(address ? { address } : {}),
      ...(this.o.provider && s.ddns.blocked ? { ddnsBlockedAnswer: s.ddns.lastAnswer ?? '' } : {}),
    };
  }

  async ipStatus(options: { refresh: boolean }): Promise<IpStatus> {
    if (options.refresh) await this.checkNow().catch(() => undefined);
    const s = this.o.store.data;
    return {
      ipv4: s.ipv4,
      ipv6: s.ipv6,
      checkedAt: this.checkedAt,
      problem: this.problem,
      hostname: this.o.hostname,
      resolved: this.o.hostname ? s.dns.resolved : undefined,
      nat: this.nat,
    };
  }

  ddnsStatus(): DdnsStatus {
    const s = this.o.store.data;
    const d = s.ddns;
    const sameConfig = d.config === this.policy.fingerprint;
    return {
      provider: this.o.config.DDNS_PROVIDER,
      hostname: this.o.config.DDNS_HOSTNAME,
      lastAttempt: sameConfig ? d.lastAttempt : undefined,
      lastOutcome: sameConfig ? d.lastOutcome : undefined,
      lastAnswer: sameConfig ? d.lastAnswer : undefined,
      blocked: sameConfig && d.blocked === true,
      retryAt: sameConfig ? d.retryAt : undefined,
      nextCheck: this.nextCheck?.toISOString(),
      confirmBy: s.noip.cycleStart ? decisions.noipCycle(s, this.o.now(), this.policy)?.confirmBy.toISOString() : undefined,
    };
  }

  forceUpdate(): Promise<ForcedUpdate> {
    if (!this.o.provider) return Promise.resolve({ outcome: 'no-provider' });
    return this.exclusive(async () => {
      const step = new Steps(decisions.resetIfReconfigured(this.o.store.data, this.policy.fingerprint), this.o.logger);
      const s = step.state;
      const current: Addresses = { ipv4: s.ipv4?.address, ipv6: this.o.hasIPv6() ? s.ipv6?.address : undefined };
      if (!current.ipv4 && !current.ipv6) return { outcome: 'no-address' };
      const result = await this.update(step, current, this.o.now(), true);
      if (this.o.hostname && current.ipv4 && result.outcome === 'good') {
        step.take(decisions.observeDns(step.state, this.o.hostname, current.ipv4, await this.o.resolver.resolve(this.o.hostname, 4), false));
      }
      await this.perform(step);
      return result;
    });
  }

  async markConfirmed(): Promise<void> {
    await this.exclusive(() =>
      this.o.store.update((d) => {
        d.noip = { cycleStart: this.o.now().toISOString() };
      }),
    );
  }
}

/** One check's decisions in order: the state each leaves for the next, and every action they asked for. */
class Steps {
  readonly alerts: Alert[] = [];
  constructor(
    public state: NetworkState,
    private readonly logger: Logger,
  ) {}
  take<T>(d: Decision<T>): T {
    this.state = d.state;
    for (const a of d.actions) {
      if (a.kind === 'log') this.logger[a.level](a.message, a.fields);
      else this.alerts.push(a);
    }
    return d.result;
  }
}

/** Alert parameters as shown: readable times, and the fix that goes with a provider's error code. */
function displayParams(a: Alert, t: Translate): Record<string, string | number> {
  const out = { ...a.params };
  if (typeof out.code === 'string') out.fix = t(`alert.fix.${out.code}`, { defaultValue: t('alert.fix.other') });
  for (const k of ['time', 'date'] as const) if (typeof out[k] === 'string') out[k] = formatTime(out[k]);
  return out;
}
