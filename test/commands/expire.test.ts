/** /addpeer NAME DURATION, /expire, and how /peers, /status and /enable treat ends (offline bot, its clock injected). */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import { admin, appWithRecorder, plain, stranger } from '../helpers/app.js';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const T0 = Date.parse('2026-06-01T00:00:00Z');

async function bot(env: Record<string, string> = {}) {
  let t = T0;
  const r = await appWithRecorder({ TZ: 'Asia/Tokyo', ...env }, { now: () => new Date(t) });
  app = r.app;
  return { ...r, at: (ms: number) => (t = ms), say: async (text: string) => plain(await r.app.dispatcher.handle(admin(text))) };
}

const fileOf = (a: App) => readFileSync(a.config.interfaceConfigPath, 'utf8');

describe('ends of peers from chat', () => {
  it('/addpeer NAME 7d (options in any order) gives the peer an end, shown in the delivery, /peers and /status', async () => {
    const { app, chat, say } = await bot();
    expect(await app.dispatcher.handle(admin('/addpeer guest 7d lan'))).toBeNull();
    const delivery = plain(chat.to('admin').at(-1)!);
    // 2026-06-08 00:00 UTC is 09:00 in Tokyo.
    expect(delivery).toMatch(/Ends on 2026-06-08 09:00\./);
    expect(app.db.data.peers.guest).toMatchObject({
      expiresAt: '2026-06-08T00:00:00.000Z',
      expirySetAt: '2026-06-01T00:00:00.000Z',
      profile: 'lan',
    });
    await app.dispatcher.handle(admin('/addpeer laptop full 2026-12-31'));
    expect(app.db.data.peers.laptop!.expiresAt).toBe('2026-12-31T14:59:59.000Z');
    expect(await say('/peers')).toMatch(/guest .*ends 2026-06-08 09:00/);
    expect(await say('/status')).toMatch(/Next end: guest on 2026-06-08 09:00/);
  });

  it('bad input gets a clear message and changes nothing', async () => {
    const { app, say } = await bot();
    await say('/addpeer laptop');
    const before = [fileOf(app), JSON.stringify(app.db.data)];
    expect(await say('/expire laptop yesterday')).toMatch(/not an end I understand/);
    expect(await say('/expire laptop 2026-05-31')).toMatch(/already over/);
    expect(await say('/expire laptop -5d')).toMatch(/more than zero/);
    expect(await say('/expire laptop 5y')).toMatch(/"y" is not a unit/);
    expect(await say('/expire laptop 99999d')).toMatch(/too far away/);
    expect(await say('/expire laptop')).toMatch(/Usage:[\s\S]*\/expire <name> <duration>/);
    expect(await say('/expire nobody 7d')).toMatch(/no peer named nobody/);
    expect(await say('/addpeer guest 0s')).toMatch(/more than zero/);
    expect(await say('/addpeer guest 2026-01-01')).toMatch(/already over/);
    expect([fileOf(app), JSON.stringify(app.db.data)]).toEqual(before);
    // Only admins set ends.
    expect(plain(await app.dispatcher.handle(stranger('/expire laptop 7d')))).toMatch(/not registered/);
    app.db.stage((d) => (d.users['test:bob'] = { key: 'test:bob', name: 'Bob', approvedBy: 'test:admin', approvedAt: new Date(T0).toISOString() }));
    expect(plain(await app.dispatcher.handle(stranger('/addpeer phone 7d')))).toMatch(/Only admins give a peer an end/);
    expect(plain(await app.dispatcher.handle(stranger('/expire laptop 7d')))).toMatch(/Only an admin/);
  });

  it('an expired peer: /enable is refused with advice, /expire brings it back (one change), /expire never clears', async () => {
    const { app, chat, at, say } = await bot();
    await say('/addpeer guest 1h');
    at(T0 + 2 * 3600_000);
    // What the expiry clock does when the end has passed (its timer is tested elsewhere).
    expect(await app.peers.expire('guest', app.peers.get('guest')!.entry.publicKey)).toBeDefined();
    expect(listPeers(parseServerConfig(fileOf(app))).find((p) => p.name === 'guest')!.enabled).toBe(false);
    expect(fileOf(app)).toMatch(/#\[disabled\] \[Peer\]/);
    expect(app.db.data.peers.guest).toMatchObject({ disabled: true, disabledReason: 'expired' });
    expect(await say('/peers')).toMatch(/guest .* — expired 2026-06-01 10:00/);
    expect(await say('/status')).toMatch(/1 peers expired/);
    expect(await say('/enable guest')).toMatch(/guest ended on 2026-06-01 10:00\. Give it a new end first, e\.g\. \/expire guest 7d/);
    expect(app.peers.get('guest')!.entry.enabled).toBe(false);

    expect(await say('/expire guest 3d')).toMatch(/guest is switched on again and now ends on 2026-06-04 11:00/);
    expect(app.peers.get('guest')!.entry.enabled).toBe(true);
    expect(app.db.data.peers.guest!.disabledReason).toBeUndefined();
    expect(await say('/expire guest never')).toMatch(/guest no longer has an end/);
    expect(app.db.data.peers.guest!.expiresAt).toBeUndefined();
    // An admin's /disable keeps no reason; /enable then works as before.
    expect(await say('/disable guest')).toMatch(/disabled/);
    expect(app.db.data.peers.guest!.disabledReason).toBeUndefined();
    expect(await say('/enable guest')).toMatch(/enabled again/);
    expect(chat.to('admin').length).toBeGreaterThan(0);
  });

  it('speaks Japanese to a Japanese admin', async () => {
    const { app } = await bot();
    await app.dispatcher.handle(admin('/addpeer guest', { languageTag: 'ja' }));
    expect(plain(await app.dispatcher.handle(admin('/expire guest 2w', { languageTag: 'ja' })))).toMatch(/ピア guest の期限を 2026-06-15 09:00 にしました/);
    expect(plain(await app.dispatcher.handle(admin('/expire guest きのう', { languageTag: 'ja' })))).toMatch(/期限として読めません/);
  });
});
