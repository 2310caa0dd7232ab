/** Request shapes and answer handling of each provider, against loopback fakes of their documented APIs. */
import { afterEach, describe, expect, it } from 'vitest';
import { startCloudflareServer, type FakeRecord } from '../fakes/cloudflare-server.js';
import { startDuckdnsServer } from '../fakes/duckdns-server.js';
import { startNoipServer } from '../fakes/noip-server.js';
import { cloudflareProvider } from '../../src/ddns/providers/cloudflare.js';
import { duckdnsProvider } from '../../src/ddns/providers/duckdns.js';
import { dyndns2Provider } from '../../src/ddns/providers/dyndns2.js';
import { interpretDyndns2 } from '../../src/ddns/providers/dyndns2-protocol.js';
import { userAgent } from '../../src/ddns/providers/index.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('dyndns2 answers', () => {
  it.each([
    ['good 81.2.69.142', 'good'],
    ['nochg 81.2.69.142', 'nochg'],
    ['badauth', 'fatal'],
    ['notfqdn', 'fatal'],
    ['numhost', 'fatal'],
    ['dnserr', 'fatal'],
    ['nohost', 'fatal'],
    ['abuse', 'fatal'],
    ['!donator', 'fatal'],
    ['badagent', 'fatal'],
    ['911', 'retry'],
    ['<html>surprise</html>', 'retry'],
  ])('%s → %s', (body, outcome) => {
    expect(interpretDyndns2(200, body, []).outcome).toBe(outcome);
  });

  it('waits at least 30 minutes after 911; treats 401 as badauth and 5xx as temporary', () => {
    expect(interpretDyndns2(200, '911', []).retryAfterMs).toBeGreaterThanOrEqual(30 * 60_000);
    expect(interpretDyndns2(401, '', [])).toMatchObject({ outcome: 'fatal', code: 'badauth' });
    expect(interpretDyndns2(502, 'Bad gateway', [])).toMatchObject({ outcome: 'retry', code: 'http-502' });
  });

  it('a generic dyndns2 server gets one address in myip, Basic auth and the User-Agent', async () => {
    const server = await startNoipServer();
    closers.push(server.close);
    const p = dyndns2Provider({ server: server.base, username: 'u', password: 'p4ssword', userAgent: userAgent('1.2.3', 'linux') });
    expect(await p.update({ hostname: 'h.example.net', ipv4: '81.2.69.142', ipv6: '2a00:1450::1' })).toMatchObject({ outcome: 'good' });
    expect(server.updates[0]).toMatchObject({
      hostname: 'h.example.net',
      myip: '81.2.69.142',
      auth: 'u:p4ssword',
      userAgent: 'wg-chatops wg-chatops/linux-1.2.3 wg-chatops@users.noreply.github.com',
    });
  });

  it('a server that cannot be reached is a temporary failure', async () => {
    const server = await startNoipServer();
    await server.close();
    const p = dyndns2Provider({ server: server.base, username: 'u', password: 'p', userAgent: 'x' });
    expect(await p.update({ hostname: 'h.example.net', ipv4: '81.2.69.142' })).toMatchObject({ outcome: 'retry', code: 'network' });
  });
});

describe('DuckDNS', () => {
  const TOKEN = 'a7c4d0ad-114e-40ef-ba1d-d217904a50f2';

  it('sends domains, token, ip and verbose, and reads UPDATED / NOCHANGE', async () => {
    const server = await startDuckdnsServer(TOKEN);
    closers.push(server.close);
    const p = duckdnsProvider({ server: server.base, token: TOKEN });
    expect(await p.update({ hostname: 'myhome.duckdns.org', ipv4: '81.2.69.142' })).toMatchObject({ outcome: 'good' });
    expect(await p.update({ hostname: 'myhome.duckdns.org', ipv4: '81.2.69.142' })).toMatchObject({ outcome: 'nochg' });
    const [first] = server.requests;
    expect(first!.path).toBe('/update');
    expect(Object.fromEntries(first!.query)).toEqual({ domains: 'myhome', token: TOKEN, ip: '81.2.69.142', verbose: 'true' });
  });

  it('KO is fatal and the token never appears in the answer', async () => {
    const server = await startDuckdnsServer('another-token-entirely');
    closers.push(server.close);
    const r = await duckdnsProvider({ server: server.base, token: TOKEN }).update({ hostname: 'myhome', ipv4: '81.2.69.142' });
    expect(r).toMatchObject({ outcome: 'fatal', code: 'ko', answer: 'KO' });
  });
});

