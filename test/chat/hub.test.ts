import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChatHub } from '../../src/chat/hub.js';
import { DeletionLog } from '../../src/store/deletion-log.js';
import { textReply } from '../../src/core/reply.js';
import { createI18n } from '../../src/i18n/index.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { RecordingAdapter } from '../helpers/app.js';

async function hubAt(path: string, clock: { now: number }, ttl = 900) {
  const i18n = createI18n();
  const deletions = await DeletionLog.open(path);
  const hub: ChatHub = new ChatHub({
    translator: (l) => i18n.t(l),
    admins: () => hub.platformAdminKeys(),
    localeOf: () => 'en',
    deletions,
    secretTtlSeconds: ttl,
    logger: createMemoryLogger(),
    now: () => clock.now,
  });
  const chat = new RecordingAdapter(['admin', 'admin2']);
  hub.register(chat);
  return { hub, chat };
}

describe('ChatHub', () => {
  it('sends to every admin and only to the platform that knows them', async () => {
    const { hub, chat } = await hubAt(join(mkdtempSync(join(tmpdir(), 'wgc-hub-')), 'd.json'), { now: 0 });
    const refs = await hub.toAdmins((t) => textReply(t('peer.revoked', { name: 'x' })));
    expect(refs.map((r) => r.recipient).sort()).toEqual(['test:admin', 'test:admin2']);
    expect(await hub.toUser('slack:U1', () => textReply('hi'))).toEqual([]);
    expect(chat.sent).toHaveLength(2);
  });

  it('deletes secret deliveries when their time is up, also after a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wgc-hub-')), 'd.json');
    const clock = { now: 1_000_000 };
    const first = await hubAt(path, clock);
    await first.hub.toUser('test:bob', () => ({ ...textReply('config'), secret: true }));
    await first.hub.toUser('test:bob', () => textReply('not secret'));
    expect(await first.hub.deleteDue()).toBe(0);
    await first.hub.close();

    // "Restart" 16 minutes later: the schedule came from disk.
    clock.now += 16 * 60 * 1000;
    const second = await hubAt(path, clock);
    expect(await second.hub.deleteDue()).toBe(1);
    expect(second.chat.deleted.map((r) => r.messageId)).toEqual(['1']);
    expect(await second.hub.deleteDue()).toBe(0);
    second.hub.stop();
  });

  it('keeps secret messages when SECRET_TTL_SECONDS is 0', async () => {
    const clock = { now: 0 };
    const { hub } = await hubAt(join(mkdtempSync(join(tmpdir(), 'wgc-hub-')), 'd.json'), clock, 0);
    await hub.toUser('test:bob', () => ({ ...textReply('config'), secret: true }));
    clock.now += 10 ** 9;
    expect(await hub.deleteDue()).toBe(0);
  });
});

describe('ChatHub.deliver: secrets go private only', () => {
  const asked = (isPrivateChat: boolean) => ({
    platform: 'test',
    userId: 'bob',
    displayName: 'Bob',
    text: '/conf x',
    isPrivateChat,
    origin: isPrivateChat ? 'bob-dm' : 'group-1',
  });
  const secret = { ...textReply('PrivateKey = …'), secret: true };

  it('a secret asked in a group goes to the private chat, scheduled for deletion; the group hears only where it went', async () => {
    const clock = { now: 0 };
    const { hub, chat } = await hubAt(join(mkdtempSync(join(tmpdir(), 'wgc-hub-')), 'd.json'), clock, 60);
    const delivered = await hub.deliver({ reply: secret, to: { kind: 'origin', msg: asked(false), locale: 'en' } });
    expect(chat.sent.map((s) => [s.userId, s.reply])).toEqual([['bob', secret]]);
    expect(chat.answers.map((a) => [a.origin, a.reply.secret ?? false])).toEqual([['group-1', false]]);
    expect(delivered.answer && delivered.answer.blocks).toEqual(textReply('I sent it to you in a private chat.').blocks);
    clock.now += 61_000;
    expect(await hub.deleteDue()).toBe(1);
    expect(chat.deleted.map((d) => d.messageId)).toEqual(delivered.sent.map((r) => r.messageId));
  });

  it('a secret asked in the private chat is delivered there once, with no extra answer; anything else goes back where it was asked', async () => {
    const { hub, chat } = await hubAt(join(mkdtempSync(join(tmpdir(), 'wgc-hub-')), 'd.json'), { now: 0 });
    expect((await hub.deliver({ reply: secret, to: { kind: 'origin', msg: asked(true), locale: 'en' } })).answer).toBeNull();
    expect(chat.sent).toHaveLength(1);
    expect(chat.answers).toEqual([]);
    await hub.deliver({ reply: textReply('peers: none'), to: { kind: 'origin', msg: asked(false), locale: 'en' } });
    expect(chat.answers.map((a) => a.origin)).toEqual(['group-1']);
    expect(chat.sent).toHaveLength(1);
  });

  it('a requester the bot cannot reach privately gets no secret anywhere, and is told how to fix it', async () => {
    const { hub, chat } = await hubAt(join(mkdtempSync(join(tmpdir(), 'wgc-hub-')), 'd.json'), { now: 0 });
    chat.unreachable.add('bob');
    const group = await hub.deliver({ reply: secret, to: { kind: 'origin', msg: asked(false), locale: 'ja' } });
    expect(group.sent).toEqual([]);
    expect(chat.answers.map((a) => a.reply.secret ?? false)).toEqual([false]);
    expect(chat.answers[0]!.reply.blocks).toEqual(textReply(createI18n().t('ja')('dispatch.openPrivateChat')).blocks);
    expect(chat.sent).toEqual([]);
  });
});

describe('ChatHub admins', () => {
  it('reaches ADMIN_KEYS admins as well as the platforms’ own', async () => {
    const { offlineApp, RecordingAdapter } = await import('../helpers/app.js');
    const chat = new RecordingAdapter(['admin']);
    const app = await offlineApp({ ADMIN_KEYS: 'test:extra' });
    app.addAdapter(chat);
    await app.hub.toAdmins(() => textReply('alert'));
    expect(chat.sent.map((s) => s.userId).sort()).toEqual(['admin', 'extra']);
    await app.stop();
  });
});
