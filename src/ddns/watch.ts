/**
 * The public IP watch: detect → compare → update DNS → verify → notify, every IP_CHECK_INTERVAL
 * seconds and on demand. Every decision that must survive a restart lives in the NetworkState file.
 */
import { createHash } from 'node:crypto';
import type { DdnsConfig } from '../config/ddns.js';
import type { DdnsStatus, ForcedUpdate, IpFamily, IpStatus, NetworkService } from '../core/network.js';
import type { Notifier } from '../core/notifier.js';
import { paragraph, type Block } from '../core/reply.js';
import type { Translate } from '../core/translate.js';
import type { Logger } from '../log/logger.js';
import type { JsonStore } from '../store/json-store.js';
import type { Consensus } from './consensus.js';
import type { DdnsProvider, UpdateRequest } from './providers/index.js';
import { detectPublicIp } from './public-ip.js';
import type { HostResolver } from './resolver.js';
import type { PublicIpSource } from './sources.js';
import type { NetworkState } from './state.js';
import { classifyNat, type NatKind, type WanAddressReader } from './wan.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const MAX_BACKOFF = 6 * 60 * MINUTE;
const NOIP_CONFIRM_DAYS = 30;
const NOIP_REMIND_DAYS_BEFORE = 7;

/** Runs fn after ms; returns a cancel function. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export interface NetworkWatchOptions {
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

interface Alert {
  /** Repeats of the same key in the same category are not sent again. */
  category: string;
  key: string;
  text: string;
  params: Record<string, string | number>;
  level: 'info' | 'warn';
}

type Addresses = { ipv4?: string; ipv6?: string };

export class NetworkWatch implements NetworkService {
  private cancelTimer: (() => void) | undefined;
  private nextCheck: Date | undefined;
  private checkedAt: string | undefined;
  private problem: string | undefined;
  private nat: IpStatus['nat'];
  private chain: Promise<unknown> = Promise.resolve();
  private running: Promise<void> | undefined;
  private stopped = false;
  /** The router is asked for its WAN address on the first check and whenever the public IPv4 changes. */
  private firstCheck = true;
  private readonly fingerprint: string;