describe('Cloudflare', () => {
  const TOKEN = 'cf-token-0123456789abcdef';
  const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';
  const record = (over: Partial<FakeRecord> = {}): FakeRecord => ({
    id: 'rec1',
    type: 'A',
    name: 'vpn.example.com',
    content: '81.2.69.1',
    proxied: true,
    ttl: 1,
    ...over,
  });

  it('finds the zone and the A record, then PATCHes content with proxied false', async () => {
    const server = await startCloudflareServer({ token: TOKEN, zones: { 'example.com': ZONE_ID }, records: [record()] });
    closers.push(server.close);
    const p = cloudflareProvider({ server: server.base, token: TOKEN });
    expect(await p.update({ hostname: 'vpn.example.com', ipv4: '81.2.69.142' })).toMatchObject({ outcome: 'good' });
    expect(server.requests.map((r) => `${r.method} ${r.path}?${r.query.toString()}`)).toEqual([
      'GET /zones?name=vpn.example.com',
      'GET /zones?name=example.com',
      `GET /zones/${ZONE_ID}/dns_records?type=A&name=vpn.example.com`,
      `PATCH /zones/${ZONE_ID}/dns_records/rec1?`,
    ]);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ content: '81.2.69.142', proxied: false });
    expect(server.records[0]).toMatchObject({ content: '81.2.69.142', proxied: false });

    // Already current: no PATCH, nochg; the zone id is remembered.
    const before = server.requests.length;
    expect(await p.update({ hostname: 'vpn.example.com', ipv4: '81.2.69.142' })).toMatchObject({ outcome: 'nochg' });
    expect(server.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
  });

  it('uses DDNS_ZONE and DDNS_RECORD_ID when given, and creates a missing AAAA record unproxied', async () => {
    const server = await startCloudflareServer({ token: TOKEN, zones: { 'example.com': ZONE_ID }, records: [record({ id: 'given' })] });
    closers.push(server.close);
    const p = cloudflareProvider({ server: server.base, token: TOKEN, zone: ZONE_ID, recordId: 'given' });
    await p.update({ hostname: 'vpn.example.com', ipv4: '81.2.69.142', ipv6: '2a00:1450::1' });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /zones/${ZONE_ID}/dns_records/given`,
      `PATCH /zones/${ZONE_ID}/dns_records/given`,
      `GET /zones/${ZONE_ID}/dns_records`,
      `POST /zones/${ZONE_ID}/dns_records`,
    ]);
    expect(JSON.parse(server.requests.at(-1)!.body)).toMatchObject({
      type: 'AAAA',
      name: 'vpn.example.com',
      content: '2a00:1450::1',
      proxied: false,
    });
  });

  it('a refused token is fatal with Cloudflare’s message; a missing zone is fatal and says so', async () => {
    const server = await startCloudflareServer({ token: 'other', zones: {}, records: [] });
    closers.push(server.close);
    const r = await cloudflareProvider({ server: server.base, token: TOKEN }).update({ hostname: 'vpn.example.com', ipv4: '81.2.69.142' });
    expect(r).toMatchObject({ outcome: 'fatal', code: 'cf-auth', answer: '10000 Authentication error' });
    const open = await startCloudflareServer({ token: TOKEN, zones: {}, records: [] });
    closers.push(open.close);
    const r2 = await cloudflareProvider({ server: open.base, token: TOKEN }).update({ hostname: 'vpn.example.com', ipv4: '81.2.69.142' });
    expect(r2).toMatchObject({ outcome: 'fatal', code: 'cf-no-zone' });
  });
});
