import { describe, expect, it } from 'vitest';
import type { PostedMessage } from '../../fakes/slack-server.js';
import { ADMIN, ADMIN2, CHANNEL, MEMBER, blocksText, decodeQrPng, type SlackBot, useSlackBot } from './harness.js';

describe('Slack: approvals with Block Kit buttons', () => {
  let bot!: SlackBot;
  useSlackBot((started) => (bot = started));
  const t = (key: string, params?: Record<string, unknown>) => bot.app.translator('en')(key, params);

  const buttonsOf = (m: PostedMessage) => m.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

  /** A member asks in a channel; resolves with each admin's request message (a snapshot, buttons intact). */
  async function memberRequests(name: string): Promise<{ id: string; notices: Record<string, PostedMessage> }> {
    const { fake } = bot;
    const { responseId } = await fake.slashCommand({ user: MEMBER, channel: CHANNEL, command: '/addpeer', text: name });
    const answer = await fake.waitFor(() => fake.responses.find((r) => r.id === responseId), 'the requester’s answer');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(blocksText(answer.body.blocks)).toContain(t('approval.requested', { name }));
    const notices: Record<string, PostedMessage> = {};
    for (const admin of [ADMIN, ADMIN2]) {
      const m = await fake.waitFor(
        () => fake.messagesIn(fake.dmOf(admin)).find((x) => buttonsOf(x).some((b) => b.value.startsWith('/approve ')) && blocksText(x.blocks).includes(name)),
        `request for ${name} in ${admin}'s DM`,
      );
      notices[admin] = structuredClone(m);
    }
    const id = buttonsOf(notices[ADMIN]!)[0]!.value.split(' ')[1]!;
    return { id, notices };
  }

  const current = (m: PostedMessage) => bot.fake.messages.find((x) => x.channel === m.channel && x.ts === m.ts)!;
  const lastReplyIn = (channel: string, text: string) =>
    bot.fake.waitFor(() => bot.fake.messagesIn(channel).find((m) => blocksText(m.blocks).includes(text)), `"${text}" in ${channel}`);

  it('approve: forged and stale presses change nothing, the first admin decides, the other admin’s message is updated, the requester gets the QR', async () => {
    const { fake } = bot;
    const { id, notices } = await memberRequests('tablet');
    const [approve, deny] = buttonsOf(notices[ADMIN]!);
    expect(approve).toMatchObject({ value: `/approve ${id}`, style: 'primary', text: { text: t('buttons.approve') } });
    expect(deny).toMatchObject({ value: `/deny ${id}`, style: 'danger' });

    // The requester presses an admin's button (copied payload): refused, nothing changes.
    const forged = await fake.pressButton({ user: MEMBER, message: notices[ADMIN]!, actionId: approve!.action_id });
    const refusal = await fake.waitFor(() => fake.responses.find((r) => r.id === forged.responseId), 'refusal');
    expect(refusal.body.response_type).toBe('ephemeral');
    expect(bot.app.approvals.get(id)?.state).toBe('pending');
    // A button whose value was edited to point at a request that does not exist.
    await fake.pressButton({ user: ADMIN2, message: notices[ADMIN2]!, actionId: approve!.action_id, value: '/approve AAAAAAAA' });
    await lastReplyIn(fake.dmOf(ADMIN2), t('approval.unknown'));
    expect(bot.app.approvals.get(id)?.state).toBe('pending');

    await fake.pressButton({ user: ADMIN, message: notices[ADMIN]!, actionId: approve!.action_id });
    await lastReplyIn(fake.dmOf(ADMIN), t('approval.approvedDone', { requester: 'Carol Member', name: 'tablet' }));
    expect(bot.app.approvals.get(id)).toMatchObject({ state: 'approved', decidedBy: `slack:${ADMIN}` });

    // The requester got the config privately: the PNG's QR is the .conf.
    const memberDm = fake.dmOf(MEMBER);
    const files = await fake.waitFor(() => fake.filesIn(memberDm).length >= 2 && fake.filesIn(memberDm), 'the requester’s files');
    expect(decodeQrPng(files.find((f) => f.filename === 'tablet.png')!.bytes!)).toBe(files.find((f) => f.filename === 'tablet.conf')!.bytes!.toString('utf8'));

    // Both admins' request messages lost their buttons and say who decided.
    for (const admin of [ADMIN, ADMIN2]) {
      const now = current(notices[admin]!);
      expect(now.updated).toBeGreaterThan(0);
      expect(buttonsOf(now)).toEqual([]);
      expect(blocksText(now.blocks)).toContain(t('approval.decidedBy', { state: t('approval.state.approved'), by: 'Alice Admin' }));
    }

    // The other admin's stale Deny button: already decided, stays approved.
    await fake.pressButton({ user: ADMIN2, message: notices[ADMIN2]!, actionId: deny!.action_id });
    await lastReplyIn(fake.dmOf(ADMIN2), 'already decided');
    expect(bot.app.approvals.get(id)?.state).toBe('approved');
    expect(bot.app.peers.list().map((p) => p.entry.name)).toContain('tablet');
  });

  it('deny: the requester is told, and a later Approve does not undo the denial', async () => {
    const { fake } = bot;
    const { id, notices } = await memberRequests('desk');
    const [approve, deny] = buttonsOf(notices[ADMIN2]!);
    await fake.pressButton({ user: ADMIN2, message: notices[ADMIN2]!, actionId: deny!.action_id });
    await lastReplyIn(fake.dmOf(ADMIN2), t('approval.deniedDone', { requester: 'Carol Member', name: 'desk' }));
    await lastReplyIn(fake.dmOf(MEMBER), t('approval.deniedForYou', { name: 'desk' }));
    expect(buttonsOf(current(notices[ADMIN]!))).toEqual([]);

    await fake.pressButton({ user: ADMIN, message: notices[ADMIN]!, actionId: approve!.action_id });
    await lastReplyIn(fake.dmOf(ADMIN), 'already decided');
    expect(bot.app.approvals.get(id)?.state).toBe('denied');
    expect(bot.app.peers.list().map((p) => p.entry.name)).not.toContain('desk');
    expect(fake.filesIn(fake.dmOf(MEMBER)).some((f) => f.filename.startsWith('desk'))).toBe(false);
  });
});