  constructor(private readonly o: NetworkWatchOptions) {
    const c = o.config;
    // Hash, not the values: the state file must not hold the password.
    this.fingerprint = createHash('sha256')
      .update(JSON.stringify([c.DDNS_PROVIDER, c.DDNS_HOSTNAME, c.DDNS_USERNAME, c.DDNS_PASSWORD, c.DDNS_TOKEN, c.DDNS_SERVER, c.DDNS_ZONE, c.DDNS_RECORD_ID]))
      .digest('hex')
      .slice(0, 16);
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

  // ---- the check ----

  private async cycle(): Promise<void> {
    const { o } = this;
    const s = structuredClone(o.store.data);
    const alerts: Alert[] = [];
    const now = o.now();
    this.resetIfReconfigured(s);

    const has = (f: IpFamily) => o.sources.some((src) => src.family === f);
    const [r4, r6] = await Promise.all([
      has(4) ? detectPublicIp(o.sources, 4, o.sourceTimeoutMs) : undefined,
      has(6) && o.hasIPv6() ? detectPublicIp(o.sources, 6, o.sourceTimeoutMs) : undefined,
    ]);
    this.checkedAt = now.toISOString();
    const current: Addresses = {};
    let v4Changed = false;
    for (const [family, result] of [
      [4, r4],
      [6, r6],
    ] as const) {
      if (!result) continue;
      const changed = this.recordAddress(s, family, result, now, alerts);
      if (result.ok) current[family === 4 ? 'ipv4' : 'ipv6'] = result.address;
      if (family === 4) v4Changed = changed;
    }

    if (o.provider && (current.ipv4 || current.ipv6)) await this.maybeUpdate(s, current, now, alerts, false);
    if (o.hostname && current.ipv4) await this.verifyDns(s, current.ipv4, v4Changed, alerts);
    if (o.wan && current.ipv4 && (v4Changed || this.firstCheck)) await this.checkNat(s, current.ipv4, alerts);
    this.firstCheck = false;
    this.remindNoipConfirmation(s, now, alerts);

    await this.sendAndPersist(s, alerts);
  }

  /** Returns true when a known address changed. */
  private recordAddress(s: NetworkState, family: IpFamily, result: Consensus, now: Date, alerts: Alert[]): boolean {
    const key = family === 4 ? 'ipv4' : 'ipv6';
    if (!result.ok) {
      // Keep the last known address: a broken or lying source must never look like a change.
      this.o.logger.warn(`public IPv${family}: no consensus`, { reason: result.reason, detail: result.detail });
      if (family === 4) this.problem = result.detail;
      return false;
    }
    if (family === 4) this.problem = undefined;
    const previous = s[key];
    if (previous?.address === result.address) {
      s[key] = { ...previous, sources: result.agreeing };
      return false;
    }
    s[key] = { address: result.address, since: now.toISOString(), sources: result.agreeing };
    if (!previous) {
      this.o.logger.info(`public IPv${family} is ${result.address}`, { sources: result.agreeing });
      return false;
    }
    alerts.push({
      category: `ip${family}`,
      key: `${previous.address}>${result.address}`,
      text: 'alert.ipChanged',
      params: { family, old: previous.address, new: result.address },
      level: 'warn',
    });
    if (!this.o.hostname && family === 4) {
      alerts.push({ category: 'endpoint', key: result.address, text: 'alert.oldEndpoint', params: { old: previous.address }, level: 'warn' });
    }
    return true;
  }

  /** A changed provider configuration is a fresh start: a fatal answer no longer applies, and the new name needs its update. */
  private resetIfReconfigured(s: NetworkState): void {
    if (s.ddns.config === this.fingerprint) return;
    s.ddns = { config: this.fingerprint, failures: 0 };
    s.dns = {};
    delete s.alerts.ddns;
    delete s.alerts.ddnsFail;
    delete s.alerts.dns;
  }

  private async maybeUpdate(s: NetworkState, current: Addresses, now: Date, alerts: Alert[], force: boolean): Promise<ForcedUpdate> {
    const d = s.ddns;
    if (d.blocked && !force) return { outcome: 'fatal', answer: d.lastAnswer };
    if (d.retryAt && now < new Date(d.retryAt)) return { outcome: 'wait', answer: d.lastAnswer, retryAt: d.retryAt };
    const changed = (['ipv4', 'ipv6'] as const).some((f) => current[f] !== undefined && current[f] !== d.pushed?.[f]);
    const keepAliveDue =
      this.o.config.DDNS_KEEPALIVE_DAYS > 0 && d.pushed !== undefined && now.getTime() - Date.parse(d.pushed.at) >= this.o.config.DDNS_KEEPALIVE_DAYS * DAY;
    if (!changed && !keepAliveDue && !force) return { outcome: 'nochg', answer: d.lastAnswer };

    const provider = this.o.provider!;
    const hostname = this.o.config.DDNS_HOSTNAME!;
    const request: UpdateRequest = { hostname, ...current };
    const result = await provider.update(request);
    const shown = [current.ipv4, current.ipv6].filter(Boolean).join(', ');
    this.o.logger.info(`ddns: ${provider.name} answered ${result.code}`, { hostname, address: shown, answer: result.answer });
    d.lastAttempt = now.toISOString();
    d.lastOutcome = result.outcome;
    d.lastCode = result.code;
    d.lastAnswer = result.answer;
    const params = { hostname, address: shown, provider: provider.name, answer: result.answer };

    if (result.outcome === 'good' || result.outcome === 'nochg') {
      d.pushed = { ...current, at: now.toISOString() };
      d.blocked = false;
      d.retryAt = undefined;
      d.failures = 0;
      delete s.alerts.ddnsFail;
      if (result.outcome === 'good') {
        alerts.push({ category: 'ddns', key: `good:${shown}:${d.lastAttempt}`, text: 'alert.ddnsGood', params, level: 'info' });
        s.dns.awaiting = current.ipv4;
      }
    } else if (result.outcome === 'fatal') {
      d.blocked = true;
      d.retryAt = undefined;
      alerts.push({
        category: 'ddnsFail',
        key: `fatal:${result.code}`,
        text: 'alert.ddnsFatal',
        params: { ...params, code: result.code },
        level: 'warn',
      });
    } else {
      d.failures += 1;
      const backoff = Math.min(MAX_BACKOFF, 5 * MINUTE * 2 ** (d.failures - 1));
      d.retryAt = new Date(now.getTime() + Math.max(backoff, result.retryAfterMs ?? 0)).toISOString();
      alerts.push({
        category: 'ddnsFail',
        key: `retry:${result.code}`,
        text: 'alert.ddnsRetry',
        params: { ...params, time: d.retryAt },
        level: 'warn',
      });
    }
    return { outcome: result.outcome, answer: result.answer, retryAt: d.retryAt };
  }

  private async verifyDns(s: NetworkState, address: string, ipChanged: boolean, alerts: Alert[]): Promise<void> {
    const hostname = this.o.hostname!;
    const resolved = await this.o.resolver.resolve(hostname, 4);
    if (resolved === undefined) {
      this.o.logger.warn(`dns: could not resolve ${hostname}`);
      return;
    }
    const previous = s.dns.resolved;
    s.dns.resolved = resolved;
    const shown = resolved.length ? resolved.join(', ') : '-';
    const awaiting = s.dns.awaiting;
    if (awaiting !== undefined && awaiting === address) {
      if (resolved.includes(awaiting)) {
        s.dns.awaiting = undefined;
        alerts.push({ category: 'dns', key: `ok:${awaiting}`, text: 'alert.dnsResolved', params: { hostname, address }, level: 'info' });
      } else {
        alerts.push({ category: 'dns', key: `pending:${awaiting}`, text: 'alert.dnsPending', params: { hostname, address, resolved: shown }, level: 'info' });
      }
      return;
    }
    s.dns.awaiting = undefined;
    if (resolved.includes(address)) {
      // Agreement again: a later disagreement is news.
      if (s.alerts.dns?.startsWith('mismatch')) delete s.alerts.dns;
      return;
    }
    const someoneElse = previous !== undefined && previous.includes(address) && !ipChanged;
    alerts.push({
      category: 'dns',
      key: `mismatch:${shown}>${address}`,
      text: someoneElse ? 'alert.dnsChanged' : 'alert.dnsMismatch',
      params: { hostname, address, resolved: shown },
      level: 'warn',
    });
  }

  private async checkNat(s: NetworkState, publicIPv4: string, alerts: Alert[]): Promise<void> {
    let wan: string | undefined;
    try {
      wan = await this.o.wan!.read();
    } catch (error) {
      this.o.logger.debug('wan address: not readable', { error });
    }
    if (wan === undefined) return;
    const kind: NatKind | undefined = classifyNat(wan, publicIPv4);
    this.nat = kind ? { kind, wan } : undefined;
    this.o.logger.info(`router WAN address ${wan}`, { nat: kind ?? 'none' });
    if (!kind) return;
    alerts.push({ category: 'nat', key: `${kind}:${wan}`, text: `alert.nat.${kind}`, params: { wan, address: publicIPv4 }, level: 'warn' });
    alerts.push({ category: 'natOptions', key: `${kind}:${wan}`, text: 'alert.nat.options', params: {}, level: 'warn' });
    // IPv4 is shared, but IPv6 reaches this Pi: name the endpoint clients on IPv6 networks can use.
    const ipv6 = s.ipv6?.address;
    if (kind === 'cgnat' && ipv6 && this.o.hasIPv6()) {
      const endpoint = this.o.hostname ?? `[${ipv6}]`;
      alerts.push({ category: 'natIpv6', key: `${wan}:${ipv6}`, text: 'alert.nat.ipv6Endpoint', params: { ipv6, endpoint }, level: 'warn' });
    }
  }

  private confirmBy(s: NetworkState, now: Date): Date | undefined {
    if (this.o.config.DDNS_PROVIDER !== 'noip' || !this.o.config.NOIP_CONFIRM_REMINDER) return undefined;
    s.noip.cycleStart ??= now.toISOString();
    let by = Date.parse(s.noip.cycleStart) + NOIP_CONFIRM_DAYS * DAY;
    // Past the date and still working: the admin confirmed by No-IP's mail link; the next cycle starts.
    while (now.getTime() > by) {
      s.noip.cycleStart = new Date(by).toISOString();
      by += NOIP_CONFIRM_DAYS * DAY;
    }
    return new Date(by);
  }

  private remindNoipConfirmation(s: NetworkState, now: Date, alerts: Alert[]): void {
    const by = this.confirmBy(s, now);
    if (!by || now.getTime() < by.getTime() - NOIP_REMIND_DAYS_BEFORE * DAY) return;
    const iso = by.toISOString();
    if (s.noip.remindedFor === iso) return;
    s.noip.remindedFor = iso;
    alerts.push({ category: 'noip', key: iso, text: 'alert.noipConfirm', params: { hostname: this.o.config.DDNS_HOSTNAME ?? '', date: iso }, level: 'warn' });
  }

  private async sendAndPersist(s: NetworkState, alerts: Alert[]): Promise<void> {
    const fresh = alerts.filter((a) => {
      if (s.alerts[a.category] === a.key) return false;
      s.alerts[a.category] = a.key;
      return true;
    });
    if (JSON.stringify(s) !== JSON.stringify(this.o.store.data)) {
      await this.o.store.update((d) => Object.assign(d, s));
    }
    if (fresh.length === 0) return;
    for (const a of fresh) this.o.logger[a.level](`alert: ${a.text}`, a.params);
    try {
      await this.o.notifier.toAdmins((t) => ({ blocks: fresh.map((a) => paragraph(t(a.text, displayParams(a.params, t)))) }));
    } catch (error) {
      this.o.logger.error('network watch: could not send the alert to admins', { error });
    }
  }

  // ---- NetworkService ----

  async statusLines(t: Translate): Promise<Block[]> {
    const s = this.o.store.data;
    const address = s.ipv4?.address ?? s.ipv6?.address;
    const lines = [paragraph(address ? t('ip.statusLine', { address }) : t('ip.statusUnknown'))];
    if (this.o.provider && s.ddns.blocked) lines.push(paragraph(t('ddns.statusBlocked', { answer: s.ddns.lastAnswer ?? '' })));
    return lines;
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
    const sameConfig = d.config === this.fingerprint;
    const noip = s.noip.cycleStart && this.o.config.DDNS_PROVIDER === 'noip' && this.o.config.NOIP_CONFIRM_REMINDER;
    return {
      provider: this.o.config.DDNS_PROVIDER,
      hostname: this.o.config.DDNS_HOSTNAME,
      lastAttempt: sameConfig ? d.lastAttempt : undefined,
      lastOutcome: sameConfig ? d.lastOutcome : undefined,
      lastAnswer: sameConfig ? d.lastAnswer : undefined,
      blocked: sameConfig && d.blocked === true,
      retryAt: sameConfig ? d.retryAt : undefined,
      nextCheck: this.nextCheck?.toISOString(),
      confirmBy: noip ? this.confirmBy(structuredClone(s), this.o.now())?.toISOString() : undefined,
    };
  }

  forceUpdate(): Promise<ForcedUpdate> {
    if (!this.o.provider) return Promise.resolve({ outcome: 'no-provider' });
    return this.exclusive(async () => {
      const s = structuredClone(this.o.store.data);
      this.resetIfReconfigured(s);
      const current: Addresses = { ipv4: s.ipv4?.address, ipv6: this.o.hasIPv6() ? s.ipv6?.address : undefined };
      if (!current.ipv4 && !current.ipv6) return { outcome: 'no-address' } as ForcedUpdate;
      const alerts: Alert[] = [];
      const result = await this.maybeUpdate(s, current, this.o.now(), alerts, true);
      if (this.o.hostname && current.ipv4 && result.outcome === 'good') await this.verifyDns(s, current.ipv4, false, alerts);
      await this.sendAndPersist(s, alerts);
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

/** Times in alerts: minutes are enough, and UTC says so. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** Alert parameters as shown: readable times, and the fix that goes with a provider's error code. */
function displayParams(params: Record<string, string | number>, t: Translate): Record<string, string | number> {
  const out = { ...params };
  if (typeof out.code === 'string') out.fix = t(`alert.fix.${out.code}`, { defaultValue: t('alert.fix.other') });
  for (const k of ['time', 'date'] as const) if (typeof out[k] === 'string') out[k] = formatTime(out[k]);
  return out;
}
