/** /ip and /ddns over a real watch (loopback fakes), rendered in English and Japanese. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ddnsCommand } from '../../commands/ddns.js';
import { ipCommand } from '../../commands/ip.js';
import { prepareRun, runPrepared, type CommandContext, type CommandDef } from '../../src/core/command.js';
import type { IpWatchService } from '../../src/core/ip-watch.js';
import { replyToPlainText } from '../../src/core/reply.js';
import type { CommandServices } from '../../src/core/services.js';
import type { Actor, Role } from '../../src/core/user.js';
import { startDnsServer, type DnsServer } from '../fakes/dns-server.js';
import { startIpEcho, type IpEcho } from '../fakes/ip-echo-server.js';
import { startNoipServer, type NoipServer } from '../fakes/noip-server.js';
import { i18n, makeWatch, tempDir, type Harness } from '../ddns/helpers.js';

const A = '81.2.69.142';
const HOST = 'myhome.ddns.net';
let echo: IpEcho;
let noip: NoipServer;
let dns: DnsServer;
let h: Harness;

beforeEach(async () => {
  [echo, noip, dns] = await Promise.all([startIpEcho(), startNoipServer(), startDnsServer()]);
  echo.setAll(['a', 'b'], A);
  dns.set(HOST, [A]);
  h = await makeWatch(
    {
      PUBLIC_IP_SOURCES: `${echo.url('a')},${echo.url('b')}`,
      DDNS_PROVIDER: 'noip',
      DDNS_HOSTNAME: HOST,
      DDNS_USERNAME: 'me@example.com',
      DDNS_PASSWORD: 'pw-123456',
      DDNS_SERVER: noip.base,
      DDNS_RESOLVER: dns.server,
    },
    { dataDir: tempDir() },
  );
});
afterEach(async () => {
  await h.watch.stop();
  await Promise.all([echo.close(), noip.close(), dns.close()]);
});

async function run(command: CommandDef, options: { ipWatch?: IpWatchService; role?: Role; locale?: 'en' | 'ja'; words?: string[] } = {}) {
  const locale = options.locale ?? 'en';
  const actor: Actor = { key: 'console:local', platform: 'console', id: 'local', displayName: 'me', role: options.role ?? 'admin', locale };
  const ctx: CommandContext = {
    actor,
    t: i18n.t(locale),
    // Only the IP watch is used by these commands.
    services: { ipWatch: 'ipWatch' in options ? options.ipWatch : h.watch } as unknown as CommandServices,
    isPrivateChat: true,
    now: () => h.clock.now,
  };
  const prepared = prepareRun(command, options.words ?? [], actor.role);
  if (!prepared.allowed) return ctx.t('access.adminOnly');
  return replyToPlainText(await runPrepared(prepared, ctx));
}

describe('/ip', () => {
  it('checks and shows the address, since when, the sources and what the host name resolves to', async () => {
    const text = await run(ipCommand);
    expect(text).toContain(`IPv4: ${A} (since 2025-01-01 00:00 UTC)`);
    expect(text).toContain(`Sources that agreed: ${echo.url('a')}, ${echo.url('b')}`);
    expect(text).toContain(`${HOST} resolves to ${A}`);
    expect(await run(ipCommand, { locale: 'ja' })).toContain(`${HOST} の名前解決結果: ${A}`);
  });

  it('says how to turn the watch on when it is off', async () => {
    expect(await run(ipCommand, { ipWatch: undefined })).toContain('PUBLIC_IP_SOURCES=none');
    expect(await run(ddnsCommand, { ipWatch: undefined })).toContain('PUBLIC_IP_SOURCES=none');
  });
});

describe('/ddns', () => {
  it('shows the provider, the last update and answer, and the next check', async () => {
    h.watch.start();
    await h.watch.checkNow();
    const text = await run(ddnsCommand, { role: 'user' });
    expect(text).toContain(`Provider: noip, host name: ${HOST}`);
    expect(text).toContain(`Last update: 2025-01-01 00:00 UTC, answer: good ${A}`);
    expect(text).toMatch(/Next check: 2025-01-01 00:0\d UTC/);
  });

  it('lets admins force an update, and nobody else', async () => {
    await h.watch.checkNow();
    expect(await run(ddnsCommand, { role: 'user', words: ['update'] })).toBe('Only an admin can do that.');
    expect(noip.updates).toHaveLength(1);
    noip.answerWith((r) => `nochg ${r.myip}`);
    expect(await run(ddnsCommand, { words: ['update'] })).toBe(`The record already had this address. The provider answered: nochg ${A}`);
    expect(noip.updates).toHaveLength(2);
  });

  it('refuses a forced update during a 911 back-off and says until when', async () => {
    noip.answerWith('911');
    await h.watch.checkNow();
    expect(await run(ddnsCommand, { words: ['update'] })).toBe('The provider asked to wait: the next update is allowed after 2025-01-01 00:30 UTC.');
    expect(noip.updates).toHaveLength(1);
  });

  it('records a No-IP confirmation', async () => {
    await h.watch.checkNow();
    h.clock.advance(10 * 24 * 3600_000);
    expect(await run(ddnsCommand, { words: ['confirmed'] })).toContain('Noted');
    expect(await run(ddnsCommand)).toContain('confirm it at noip.com by 2025-02-10 00:00 UTC');
  });
});

describe('/ip behind carrier-grade NAT', () => {
  const status = (ipv6?: string) =>
    ({
      ipStatus: async () => ({
        ipv4: { address: A, since: '2026-01-01T00:00:00.000Z', sources: ['a'] },
        ...(ipv6 ? { ipv6: { address: ipv6, since: '2026-01-01T00:00:00.000Z', sources: ['a'] } } : {}),
        hostname: HOST,
        resolved: [A],
        nat: { kind: 'cgnat', wan: '100.72.1.5' },
      }),
    }) as unknown as IpWatchService;

  it('advises IPv6 through the same hostname when a global IPv6 is known, in English and Japanese', async () => {
    const text = await run(ipCommand, { ipWatch: status('2a02:1234:1::5') });
    expect(text).toMatch(/carrier-grade NAT\)\. But this Pi has a global IPv6 address \(2a02:1234:1::5\)/);
    expect(text).toMatch(/Use IPv6: .* connect through myhome\.ddns\.net as they are/);
    expect(await run(ipCommand, { ipWatch: status('2a02:1234:1::5'), locale: 'ja' })).toMatch(/IPv6 を使ってください/);
  });

  it('says nothing about IPv6 without one', async () => {
    expect(await run(ipCommand, { ipWatch: status() })).not.toMatch(/Use IPv6/);
  });
});
