import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServer } from '../fakes/dns-server.js';
import { startIpEcho, type IpEcho } from '../fakes/ip-echo-server.js';
import { detectPublicIp } from '../../src/ddns/public-ip.js';
import { parseSourceSpec } from '../../src/ddns/sources.js';

let echo: IpEcho;
let dns: DnsServer;
beforeAll(async () => {
  [echo, dns] = await Promise.all([startIpEcho(), startDnsServer()]);
});
afterAll(async () => {
  await Promise.all([echo.close(), dns.close()]);
});

describe('public IP sources', () => {
  it('reads a plain-text answer over HTTP', async () => {
    echo.set('plain', '81.2.69.142');
    await expect(parseSourceSpec(echo.url('plain')).ask(10_000)).resolves.toBe('81.2.69.142');
  });

  it('fails on an error status and on a hang (after the timeout)', async () => {
    echo.set('err', { status: 500 });
    echo.set('hang', { hang: true });
    await expect(parseSourceSpec(echo.url('err')).ask(10_000)).rejects.toThrow('HTTP 500');
    await expect(parseSourceSpec(echo.url('hang')).ask(200)).rejects.toThrow();
  });

  it('refuses an answer too long to be an address', async () => {
    echo.set('long', 'x'.repeat(10_000));
    await expect(parseSourceSpec(echo.url('long')).ask(10_000)).rejects.toThrow('too long');
  });

  it('asks a DNS server, as PiVPN does with myip.opendns.com', async () => {
    dns.set('myip.opendns.com', ['81.2.69.142', '2a00:1450:4001:82a::200e']);
    const v4 = parseSourceSpec(`dns://${dns.server}/myip.opendns.com`);
    const v6 = parseSourceSpec(`ipv6:dns://${dns.server}/myip.opendns.com`);
    expect(v4.family).toBe(4);
    expect(v6.family).toBe(6);
    await expect(v4.ask(10_000)).resolves.toBe('81.2.69.142');
    await expect(v6.ask(10_000)).resolves.toBe('2a00:1450:4001:82a::200e');
    expect(dns.queries.map((q) => q.type)).toEqual([1, 28]);
  });

  it('asks all sources in parallel and agrees on the majority', async () => {
    echo.setAll(['p1', 'p2'], '81.2.69.142');
    echo.set('p3', { hang: true });
    const sources = [echo.url('p1'), echo.url('p2'), echo.url('p3'), `dns://${dns.server}/myip.opendns.com`].map(parseSourceSpec);
    // The hanging source costs the whole timeout; the honest ones must answer within it even on a slow machine.
    const r = await detectPublicIp(sources, 4, 3000);
    expect(r).toMatchObject({ ok: true, address: '81.2.69.142' });
    if (r.ok) expect(r.agreeing).toHaveLength(3);
  });
});
