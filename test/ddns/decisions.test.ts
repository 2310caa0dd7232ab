/** The IP watch's pure decisions, with literal states, observations and times (no I/O, no clock). */
import { describe, expect, it } from 'vitest';
import {
  applyUpdateAnswer,
  backoffMs,
  dedupeAlerts,
  noipCycle,
  observeAddress,
  observeDns,
  observeWan,
  planUpdate,
  remindNoip,
  resetIfReconfigured,
  type WatchPolicy,
} from '../../src/ddns/decisions.js';
import { emptyState, type NetworkState } from '../../src/ddns/state.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const policy: WatchPolicy = {
  fingerprint: 'f1',
  ddnsHostname: 'home.ddns.net',
  hostname: 'home.ddns.net',
  keepAliveDays: 25,
  noipReminder: true,
};
const base = (): NetworkState => ({ ...emptyState(), ddns: { config: 'f1', failures: 0 } });
const frozen = <T>(v: T): T => {
  const deep = (o: unknown) => {
    if (o && typeof o === 'object') {
      Object.freeze(o);
      for (const x of Object.values(o)) deep(x);
    }
  };
  deep(v);
  return v;
};

describe('observeAddress', () => {
  it('a first address is recorded and logged, not alerted', () => {
    const d = observeAddress(frozen(base()), 4, { ok: true, address: '81.2.69.142', agreeing: ['a', 'b'] }, NOW, policy);
    expect(d.state.ipv4).toEqual({ address: '81.2.69.142', since: '2025-03-01T12:00:00.000Z', sources: ['a', 'b'] });
    expect(d.actions).toEqual([{ kind: 'log', level: 'info', message: 'public IPv4 is 81.2.69.142', fields: { sources: ['a', 'b'] } }]);
    expect(d.result).toEqual({ changed: false });
  });

  it('a change alerts old → new; without a hostname also the stale endpoint', () => {
    const s = frozen({ ...base(), ipv4: { address: '81.2.69.142', since: '2025-01-01T00:00:00.000Z', sources: ['a'] } });
    const d = observeAddress(s, 4, { ok: true, address: '81.2.69.143', agreeing: ['a'] }, NOW, { ...policy, hostname: undefined });
    expect(d.result).toEqual({ changed: true });
    expect(d.actions.map((a) => (a.kind === 'alert' ? `${a.category}=${a.key}` : a.kind))).toEqual(['ip4=81.2.69.142>81.2.69.143', 'endpoint=81.2.69.143']);
    expect(d.state.ipv4?.since).toBe('2025-03-01T12:00:00.000Z');
  });

  it('no consensus keeps the last address and reports the problem', () => {
    const s = frozen({ ...base(), ipv4: { address: '81.2.69.142', since: '2025-01-01T00:00:00.000Z', sources: ['a'] } });
    const d = observeAddress(s, 4, { ok: false, reason: 'no-agreement', detail: 'a=1.1.1.1, b=81.2.69.142' }, NOW, policy);
    expect(d.state).toBe(s);
    expect(d.result).toEqual({ changed: false, problem: 'a=1.1.1.1, b=81.2.69.142' });
  });
});

