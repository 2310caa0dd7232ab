/**
 * The watch end to end over loopback fakes: IP echo sources, a No-IP-protocol server and a DNS server.
 * Time is a hand-driven clock; nothing sleeps except the one "hanging source" timeout (3 s: generous for a slow machine).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServer } from '../fakes/dns-server.js';
import { startIpEcho, type IpEcho } from '../fakes/ip-echo-server.js';
import { startNatPmpServer } from '../fakes/natpmp-server.js';
import { startNoipServer, type NoipServer } from '../fakes/noip-server.js';
import { natPmpReader } from '../../src/ddns/wan.js';
import { DAY, makeWatch, MINUTE, tempDir, type Harness } from './helpers.js';

const A = '81.2.69.142';
const B = '81.2.69.143';
const LIAR = '1.1.1.1';
const HOST = 'myhome.ddns.net';
const PASSWORD = 'hunter2-very-secret';
const SOURCES = ['s1', 's2', 's3'];

let echo: IpEcho;
let noip: NoipServer;
let dns: DnsServer;
let dataDir: string;
const open: Harness[] = [];

beforeEach(async () => {
  [echo, noip, dns] = await Promise.all([startIpEcho(), startNoipServer(), startDnsServer()]);
  echo.setAll(SOURCES, A);
  dns.set(HOST, [A]);
  dataDir = tempDir();
});
afterEach(async () => {
  for (const h of open.splice(0)) await h.watch.stop();
  await Promise.all([echo.close(), noip.close(), dns.close()]);
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PUBLIC_IP_SOURCES: SOURCES.map((s) => echo.url(s)).join(','),
    DDNS_PROVIDER: 'noip',
    DDNS_HOSTNAME: HOST,
    DDNS_USERNAME: 'me@example.com',
    DDNS_PASSWORD: PASSWORD,
    DDNS_SERVER: noip.base,
    DDNS_RESOLVER: dns.server,
    NOIP_CONFIRM_REMINDER: 'false',
    ...extra,
  };
}

async function watch(extraEnv: Record<string, string> = {}, options: Partial<Parameters<typeof makeWatch>[1]> = {}): Promise<Harness> {
  const h = await makeWatch(env(extraEnv), { dataDir, ...options });
  open.push(h);
  return h;
}

describe('No-IP updates', () => {
  it('sends one update at first start, with hostname, myip, Basic auth and a No-IP style User-Agent', async () => {
    const h = await watch();
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    const [u] = noip.updates;
    expect(u).toMatchObject({ path: '/nic/update', hostname: HOST, myip: A, auth: `me@example.com:${PASSWORD}` });
    // "Company NameOfProgram/OSVersion-ReleaseVersion maintainer-contact"
    expect(u!.userAgent).toMatch(/^wg-chatops wg-chatops\/[a-z0-9]+-0\.1\.0 \S+@\S+\.\S+$/);
    expect(h.notifier.messages.join('\n')).toContain(`Dynamic DNS updated: ${HOST} → ${A}`);
    expect(h.notifier.messages.join('\n')).not.toContain('changed');

    // Same address again: no update, no alert.
    await h.watch.checkNow();
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    expect(h.notifier.messages).toHaveLength(1);
  });

  it('on a change: alerts old → new once and updates once', async () => {
    const h = await watch();
    await h.watch.checkNow();
    echo.setAll(SOURCES, B);
    dns.set(HOST, [B]);
    await h.watch.checkNow();
    await h.watch.checkNow();
    expect(noip.updates.map((u) => u.myip)).toEqual([A, B]);
    const text = h.notifier.messages.join('\n');
    expect(text).toContain(`The public IPv4 address changed: ${A} → ${B}.`);
    expect(text.match(/changed: /g)).toHaveLength(1);
    expect(h.notifier.ja.join('\n')).toContain(`${A} → ${B}`);
  });

  it('treats nochg as success and sends nothing more while the address stays', async () => {
    noip.answerWith((r) => `nochg ${r.myip}`);
    const h = await watch();
    await h.watch.checkNow();
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    expect(h.watch.ddnsStatus()).toMatchObject({ lastOutcome: 'nochg', blocked: false });
    expect(h.notifier.messages).toEqual([]);
  });

  it('ignores a source that lies and one that hangs: no false change, no update', async () => {
    const h = await watch({ PUBLIC_IP_SOURCES: [...SOURCES, 's4'].map((s) => echo.url(s)).join(',') }, { sourceTimeoutMs: 3000 });
    echo.set('s4', A);
    await h.watch.checkNow();
    echo.set('s1', LIAR);
    echo.set('s2', { hang: true });
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    const status = await h.watch.ipStatus({ refresh: false });
    expect(status.ipv4).toMatchObject({ address: A, sources: [echo.url('s3'), echo.url('s4')] });
    expect(h.notifier.messages.join('\n')).not.toContain('changed');

    // Two liars agreeing with each other against two honest sources: a tie is no consensus, nothing changes.
    echo.set('s2', LIAR);
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    expect((await h.watch.ipStatus({ refresh: false })).problem).toContain(LIAR);
  });

  it('after badauth: tells the admins what to fix once, then stays silent until the configuration changes', async () => {
    noip.answerWith('badauth');
    const h = await watch();
    await h.watch.checkNow();
    expect(h.notifier.messages).toHaveLength(1);
    expect(h.notifier.messages[0]).toContain('answered “badauth”');
    expect(h.notifier.messages[0]).toContain('DDNS_USERNAME and DDNS_PASSWORD');
    echo.setAll(SOURCES, B);
    h.clock.advance(DAY);
    await h.watch.checkNow();
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    expect(h.watch.ddnsStatus().blocked).toBe(true);
    expect(h.notifier.messages.join('\n')).not.toMatch(/badauth[\s\S]*badauth/);

    // A restart with the same configuration stays silent too.
    await h.watch.stop();
    const again = await watch();
    await again.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    expect(again.notifier.messages).toEqual([]);

    // Fixed password: updates resume.
    noip.answerWith((r) => `good ${r.myip}`);
    const fixed = await watch({ DDNS_PASSWORD: 'the-right-password' });
    await fixed.watch.checkNow();
    expect(noip.updates).toHaveLength(2);
    expect(noip.updates[1]).toMatchObject({ myip: B, auth: 'me@example.com:the-right-password' });
  });

  it.each(['nohost', 'badagent', '!donator', 'abuse'])('stops after %s', async (answer) => {
    noip.answerWith(answer);
    const h = await watch();
    await h.watch.checkNow();
    echo.setAll(SOURCES, B);
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    expect(h.notifier.messages[0]).toContain(`answered “${answer}”`);
  });

  it('backs off at least 30 minutes after 911, then retries', async () => {
    noip.answerWith('911');
    const h = await watch();
    await h.watch.checkNow();
    expect(h.notifier.messages[0]).toContain('failed for now');
    h.clock.advance(29 * MINUTE);
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    h.clock.advance(2 * MINUTE);
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(2);
    // The same failure again is not announced again.
    expect(h.notifier.messages).toHaveLength(1);
    noip.answerWith((r) => `good ${r.myip}`);
    h.clock.advance(61 * MINUTE);
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(3);
    expect(h.watch.ddnsStatus()).toMatchObject({ lastOutcome: 'good', retryAt: undefined });
  });

  it('backs off after a server error without blocking', async () => {
    noip.answerWith('oops', 503);
    const h = await watch();
    await h.watch.checkNow();
    expect(h.watch.ddnsStatus()).toMatchObject({ lastOutcome: 'retry', blocked: false });
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    h.clock.advance(11 * MINUTE);
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(2);
  });

  it('does not announce a change after a restart when the address is the same', async () => {
    const first = await watch();
    await first.watch.checkNow();
    await first.watch.stop();
    const second = await watch();
    await second.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    expect(second.notifier.messages).toEqual([]);
  });

  it('announces a change that happened while the bot was down', async () => {
    const first = await watch();
    await first.watch.checkNow();
    await first.watch.stop();
    echo.setAll(SOURCES, B);
    const second = await watch();
    await second.watch.checkNow();
    expect(second.notifier.messages.join('\n')).toContain(`${A} → ${B}`);
    expect(noip.updates.map((u) => u.myip)).toEqual([A, B]);
  });

  it('sends a keep-alive update after DDNS_KEEPALIVE_DAYS, not before', async () => {
    const h = await watch({ DDNS_KEEPALIVE_DAYS: '20' });
    await h.watch.checkNow();
    h.clock.advance(19 * DAY);
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(1);
    h.clock.advance(1 * DAY);
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(2);
  });

  it('reminds admins to confirm a free No-IP host name 7 days before the 30 days end, once per cycle', async () => {
    const h = await watch({ NOIP_CONFIRM_REMINDER: 'true' });
    await h.watch.checkNow();
    h.clock.advance(22 * DAY);
    await h.watch.checkNow();
    expect(h.notifier.messages.join('\n')).not.toContain('confirmed by');
    h.clock.advance(1 * DAY + MINUTE);
    await h.watch.checkNow();
    await h.watch.checkNow();
    const reminders = h.notifier.messages.filter((m) => m.includes('must be confirmed by 2025-01-31 00:00 UTC'));
    expect(reminders).toHaveLength(1);
    await h.watch.markConfirmed();
    expect(h.watch.ddnsStatus().confirmBy).toBe(new Date(h.clock.now.getTime() + 30 * DAY).toISOString());
  });

  it('never puts the password in logs or alerts', async () => {
    noip.answerWith(`badauth ${PASSWORD}`);
    const h = await watch();
    await h.watch.checkNow();
    expect(h.notifier.messages.join('\n')).not.toContain(PASSWORD);
    expect(h.logger.lines.join('\n')).not.toContain(PASSWORD);
    expect(h.watch.ddnsStatus().lastAnswer).toBe('badauth ***');
  });

  it('an admin can force an update, which also lifts a block when it succeeds', async () => {
    noip.answerWith('badauth');
    const h = await watch();
    await h.watch.checkNow();
    noip.answerWith((r) => `nochg ${r.myip}`);
    expect(await h.watch.forceUpdate()).toMatchObject({ outcome: 'nochg', answer: `nochg ${A}` });
    expect(h.watch.ddnsStatus().blocked).toBe(false);
    expect(noip.updates).toHaveLength(2);
  });
});

describe('DNS verification', () => {
  it('reports when DNS does not yet return the new address, and when it does', async () => {
    const h = await watch();
    await h.watch.checkNow();
    echo.setAll(SOURCES, B);
    await h.watch.checkNow(); // DNS still answers A
    expect(h.notifier.messages.at(-1)).toContain(`${HOST} does not resolve to ${B} yet (DNS answers ${A})`);
    await h.watch.checkNow();
    expect(h.notifier.messages.filter((m) => m.includes('does not resolve'))).toHaveLength(1);
    dns.set(HOST, [B]);
    await h.watch.checkNow();
    expect(h.notifier.messages.at(-1)).toBe(`${HOST} now resolves to ${B}.`);
    await h.watch.checkNow();
    expect(h.notifier.messages.filter((m) => m.includes(`now resolves to ${B}`))).toHaveLength(1);
    expect((await h.watch.ipStatus({ refresh: false })).resolved).toEqual([B]);
  });

  it('notices when someone else changes the record while the public IP stays', async () => {
    const h = await watch();
    await h.watch.checkNow();
    dns.set(HOST, [LIAR]);
    await h.watch.checkNow();
    await h.watch.checkNow();
    const warnings = h.notifier.messages.filter((m) => m.includes('Someone else updated the record'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`changed to ${LIAR}, while the public IP is still ${A}`);
  });

  it('without a DDNS host name, warns that client configs point at the old address', async () => {
    const h = await watch({ DDNS_PROVIDER: 'none', DDNS_HOSTNAME: '' }, { endpoint: `${A}:51820` });
    await h.watch.checkNow();
    echo.setAll(SOURCES, B);
    await h.watch.checkNow();
    expect(noip.updates).toHaveLength(0);
    expect(h.notifier.messages.join('\n')).toContain(`Client configs that use ${A} as their endpoint can no longer connect`);
  });
});

describe('carrier-grade NAT', () => {
  it('tells the admins once when the router WAN address is in 100.64.0.0/10', async () => {
    const natpmp = await startNatPmpServer('100.64.12.34');
    try {
      const h = await watch({}, { wan: natPmpReader('127.0.0.1', natpmp.port, 1000) });
      await h.watch.checkNow();
      await h.watch.checkNow();
      const text = h.notifier.messages.join('\n');
      expect(text).toContain('100.64.12.34, a carrier-grade NAT address');
      expect(text).toContain('port forwarding cannot work');
      expect(text).toContain('ask your provider for a public IPv4 address');
      expect(text.match(/carrier-grade/g)).toHaveLength(1);
      expect((await h.watch.ipStatus({ refresh: false })).nat).toEqual({ kind: 'cgnat', wan: '100.64.12.34' });
    } finally {
      await natpmp.close();
    }
  });

  it('says nothing when the WAN address is the public address', async () => {
    const natpmp = await startNatPmpServer(A);
    try {
      const h = await watch({}, { wan: natPmpReader('127.0.0.1', natpmp.port, 1000) });
      await h.watch.checkNow();
      expect(h.notifier.messages.join('\n')).not.toContain('NAT');
    } finally {
      await natpmp.close();
    }
  });
});

describe('IPv6 and scheduling', () => {
  it('asks IPv6 sources only when the host has a global IPv6 address, and sends both to No-IP', async () => {
    const v6 = '2a00:1450:4001:82a::200e';
    echo.setAll(['v6a', 'v6b'], v6);
    const sources = [...SOURCES.map((s) => echo.url(s)), `ipv6:${echo.url('v6a')}`, `ipv6:${echo.url('v6b')}`].join(',');
    const without = await watch({ PUBLIC_IP_SOURCES: sources }, { hasIPv6: false });
    await without.watch.checkNow();
    expect(echo.requests.filter((r) => r.path.startsWith('/v6'))).toHaveLength(0);
    await without.watch.stop();
    const withV6 = await watch({ PUBLIC_IP_SOURCES: sources }, { hasIPv6: true });
    await withV6.watch.checkNow();
    expect((await withV6.watch.ipStatus({ refresh: false })).ipv6?.address).toBe(v6);
    expect(noip.updates.at(-1)?.myip).toBe(`${A},${v6}`);
  });

  it('keeps the AAAA record current: DDNS_IPV6=off never sends IPv6, on always does, and a change alerts like IPv4', async () => {
    const v6 = '2a00:1450:4001:82a::200e';
    const v6b = '2a00:1450:4001:82a::300f';
    echo.setAll(['v6a', 'v6b'], v6);
    const sources = [...SOURCES.map((s) => echo.url(s)), `ipv6:${echo.url('v6a')}`, `ipv6:${echo.url('v6b')}`].join(',');
    const off = await watch({ PUBLIC_IP_SOURCES: sources, DDNS_IPV6: 'off' }, { hasIPv6: true });
    await off.watch.checkNow();
    expect(echo.requests.filter((r) => r.path.startsWith('/v6'))).toHaveLength(0);
    expect(noip.updates.at(-1)?.myip).toBe(A);
    await off.watch.stop();

    const on = await watch({ PUBLIC_IP_SOURCES: sources, DDNS_IPV6: 'on' }, { hasIPv6: false });
    await on.watch.checkNow();
    expect(noip.updates.at(-1)?.myip).toBe(`${A},${v6}`);
    echo.setAll(['v6a', 'v6b'], v6b);
    await on.watch.checkNow();
    expect(noip.updates.at(-1)?.myip).toBe(`${A},${v6b}`);
    const text = on.notifier.messages.join('\n');
    expect(text).toContain(v6b);
    expect(text).toMatch(/changed/);
  });

  it('plain dyndns2 gets the IPv6 address as myipv6', async () => {
    const v6 = '2a00:1450:4001:82a::200e';
    echo.setAll(['v6a', 'v6b'], v6);
    const sources = [...SOURCES.map((s) => echo.url(s)), `ipv6:${echo.url('v6a')}`, `ipv6:${echo.url('v6b')}`].join(',');
    const h = await watch({ PUBLIC_IP_SOURCES: sources, DDNS_PROVIDER: 'dyndns2', DDNS_IPV6: 'auto' }, { hasIPv6: true });
    await h.watch.checkNow();
    expect(noip.updates.at(-1)).toMatchObject({ myip: A, myipv6: v6 });
  });

  it('behind CGNAT with IPv6 reachable, the advice names the IPv6 endpoint', async () => {
    const v6 = '2a00:1450:4001:82a::200e';
    echo.setAll(['v6a', 'v6b'], v6);
    const sources = [...SOURCES.map((s) => echo.url(s)), `ipv6:${echo.url('v6a')}`, `ipv6:${echo.url('v6b')}`].join(',');
    const natpmp = await startNatPmpServer('100.64.12.34');
    try {
      const h = await watch({ PUBLIC_IP_SOURCES: sources }, { hasIPv6: true, wan: natPmpReader('127.0.0.1', natpmp.port, 1000) });
      await h.watch.checkNow();
      const text = h.notifier.messages.join('\n');
      expect(text).toContain('carrier-grade NAT');
      expect(text).toContain(`IPv6 does reach this Pi (${v6})`);
      expect(text).toContain(`connect through ${HOST}`);
    } finally {
      await natpmp.close();
    }
  });

  it('checks every IP_CHECK_INTERVAL seconds with jitter inside ±10 %', async () => {
    for (const [random, expected] of [
      [0, 9_000],
      [0.5, 10_000],
      [0.999999, 11_000],
    ] as const) {
      const h = await watch({ IP_CHECK_INTERVAL: '10' }, { random: () => random });
      h.watch.start();
      await h.watch.checkNow();
      await waitFor(() => h.timers.length === 1);
      expect(Math.abs(h.timers[0]!.ms - expected)).toBeLessThanOrEqual(1);
      await h.watch.stop();
      expect(h.timers).toHaveLength(0);
    }
  });
});

/** Waits for a condition reached by already-started async work (no timing assumptions beyond "eventually"). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}
