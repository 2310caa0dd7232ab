import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { parseClientConfig } from '../../src/core/client-config.js';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import type { Reply } from '../../src/core/reply.js';
import { admin, appWithRecorder, plain, stranger, type RecordingAdapter } from '../helpers/app.js';
import { decodeQrPng } from '../helpers/qr.js';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const fileText = (reply: Reply, kind: 'image' | 'file') => reply.attachments?.find((a) => a.kind === kind);

describe('/addpeer by an admin', () => {
  it('delivers a QR that decodes to the same config as the .conf, privately, and writes the peer', async () => {
    const r = await appWithRecorder();
    app = r.app;
    const answer = await app.dispatcher.handle(admin('/addpeer laptop'));
    expect(answer).toBeNull(); // already delivered in the private chat
    const [delivery] = r.chat.to('admin');
    expect(delivery?.secret).toBe(true);
    const conf = Buffer.from(fileText(delivery!, 'file')!.data).toString('utf8');
    expect(fileText(delivery!, 'file')!.name).toBe('laptop.conf');
    expect(decodeQrPng(fileText(delivery!, 'image')!.data)).toBe(conf);
    const parsed = parseClientConfig(conf);
    expect(parsed.addresses).toEqual(['10.6.0.2/24', 'fd11:5ee:bad:c0de::a06:2/64']);
    expect(parsed.endpoint).toBe('vpn.example.net:51820');
    expect(parsed.allowedIps).toEqual(['0.0.0.0/0', '::/0']);
    expect(parsed.persistentKeepalive).toBe(25);
    expect(fileText(delivery!, 'image')!.caption).toMatch(/deleted in 15 min/);

    const doc = parseServerConfig(readFileSync(app.config.interfaceConfigPath, 'utf8'));
    expect(listPeers(doc).map((p) => [p.name, p.allowedIps])).toEqual([['laptop', ['10.6.0.2/32', 'fd11:5ee:bad:c0de::a06:2/128']]]);
    expect(statSync(join(app.config.dataDir, 'db.json')).mode & 0o777).toBe(0o600);
  });

  it('in a group, sends the secret privately and only says so in the group', async () => {
    const r = await appWithRecorder();
    app = r.app;
    const inGroup = await app.dispatcher.handle(admin('/addpeer phone', { isPrivateChat: false }));
    expect(inGroup?.secret).toBeFalsy();
    expect(inGroup?.attachments).toBeUndefined();
    expect(plain(inGroup)).toMatch(/private chat/);
    expect(r.chat.to('admin')[0]?.attachments).toHaveLength(2);
  });

  it('tells a requester who never opened a private chat to do so, and sends nothing to the group', async () => {
    const r = await appWithRecorder();
    app = r.app;
    r.chat.unreachable.add('admin');
    const inGroup = await app.dispatcher.handle(admin('/addpeer phone', { isPrivateChat: false }));
    expect(plain(inGroup)).toMatch(/Open a private chat/);
    expect(inGroup?.attachments).toBeUndefined();
  });

  it('refuses bad names with a clear message and changes nothing', async () => {
    const r = await appWithRecorder();
    app = r.app;
    const before = readFileSync(app.config.interfaceConfigPath, 'utf8');
    for (const bad of ['../etc', 'a;rm', 'averyveryverylongname', '1234', 'server', '-x']) {
      const text = plain(await app.dispatcher.handle(admin(`/addpeer ${bad}`)));
      expect(text, bad).toMatch(/name|reserved|digits|characters/i);
    }
    expect(readFileSync(app.config.interfaceConfigPath, 'utf8')).toBe(before);
    expect(r.chat.sent).toHaveLength(0);
  });

  it('says which variable to set when no endpoint is known, and creates nothing', async () => {
    const r = await appWithRecorder({ WG_ENDPOINT: '' });
    app = r.app;
    expect(plain(await app.dispatcher.handle(admin('/addpeer laptop')))).toMatch(/WG_ENDPOINT/);
    expect(app.peers.list()).toHaveLength(0);
  });
});