describe('the DDNS back-off state machine', () => {
  const current = { ipv4: '81.2.69.142' };

  it('sends when the address differs from what was pushed, not when it is the same, again after the keep-alive', () => {
    expect(planUpdate(base(), current, NOW, policy, false)).toEqual({ send: true });
    const pushed = {
      ...base(),
      ddns: { config: 'f1', failures: 0, pushed: { ipv4: '81.2.69.142', at: '2025-02-20T12:00:00.000Z' }, lastAnswer: 'nochg' },
    };
    expect(planUpdate(pushed, current, NOW, policy, false)).toEqual({ send: false, result: { outcome: 'nochg', answer: 'nochg' } });
    expect(planUpdate(pushed, current, new Date('2025-03-17T12:00:00Z'), policy, false)).toEqual({ send: true });
  });

  it('retry answers back off 5, 10, 20 … minutes up to 6 hours, or longer when the provider asks', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map((n) => backoffMs(n) / 60_000)).toEqual([5, 10, 20, 40, 320, 360, 360]);
    expect(backoffMs(1, 30 * 60_000)).toBe(30 * 60_000);
    let s = frozen(base());
    const times: string[] = [];
    for (let i = 0; i < 3; i++) {
      const d = applyUpdateAnswer(s, current, { outcome: 'retry', code: 'http-503', answer: 'busy' }, 'noip', NOW, policy);
      s = frozen(d.state);
      times.push(d.result.retryAt!);
    }
    expect(times).toEqual(['2025-03-01T12:05:00.000Z', '2025-03-01T12:10:00.000Z', '2025-03-01T12:20:00.000Z']);
    expect(s.ddns.failures).toBe(3);
    expect(planUpdate(s, current, new Date('2025-03-01T12:19:59Z'), policy, true)).toEqual({
      send: false,
      result: { outcome: 'wait', answer: 'busy', retryAt: '2025-03-01T12:20:00.000Z' },
    });
    expect(planUpdate(s, current, new Date('2025-03-01T12:20:00Z'), policy, false)).toEqual({ send: true });
    // Success resets the machine and clears the failure alert's memory.
    const ok = applyUpdateAnswer(
      { ...s, alerts: { ddnsFail: 'retry:http-503' } },
      current,
      { outcome: 'good', code: 'good', answer: 'good 81.2.69.142' },
      'noip',
      NOW,
      policy,
    );
    expect(ok.state.ddns).toMatchObject({
      failures: 0,
      blocked: false,
      retryAt: undefined,
      pushed: { ipv4: '81.2.69.142', at: '2025-03-01T12:00:00.000Z' },
    });
    expect(ok.state.alerts).toEqual({});
    expect(ok.state.dns.awaiting).toBe('81.2.69.142');
  });

  it('a fatal answer blocks updates until forced or reconfigured', () => {
    const d = applyUpdateAnswer(frozen(base()), current, { outcome: 'fatal', code: 'badauth', answer: 'badauth' }, 'noip', NOW, policy);
    expect(d.state.ddns.blocked).toBe(true);
    expect(d.actions.find((a) => a.kind === 'alert')).toMatchObject({
      category: 'ddnsFail',
      key: 'fatal:badauth',
      text: 'alert.ddnsFatal',
    });
    expect(planUpdate(d.state, { ipv4: '81.2.69.143' }, NOW, policy, false)).toEqual({
      send: false,
      result: { outcome: 'fatal', answer: 'badauth' },
    });
    expect(planUpdate(d.state, current, NOW, policy, true)).toEqual({ send: true });
    const fresh = resetIfReconfigured(frozen({ ...d.state, alerts: { ddnsFail: 'fatal:badauth', ip4: 'x' } }), 'f2');
    expect(fresh.ddns).toEqual({ config: 'f2', failures: 0 });
    expect(fresh.alerts).toEqual({ ip4: 'x' });
    const same = frozen(base());
    expect(resetIfReconfigured(same, 'f1')).toBe(same);
  });
});

describe('DNS verification', () => {
  it('confirms an awaited update, waits while DNS is behind, and reports a mismatch as someone else’s change', () => {
    const awaiting = frozen({ ...base(), dns: { awaiting: '81.2.69.143' } });
    const pending = observeDns(awaiting, 'home.ddns.net', '81.2.69.143', ['81.2.69.142'], true);
    expect(pending.state.dns).toEqual({ resolved: ['81.2.69.142'], awaiting: '81.2.69.143' });
    expect(pending.actions[0]).toMatchObject({ key: 'pending:81.2.69.143', text: 'alert.dnsPending' });
    const ok = observeDns(frozen(pending.state), 'home.ddns.net', '81.2.69.143', ['81.2.69.143'], false);
    expect(ok.state.dns).toEqual({ resolved: ['81.2.69.143'], awaiting: undefined });
    expect(ok.actions[0]).toMatchObject({ key: 'ok:81.2.69.143', text: 'alert.dnsResolved' });
    const changed = observeDns(frozen(ok.state), 'home.ddns.net', '81.2.69.143', ['9.9.9.9'], false);
    expect(changed.actions[0]).toMatchObject({ key: 'mismatch:9.9.9.9>81.2.69.143', text: 'alert.dnsChanged' });
    const again = observeDns(
      frozen({ ...changed.state, alerts: { dns: 'mismatch:9.9.9.9>81.2.69.143' } }),
      'home.ddns.net',
      '81.2.69.143',
      ['81.2.69.143'],
      false,
    );
    expect(again.state.alerts).toEqual({});
    expect(observeDns(frozen(base()), 'home.ddns.net', '81.2.69.143', undefined, false).actions).toEqual([
      { kind: 'log', level: 'warn', message: 'dns: could not resolve home.ddns.net' },
    ]);
  });
});

