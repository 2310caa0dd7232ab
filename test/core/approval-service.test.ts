import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { appWithRecorder, plain, stranger } from '../helpers/app.js';

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
    const result = await app.approvals.decide(id, 'approve', app.dispatcher.actorFor({ platform: 'test', userId: 'admin', displayName: 'A', text: '', isPrivateChat: true }), later);
    expect(result.ok).toBe(false);
    expect(app.peers.list()).toHaveLength(0);
    expect(await app.approvals.expireDue(later)).toBe(0);
  });

  it('refuses a second request for a name already asked for', async () => {
    const r = await appWithRecorder();
    app = r.app;
    await app.dispatcher.handle(stranger('/addpeer shared'));
    expect(plain(await app.dispatcher.handle(stranger('/addpeer shared', 'carol')))).toMatch(/already asked/);
  });
});