describe('approval flow', () => {
  async function requestFromBob(chat: RecordingAdapter) {
    const answer = plain(await app!.dispatcher.handle(stranger('/addpeer bobphone')));
    expect(answer).toMatch(/sent to the admins/);
    const notice = chat.to('admin').at(-1)!;
    expect(plain(notice)).toMatch(/Bob bob \(@bob, test\)/);
    const [approve, deny] = notice.buttons!;
    expect(approve!.label).toMatch(/Approve/);
    expect(deny!.label).toMatch(/Deny/);
    return { approve: approve!.action, deny: deny!.action };
  }

  it('approval creates the peer for the requester, delivers it only to them, and a second press changes nothing', async () => {
    const r = await appWithRecorder();
    app = r.app;
    const { approve } = await requestFromBob(r.chat);
    expect(app.peers.list()).toHaveLength(0);
    expect(plain(await app.dispatcher.handle(admin(approve)))).toMatch(/Approved/);
    const toBob = r.chat.to('bob');
    expect(toBob).toHaveLength(1);
    expect(toBob[0]!.secret).toBe(true);
    expect(decodeQrPng(fileText(toBob[0]!, 'image')!.data)).toMatch(/\[Interface\]/);
    expect(app.peers.get('bobphone')?.meta?.owner).toBe('test:bob');
    expect(app.users.roleOf('test:bob')).toBe('user');
    expect(r.chat.edits.some((e) => /Approved by Alice Admin/.test(plain(e.reply)))).toBe(true);

    expect(plain(await app.dispatcher.handle(admin(approve)))).toMatch(/already decided/);
    expect(app.peers.list()).toHaveLength(1);
    expect(r.chat.to('bob')).toHaveLength(1);
  });

  it('denial tells the requester and stays denied', async () => {
    const r = await appWithRecorder();
    app = r.app;
    const { approve, deny } = await requestFromBob(r.chat);
    expect(plain(await app.dispatcher.handle(admin(deny)))).toMatch(/Denied/);
    expect(plain(r.chat.to('bob').at(-1)!)).toMatch(/did not approve/);
    expect(plain(await app.dispatcher.handle(admin(approve)))).toMatch(/already decided/);
    expect(app.peers.list()).toHaveLength(0);
  });

  it('a forged or non-admin button press changes nothing', async () => {
    const r = await appWithRecorder();
    app = r.app;
    const { approve } = await requestFromBob(r.chat);
    expect(plain(await app.dispatcher.handle(stranger(approve)))).toMatch(/not registered/);
    expect(plain(await app.dispatcher.handle(admin('/approve AAAAAAAA')))).toMatch(/do not know this request/);
    expect(plain(await app.dispatcher.handle(admin('/approve ../../x')))).toMatch(/do not know this request/);
    expect(app.peers.list()).toHaveLength(0);
  });

  it('enforces the per-user peer limit for non-admins', async () => {
    const r = await appWithRecorder({ MAX_PEERS_PER_USER: '1' });
    app = r.app;
    const { approve } = await requestFromBob(r.chat);
    await app.dispatcher.handle(admin(approve));
    expect(plain(await app.dispatcher.handle(stranger('/addpeer bobtablet')))).toMatch(/most allowed/);
  });
});

