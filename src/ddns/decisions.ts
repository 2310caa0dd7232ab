/**
 * The IP watch's decisions, as pure functions: (state, observation, now) → { state, actions }.
 * Nothing here does I/O, reads a clock or changes its input; src/ddns/watch.ts observes (sources, the
 * provider, DNS, the router), calls these, and performs what they return (log, persist, alert).
 */
import type { ForcedUpdate, IpFamily } from '../core/ip-watch.js';
import type { Consensus } from './consensus.js';
import type { UpdateResult } from './providers/index.js';
import type { NetworkState } from './state.js';
import { classifyNat, type NatKind } from './wan.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const MAX_BACKOFF_MS = 6 * 60 * MINUTE;
const NOIP_CONFIRM_DAYS = 30;
const NOIP_REMIND_DAYS_BEFORE = 7;

export interface Alert {
  kind: 'alert';
  /** Repeats of the same key in the same category are not sent again. */
  category: string;
  key: string;
  text: string;
  params: Record<string, string | number>;
  level: 'info' | 'warn';
}
export interface LogLine {
  kind: 'log';
  level: 'debug' | 'info' | 'warn';
  message: string;
  fields?: Record<string, unknown>;
}
export type Action = Alert | LogLine;
export interface Decision<T = object> {
  state: NetworkState;
  actions: Action[];
  /** What else the decision found out (a changed address, the update's outcome…). */
  result: T;
}

/** The settings the decisions depend on (fixed for the process). */
export interface WatchPolicy {
  /** Hash of the provider settings (never the password itself). */
  fingerprint: string;
  /** DDNS_HOSTNAME: the name the provider updates. */
  ddnsHostname?: string;
  /** The name clients connect to (DDNS_HOSTNAME, else WG_ENDPOINT's host when a name). */
  hostname?: string;
  keepAliveDays: number;
  /** Free No-IP hostnames with NOIP_CONFIRM_REMINDER on: remind before the 30 days end. */
  noipReminder: boolean;
}

export type Addresses = { ipv4?: string; ipv6?: string };

const alert = (category: string, key: string, text: string, params: Alert['params'], level: Alert['level']): Alert => ({
  kind: 'alert',
  category,
  key,
  text,
  params,
  level,
});
const log = (level: LogLine['level'], message: string, fields?: Record<string, unknown>): LogLine => ({
  kind: 'log',
  level,
  message,
  ...(fields ? { fields } : {}),
});

/** A changed provider configuration is a fresh start: a fatal answer no longer applies, and the new name needs its update. */
export function resetIfReconfigured(s: NetworkState, fingerprint: string): NetworkState {
  if (s.ddns.config === fingerprint) return s;
  const { ddns: _ddns, ddnsFail: _fail, dns: _dns, ...alerts } = s.alerts;
  return { ...s, ddns: { config: fingerprint, failures: 0 }, dns: {}, alerts };
}

/**
 * One family's consensus. `changed` is true when a known address changed; `problem` is the reason the
 * sources did not agree (undefined when they did).
 */
export function observeAddress(
  s: NetworkState,
  family: IpFamily,
  seen: Consensus,
  now: Date,
  policy: WatchPolicy,
): Decision<{ changed: boolean; problem?: string }> {
  if (!seen.ok) {
    // Keep the last known address: a broken or lying source must never look like a change.
    return {
      state: s,
      actions: [log('warn', `public IPv${family}: no consensus`, { reason: seen.reason, detail: seen.detail })],
      result: { changed: false, problem: seen.detail },
    };
  }
  const key = family === 4 ? 'ipv4' : 'ipv6';
  const previous = s[key];
  if (previous?.address === seen.address) return { state: { ...s, [key]: { ...previous, sources: seen.agreeing } }, actions: [], result: { changed: false } };
  const state = { ...s, [key]: { address: seen.address, since: now.toISOString(), sources: seen.agreeing } };
  if (!previous)
    return {
      state,
      actions: [log('info', `public IPv${family} is ${seen.address}`, { sources: seen.agreeing })],
      result: { changed: false },
    };
  const actions: Action[] = [
    alert(`ip${family}`, `${previous.address}>${seen.address}`, 'alert.ipChanged', { family, old: previous.address, new: seen.address }, 'warn'),
  ];
  if (!policy.hostname && family === 4) actions.push(alert('endpoint', seen.address, 'alert.oldEndpoint', { old: previous.address }, 'warn'));
  return { state, actions, result: { changed: true } };
}

