import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { admin, appWithRecorder, plain, stranger } from '../helpers/app.js';

let app: App | undefined;
afterEach(async () => app?.stop());

describe('approval requests', () => {
  it('expire after REQUEST_TTL_SECONDS: admins see it, the requester is told, buttons no longer work', async () => {
    const r = await appWithRecorder({ REQUEST_TTL_SECONDS: '60' });
    app = r.app;
    await app.dispatcher.handle(stranger('/addpeer bobphone'));
    const approve = r.chat.to('admin').at(-1)!.buttons![0]!.action;
    const later = new Date(Date.now() + 61_000);
    expect(await app.approvals.expireDue(later)).toBe(1);
    expect(r.chat.edits.some((e) => /Expired/.test(plain(e.reply)))).toBe(true);
    expect(plain(r.chat.to('bob').at(-1)!)).toMatch(/expired before an admin decided/);
    const id = approve.split(' ')[1]!;
    const result = await app.approvals.decide(
      id,
      'approve',
      app.dispatcher.actorFor({ platform: 'test', userId: 'admin', displayName: 'A', text: '', isPrivateChat: true }),
      later,
    );
    expect(result.ok).toBe(false);
    expect(app.peers.list()).toHaveLength(0);
    expect(await app.approvals.expireDue(later)).toBe(0);
  });

  it('refuses the same person asking twice for the same name', async () => {
    const r = await appWithRecorder();
    app = r.app;
    await app.dispatcher.handle(stranger('/addpeer shared'));
    expect(plain(await app.dispatcher.handle(stranger('/addpeer shared')))).toMatch(/You already asked for a peer named shared/);
  });
});

/** The Approve action of the admins' request message for `name`. */
const approveFor = (r: Awaited<ReturnType<typeof appWithRecorder>>, name: string) =>
  r.chat
    .to('admin')
    .filter((m) => plain(m).includes(name) && m.buttons?.length)
    .at(-1)!.buttons![0]!.action;

describe('requests and the name', () => {
  it("a request does not hold the name for anyone else: the first peer created takes it; the other's approval then fails and stays open", async () => {
    const r = await appWithRecorder();
    app = r.app;
    await app.dispatcher.handle(stranger('/addpeer shared', 'bob'));
    expect(plain(await app.dispatcher.handle(stranger('/addpeer shared', 'carol')))).toMatch(/was sent to the admins/);
    const [carols] = r.chat
      .to('admin')
      .filter((m) => plain(m).includes('shared') && m.buttons?.length)
      .map((m) => m.buttons![0]!.action)
      .slice(-1);
    expect(carols).not.toBe(r.chat.to('admin').filter((m) => plain(m).includes('shared') && m.buttons?.length)[0]!.buttons![0]!.action);
    // Carol's is approved first: her peer takes the name.
    await app.dispatcher.handle(admin(carols!));
    expect(app.peers.get('shared')?.meta?.owner).toBe('test:carol');
    const first = r.chat.to('admin').filter((m) => plain(m).includes('shared') && m.buttons?.length)[0]!.buttons![0]!.action;
    expect(plain(await app.dispatcher.handle(admin(first)))).toMatch(/already exists|already/);
    expect(app.peers.get('shared')?.meta?.owner).toBe('test:carol');
    expect(app.approvals.pending(new Date()).map((x) => x.requester)).toEqual(['test:bob']);
  });
});

describe('MAX_PEERS_PER_USER', () => {
  it('counts open requests: a request past the quota is refused at once', async () => {
    const r = await appWithRecorder({ MAX_PEERS_PER_USER: '2' });
    app = r.app;
    await app.dispatcher.handle(stranger('/addpeer one'));
    await app.dispatcher.handle(stranger('/addpeer two'));
    expect(plain(await app.dispatcher.handle(stranger('/addpeer three')))).toMatch(/You already have 2 peers/);
    expect(app.approvals.pending(new Date())).toHaveLength(2);
  });

  it('is enforced at approval: a peer created meanwhile fills the quota, the approval is refused and the request stays open', async () => {
    const r = await appWithRecorder({ MAX_PEERS_PER_USER: '1' });
    app = r.app;
    await app.dispatcher.handle(stranger('/addpeer wanted'));
    // Meanwhile bob got a peer another way (e.g. an admin restored one of his).
    await app.peers.add({ name: 'other', owner: 'test:bob' });
    const answer = plain(await app.dispatcher.handle(admin(approveFor(r, 'wanted'))));
    expect(answer).toMatch(/Cannot approve wanted: the requester already has 1 peers/);
    expect(app.peers.get('wanted')).toBeUndefined();
    expect(app.approvals.pending(new Date()).map((x) => x.peerName)).toEqual(['wanted']);
  });

  it('is enforced at /undo: restoring a revoked peer past the quota is refused and changes nothing', async () => {
    const r = await appWithRecorder({ MAX_PEERS_PER_USER: '1' });
    app = r.app;
    await app.dispatcher.handle(stranger('/addpeer first'));
    await app.dispatcher.handle(admin(approveFor(r, 'first')));
    expect(app.peers.get('first')).toBeDefined();
    const revoked = await app.dispatcher.handle(stranger('/revoke first'));
    const undo = revoked!.buttons![0]!.action;
    // The freed place is taken by a new request before the undo.
    await app.dispatcher.handle(stranger('/addpeer second'));
    expect(plain(await app.dispatcher.handle(stranger(undo)))).toMatch(/Cannot restore first: its owner already has 1 peers or open requests/);
    expect(app.peers.get('first')).toBeUndefined();
    // Once the request is gone (denied), the undo works.
    const deny = r.chat
      .to('admin')
      .filter((m) => plain(m).includes('second') && m.buttons?.length)
      .at(-1)!.buttons![1]!.action;
    await app.dispatcher.handle(admin(deny));
    expect(plain(await app.dispatcher.handle(stranger(undo)))).toMatch(/first is back/);
  });
});
