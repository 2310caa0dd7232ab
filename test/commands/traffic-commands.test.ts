import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Reply } from '../../src/core/reply.js';
import { admin, offlineApp, plain, stranger } from '../helpers/app.js';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function withPeers() {
  const a = await offlineApp();
  app = a;
  await a.peers.add({ name: 'laptop', owner: 'test:admin' });
  await a.users.approve('test:bob', 'Bob', 'test:admin', new Date());
  await a.peers.add({ name: 'bobphone', owner: 'test:bob' });
  return a;
}

describe('/quota, /notify and /traffic', () => {
  it('/quota: sets, shows in /peers and /status, clears; bad input changes nothing', async () => {
    const a = await withPeers();
    const key = a.peers.get('laptop')!.entry.publicKey;
    expect(plain(await a.dispatcher.handle(admin('/quota laptop 50GB')))).toMatch(
      /Quota of laptop: 50.0 GB per month \(from day 1\)\. Used so far: 0 B \(0 %\)/,
    );
    expect(a.services.traffic!.service.record(key)!.quota).toEqual({ bytes: 50e9, period: 'month' });
    expect(plain(await a.dispatcher.handle(admin('/quota laptop 1GiB total')))).toMatch(/1.07 GB in total/);
    expect(plain(await a.dispatcher.handle(admin('/peers')))).toMatch(/laptop .*quota 0 B \/ 1.07 GB \(0 %\)/);
    expect(plain(await a.dispatcher.handle(admin('/status')))).toMatch(/Quotas: 1 set, 0 reached/);
    for (const bad of [
      '/quota laptop -5GB',
      '/quota laptop 5XB',
      '/quota laptop 0',
      '/quota laptop 5GB weekly',
      '/quota laptop off total',
      '/quota nosuch 5GB',
    ]) {
      const text = plain(await a.dispatcher.handle(admin(bad)));
      expect(text, bad).toMatch(/is not a size|Usage|not one of|no peer named|month \| total|Unknown|understand/i);
      expect(a.services.traffic!.service.record(key)!.quota, bad).toEqual({ bytes: 1024 ** 3, period: 'total' });
    }
    expect(plain(await a.dispatcher.handle(admin('/quota laptop off')))).toMatch(/laptop has no quota any more/);
    expect(a.services.traffic!.service.record(key)!.quota).toBeUndefined();
    // Users may not set quotas.
    expect(plain(await a.dispatcher.handle(stranger('/quota bobphone 1GB')))).not.toMatch(/Quota of/);
    expect(a.services.traffic!.service.record(a.peers.get('bobphone')!.entry.publicKey)?.quota).toBeUndefined();
  });

  it('/notify: the owner or an admin for one peer, admins only for all; a stranger is refused', async () => {
    const a = await withPeers();
    const bobKey = a.peers.get('bobphone')!.entry.publicKey;
    expect(plain(await a.dispatcher.handle(stranger('/notify bobphone on')))).toMatch(/You will be told when bobphone connects/);
    expect(a.services.traffic!.service.record(bobKey)!.notify).toBe(true);
    // Someone else's peer looks like no peer at all.
    expect(plain(await a.dispatcher.handle(stranger('/notify laptop on')))).toMatch(/no peer named laptop/);
    expect(a.services.traffic!.service.record(a.peers.get('laptop')!.entry.publicKey)?.notify).toBeUndefined();
    expect(plain(await a.dispatcher.handle(stranger('/notify all on')))).not.toMatch(/admins will be told/);
    expect(a.services.traffic!.service.notifyAll).toBe(false);
    // A stranger (not approved) gets nothing changed.
    expect(plain(await a.dispatcher.handle(stranger('/notify bobphone off', 'mallory')))).not.toMatch(/No more/);
    expect(a.services.traffic!.service.record(bobKey)!.notify).toBe(true);
    expect(plain(await a.dispatcher.handle(admin('/notify all on')))).toMatch(/admins will be told/);
    expect(a.services.traffic!.service.notifyAll).toBe(true);
    expect(plain(await a.dispatcher.handle(admin('/notify bobphone maybe')))).toMatch(/on \| off/);
  });

  it('/traffic: a chart in the chat where it was asked (not secret), own peers for users, in Japanese too', async () => {
    const a = await withPeers();
    const mine = (await a.dispatcher.handle(stranger('/traffic 7d'))) as Reply;
    expect(plain(mine)).toMatch(/Traffic of all peers, last 7d: ↓ 0 B received, ↑ 0 B sent/);
    expect(plain(mine)).toMatch(/bobphone/);
    expect(plain(mine)).not.toMatch(/laptop/);
    expect(mine.secret).toBeFalsy();
    expect(mine.attachments?.[0]).toMatchObject({ kind: 'image', mimeType: 'image/png', name: 'traffic-all-7d.png' });
    expect(plain(await a.dispatcher.handle(stranger('/traffic laptop')))).toMatch(/no peer named laptop/);
    const ja = (await a.dispatcher.handle(admin('/traffic 30d laptop', { languageCode: 'ja' } as never))) as Reply;
    expect(plain(ja)).toMatch(/laptop/);
    expect(plain(await a.dispatcher.handle(admin('/traffic laptop phone')))).toMatch(/twice|once|Usage|more than/i);
  });
});