/** Whether to ask the provider now; when not, what a forced /ddns update is told instead. */
export function planUpdate(
  s: NetworkState,
  current: Addresses,
  now: Date,
  policy: WatchPolicy,
  force: boolean,
): { send: true } | { send: false; result: ForcedUpdate } {
  const d = s.ddns;
  if (d.blocked && !force) return { send: false, result: { outcome: 'fatal', answer: d.lastAnswer } };
  if (d.retryAt && now < new Date(d.retryAt)) return { send: false, result: { outcome: 'wait', answer: d.lastAnswer, retryAt: d.retryAt } };
  const changed = (['ipv4', 'ipv6'] as const).some((f) => current[f] !== undefined && current[f] !== d.pushed?.[f]);
  const keepAliveDue = policy.keepAliveDays > 0 && d.pushed !== undefined && now.getTime() - Date.parse(d.pushed.at) >= policy.keepAliveDays * DAY;
  if (!changed && !keepAliveDue && !force) return { send: false, result: { outcome: 'nochg', answer: d.lastAnswer } };
  return { send: true };
}

/** The back-off after the n-th failure in a row: 5, 10, 20… minutes, at most 6 hours, never less than the provider asked. */
export const backoffMs = (failures: number, retryAfterMs = 0): number => Math.max(Math.min(MAX_BACKOFF_MS, 5 * MINUTE * 2 ** (failures - 1)), retryAfterMs);

/** The provider's answer to an update of `current`: the back-off state machine (good/nochg → pushed; fatal → blocked; retry → back off). */
export function applyUpdateAnswer(
  s: NetworkState,
  current: Addresses,
  answer: UpdateResult,
  providerName: string,
  now: Date,
  policy: WatchPolicy,
): Decision<ForcedUpdate> {
  const hostname = policy.ddnsHostname ?? '';
  const shown = [current.ipv4, current.ipv6].filter(Boolean).join(', ');
  const at = now.toISOString();
  const d = { ...s.ddns, lastAttempt: at, lastOutcome: answer.outcome, lastCode: answer.code, lastAnswer: answer.answer };
  const actions: Action[] = [log('info', `ddns: ${providerName} answered ${answer.code}`, { hostname, address: shown, answer: answer.answer })];
  const params = { hostname, address: shown, provider: providerName, answer: answer.answer };
  let state: NetworkState;
  if (answer.outcome === 'good' || answer.outcome === 'nochg') {
    const { ddnsFail: _fail, ...alerts } = s.alerts;
    state = { ...s, ddns: { ...d, pushed: { ...current, at }, blocked: false, retryAt: undefined, failures: 0 }, alerts };
    if (answer.outcome === 'good') {
      actions.push(alert('ddns', `good:${shown}:${at}`, 'alert.ddnsGood', params, 'info'));
      state = { ...state, dns: { ...state.dns, awaiting: current.ipv4 } };
    }
  } else if (answer.outcome === 'fatal') {
    state = { ...s, ddns: { ...d, blocked: true, retryAt: undefined } };
    actions.push(alert('ddnsFail', `fatal:${answer.code}`, 'alert.ddnsFatal', { ...params, code: answer.code }, 'warn'));
  } else {
    const failures = d.failures + 1;
    const retryAt = new Date(now.getTime() + backoffMs(failures, answer.retryAfterMs)).toISOString();
    state = { ...s, ddns: { ...d, failures, retryAt } };
    actions.push(alert('ddnsFail', `retry:${answer.code}`, 'alert.ddnsRetry', { ...params, time: retryAt }, 'warn'));
  }
  return { state, actions, result: { outcome: answer.outcome, answer: answer.answer, retryAt: state.ddns.retryAt } };
}

/**
 * What the watched hostname resolves to (undefined: it did not resolve) against the public IPv4
 * `address`: confirms an update we wait for, or reports a mismatch (ours, or someone else's change).
 */
export function observeDns(s: NetworkState, hostname: string, address: string, resolved: string[] | undefined, ipChanged: boolean): Decision {
  if (resolved === undefined) return { state: s, actions: [log('warn', `dns: could not resolve ${hostname}`)], result: {} };
  const previous = s.dns.resolved;
  const shown = resolved.length ? resolved.join(', ') : '-';
  const awaiting = s.dns.awaiting;
  const withDns = (awaitingNext: string | undefined): NetworkState => ({ ...s, dns: { ...s.dns, resolved, awaiting: awaitingNext } });
  if (awaiting !== undefined && awaiting === address) {
    if (resolved.includes(awaiting))
      return {
        state: withDns(undefined),
        actions: [alert('dns', `ok:${awaiting}`, 'alert.dnsResolved', { hostname, address }, 'info')],
        result: {},
      };
    return {
      state: withDns(awaiting),
      actions: [alert('dns', `pending:${awaiting}`, 'alert.dnsPending', { hostname, address, resolved: shown }, 'info')],
      result: {},
    };
  }
  const state = withDns(undefined);
  if (resolved.includes(address)) {
    // Agreement again: a later disagreement is news.
    if (!s.alerts.dns?.startsWith('mismatch')) return { state, actions: [], result: {} };
    const { dns: _dns, ...alerts } = s.alerts;
    return { state: { ...state, alerts }, actions: [], result: {} };
  }
  const someoneElse = previous !== undefined && previous.includes(address) && !ipChanged;
  const text = someoneElse ? 'alert.dnsChanged' : 'alert.dnsMismatch';
  return {
    state,
    actions: [alert('dns', `mismatch:${shown}>${address}`, text, { hostname, address, resolved: shown }, 'warn')],
    result: {},
  };
}