describe('peer lifecycle', () => {
  it('revoke offers an undo that restores the same peer', async () => {
    const r = await appWithRecorder();
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer laptop'));
    const before = app.peers.get('laptop')!.entry;
    const revoked = await app.dispatcher.handle(admin('/revoke laptop'));
    expect(plain(revoked)).toMatch(/laptop is revoked/);
    expect(app.peers.get('laptop')).toBeUndefined();
    const undo = revoked!.buttons![0]!;
    expect(undo.label).toBe('Undo');
    expect(plain(await app.dispatcher.handle(admin(undo.action)))).toMatch(/laptop is back/);
    expect(app.peers.get('laptop')!.entry).toEqual(before);
    expect(plain(await app.dispatcher.handle(admin(undo.action)))).toMatch(/no longer possible/);
  });

  it('disable keeps the peer and /peers marks it on its own line', async () => {
    const r = await appWithRecorder();
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer laptop'));
    await app.dispatcher.handle(admin('/addpeer phone'));
    expect(plain(await app.dispatcher.handle(admin('/disable phone')))).toMatch(/phone is disabled/);
    const listing = plain(await app.dispatcher.handle(admin('/peers')));
    expect(listing).toMatch(/^- phone 10\.6\.0\.3 — disabled$/m);
    expect(listing).toMatch(/^- laptop 10\.6\.0\.2 — offline/m);
    expect(readFileSync(app.config.interfaceConfigPath, 'utf8')).toMatch(/^#\[disabled\] ### begin phone ###$/m);
    // Its address stays reserved.
    await app.dispatcher.handle(admin('/addpeer tablet'));
    expect(app.peers.get('tablet')!.entry.allowedIps[0]).toBe('10.6.0.4/32');
    expect(plain(await app.dispatcher.handle(admin('/enable phone')))).toMatch(/enabled again/);
  });

  it('users see and revoke only their own peers', async () => {
    const r = await appWithRecorder();
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer adminpc'));
    await app.dispatcher.handle(stranger('/addpeer bobphone'));
    await app.dispatcher.handle(admin(r.chat.to('admin').at(-1)!.buttons![0]!.action));
    const bobsList = plain(await app.dispatcher.handle(stranger('/peers')));
    expect(bobsList).toMatch(/bobphone/);
    expect(bobsList).not.toMatch(/adminpc/);
    expect(plain(await app.dispatcher.handle(stranger('/revoke adminpc')))).toMatch(/no peer named adminpc/);
    expect(app.peers.get('adminpc')).toBeDefined();
    expect(plain(await app.dispatcher.handle(stranger('/revoke bobphone')))).toMatch(/revoked/);
  });

  it('/peers pages a long list with next/previous buttons', async () => {
    const r = await appWithRecorder();
    app = r.app;
    for (let i = 0; i < 45; i++) await app.peers.add({ name: `p${i}`, owner: 'test:admin' });
    const first = await app.dispatcher.handle(admin('/peers'));
    expect(plain(first)).toMatch(/Peers: 45 .*page 1 of 3/);
    expect(first!.buttons!.map((b) => b.action)).toEqual(['/peers 2']);
    const third = await app.dispatcher.handle(admin('/peers 3'));
    expect(plain(third).match(/^- /gm)).toHaveLength(5);
    expect(third!.buttons!.map((b) => b.action)).toEqual(['/peers 2']);
  });

  it('/qr resends only when the key was kept; with KEEP_CLIENT_KEYS=false the config is shown once', async () => {
    const r = await appWithRecorder({ KEEP_CLIENT_KEYS: 'false' });
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer laptop'));
    expect(plain(r.chat.to('admin')[0]!)).toMatch(/does not keep the private key/);
    expect(plain(await app.dispatcher.handle(admin('/qr laptop')))).toMatch(/KEEP_CLIENT_KEYS=false/);
    expect(JSON.stringify(app.db.data)).not.toMatch(/privateKey/);
  });

  it('/status says it is offline', async () => {
    const r = await appWithRecorder();
    app = r.app;
    expect(plain(await app.dispatcher.handle(admin('/status')))).toMatch(/Offline mode/);
  });
});

describe('delivery file names', () => {
  it('are valid WireGuard tunnel names even for imported PiVPN names', async () => {
    const { tunnelFileBase } = await import('../../commands/support/delivery.js');
    expect(tunnelFileBase('laptop')).toBe('laptop');
    expect(tunnelFileBase('bob@phone')).toBe('bob_phone');
    expect(tunnelFileBase('a-very-long-imported-name')).toBe('a-very-long-imp');
  });
});

describe('keys people type that name Object’s own properties', () => {
  it('find nothing and change nothing', async () => {
    const r = await appWithRecorder();
    app = r.app;
    await app.dispatcher.handle(admin('/addpeer laptop'));
    for (const key of ['__proto__', 'constructor', 'toString']) {
      expect(plain(await app.dispatcher.handle(admin(`/approve ${key}`)))).toMatch(/do not know this request/);
      expect(plain(await app.dispatcher.handle(admin(`/undo ${key}`)))).toMatch(/no longer possible/);
      expect(plain(await app.dispatcher.handle(admin(`/removeuser ${key}`)))).toMatch(/no approved user/);
      expect(plain(await app.dispatcher.handle(stranger('/peers', key)))).toMatch(/not registered/);
    }
    expect(app.peers.list().map((p) => p.entry.name)).toEqual(['laptop']);
  });
});