describe('the NAT check', () => {
  it('names CGNAT with the IPv6 endpoint, says nothing when the WAN address is the public one', () => {
    const s = frozen({ ...base(), ipv6: { address: '2a00:1450:4001:82a::200e', since: 'x', sources: [] } });
    const cg = observeWan(s, '81.2.69.142', '100.64.3.4', true, undefined);
    expect(cg.result).toEqual({ known: true, nat: { kind: 'cgnat', wan: '100.64.3.4' } });
    expect(cg.actions.filter((a) => a.kind === 'alert').map((a) => a.kind === 'alert' && a.category)).toEqual(['nat', 'natOptions', 'natIpv6']);
    expect(cg.actions.at(-1)).toMatchObject({ params: { endpoint: '[2a00:1450:4001:82a::200e]' } });
    expect(observeWan(s, '81.2.69.142', '81.2.69.142', true, undefined).result).toEqual({ known: true, nat: undefined });
    // A public WAN address that is not the public IP (a provider's NAT upstream): the IPv6 endpoint too, by name.
    const up = observeWan(s, '81.2.69.142', '81.2.69.200', true, 'home.ddns.net');
    expect(up.result.nat).toEqual({ kind: 'upstream-nat', wan: '81.2.69.200' });
    expect(up.actions.at(-1)).toMatchObject({ category: 'natIpv6', params: { endpoint: 'home.ddns.net' } });
    // Two routers of one's own (a private WAN address): a second port forward fixes it; no IPv6 advice.
    const dbl = observeWan(s, '81.2.69.142', '192.168.0.2', true, undefined);
    expect(dbl.actions.map((a) => a.kind === 'alert' && a.category)).not.toContain('natIpv6');
    // No IPv6 that reaches the Pi: nothing about IPv6.
    expect(observeWan(s, '81.2.69.142', '100.64.3.4', false, undefined).actions.map((a) => a.kind === 'alert' && a.category)).not.toContain('natIpv6');
    expect(observeWan(s, '81.2.69.142', undefined, true, undefined)).toEqual({
      state: s,
      actions: [],
      result: { known: false, nat: undefined },
    });
  });
});

describe('No-IP reminders', () => {
  it('starts a 30-day cycle, reminds once a week before its end, and rolls over after it', () => {
    const start = frozen(remindNoip(frozen(base()), NOW, policy).state);
    expect(start.noip).toEqual({ cycleStart: '2025-03-01T12:00:00.000Z' });
    expect(remindNoip(start, new Date('2025-03-24T11:59:59Z'), policy).actions).toEqual([]);
    const due = remindNoip(start, new Date('2025-03-24T12:00:00Z'), policy);
    expect(due.actions).toEqual([
      {
        kind: 'alert',
        category: 'noip',
        key: '2025-03-31T12:00:00.000Z',
        text: 'alert.noipConfirm',
        params: { hostname: 'home.ddns.net', date: '2025-03-31T12:00:00.000Z' },
        level: 'warn',
      },
    ]);
    expect(remindNoip(frozen(due.state), new Date('2025-03-25T00:00:00Z'), policy).actions).toEqual([]);
    expect(noipCycle(start, new Date('2025-04-02T00:00:00Z'), policy)).toEqual({
      cycleStart: '2025-03-31T12:00:00.000Z',
      confirmBy: new Date('2025-04-30T12:00:00.000Z'),
    });
    expect(noipCycle(start, NOW, { ...policy, noipReminder: false })).toBeUndefined();
  });
});

describe('alert de-duplication', () => {
  it('drops an alert whose key was the last sent in its category, keeps the rest, and remembers them', () => {
    const s = frozen({ ...base(), alerts: { ip4: 'a>b' } });
    const alert = (category: string, key: string) => ({
      kind: 'alert' as const,
      category,
      key,
      text: 't',
      params: {},
      level: 'warn' as const,
    });
    const { state, fresh } = dedupeAlerts(s, [alert('ip4', 'a>b'), alert('ip4', 'b>c'), alert('dns', 'ok:c'), { kind: 'log', level: 'info', message: 'm' }]);
    expect(fresh.map((a) => a.key)).toEqual(['b>c', 'ok:c']);
    expect(state.alerts).toEqual({ ip4: 'b>c', dns: 'ok:c' });
    expect(dedupeAlerts(s, [alert('ip4', 'a>b')])).toEqual({ state: s, fresh: [] });
  });
});