export type NatFinding = { kind: NatKind; wan: string } | undefined;

/** The router's WAN address (undefined: not readable) against the public IPv4: CGNAT, double NAT, or nothing to say. */
export function observeWan(
  s: NetworkState,
  publicIPv4: string,
  wan: string | undefined,
  hasIPv6: boolean,
  hostname: string | undefined,
): Decision<{ known: boolean; nat: NatFinding }> {
  if (wan === undefined) return { state: s, actions: [], result: { known: false, nat: undefined } };
  const kind = classifyNat(wan, publicIPv4);
  const actions: Action[] = [log('info', `router WAN address ${wan}`, { nat: kind ?? 'none' })];
  if (!kind) return { state: s, actions, result: { known: true, nat: undefined } };
  actions.push(alert('nat', `${kind}:${wan}`, `alert.nat.${kind}`, { wan, address: publicIPv4 }, 'warn'));
  actions.push(alert('natOptions', `${kind}:${wan}`, 'alert.nat.options', {}, 'warn'));
  // IPv4 is shared or forwarded by a router upstream that we cannot configure, but IPv6 reaches this Pi: name
  // the endpoint clients on IPv6 networks can use (as doctor's advice does, ipv6-advice.ts). A double NAT
  // of two routers of one's own is fixed by a second port forward, which the NAT alert's options say.
  const ipv6 = s.ipv6?.address;
  if ((kind === 'cgnat' || kind === 'upstream-nat') && ipv6 && hasIPv6)
    actions.push(alert('natIpv6', `${wan}:${ipv6}`, 'alert.nat.ipv6Endpoint', { ipv6, endpoint: hostname ?? `[${ipv6}]` }, 'warn'));
  return { state: s, actions, result: { known: true, nat: { kind, wan } } };
}

/** No-IP's 30-day cycle as of `now` (a cycle that ended while updates still worked was confirmed by mail). */
export function noipCycle(s: NetworkState, now: Date, policy: WatchPolicy): { cycleStart: string; confirmBy: Date } | undefined {
  if (!policy.noipReminder) return undefined;
  let start = s.noip.cycleStart ? Date.parse(s.noip.cycleStart) : now.getTime();
  while (now.getTime() > start + NOIP_CONFIRM_DAYS * DAY) start += NOIP_CONFIRM_DAYS * DAY;
  return { cycleStart: new Date(start).toISOString(), confirmBy: new Date(start + NOIP_CONFIRM_DAYS * DAY) };
}

/** Free No-IP hostnames: one reminder per cycle, a week before the confirmation is due. */
export function remindNoip(s: NetworkState, now: Date, policy: WatchPolicy): Decision {
  const cycle = noipCycle(s, now, policy);
  if (!cycle) return { state: s, actions: [], result: {} };
  const noip = { ...s.noip, cycleStart: cycle.cycleStart };
  const iso = cycle.confirmBy.toISOString();
  if (now.getTime() < cycle.confirmBy.getTime() - NOIP_REMIND_DAYS_BEFORE * DAY || noip.remindedFor === iso)
    return { state: { ...s, noip }, actions: [], result: {} };
  return {
    state: { ...s, noip: { ...noip, remindedFor: iso } },
    actions: [alert('noip', iso, 'alert.noipConfirm', { hostname: policy.ddnsHostname ?? '', date: iso }, 'warn')],
    result: {},
  };
}

/** Alert de-duplication: an alert whose key is the last one sent in its category is dropped (also across restarts). */
export function dedupeAlerts(s: NetworkState, actions: readonly Action[]): { state: NetworkState; fresh: Alert[] } {
  const alerts = { ...s.alerts };
  const fresh: Alert[] = [];
  for (const a of actions) {
    if (a.kind !== 'alert' || alerts[a.category] === a.key) continue;
    alerts[a.category] = a.key;
    fresh.push(a);
  }
  return { state: fresh.length ? { ...s, alerts } : s, fresh };
}
