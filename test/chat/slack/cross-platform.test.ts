/** One bot, two platforms: a Slack request approved on Telegram, a Telegram request approved on Slack. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../fakes/telegram-bot-api.js';
import { ALICE, BOB } from '../../helpers/telegram-bot.js';
import type { PostedMessage } from '../../fakes/slack-server.js';
import { ADMIN, CHANNEL, MEMBER, blocksText, decodeQrPng, startSlackBot, type SlackBot } from './harness.js';

describe('Slack and Telegram in one bot', () => {
  let bot: SlackBot;
  let telegram: FakeBotApi;
  const t = (key: string, params?: Record<string, unknown>) => bot.app.translator('en')(key, params);
  const buttonsOf = (m: PostedMessage) => m.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

  beforeAll(async () => {
    telegram = await FakeBotApi.start();
    bot = await startSlackBot({ telegram: { fake: telegram, admins: [ALICE.id] } });
    // Telegram lets a bot message only people who opened a chat with it.
    telegram.sendText(ALICE, '/start');
    await telegram.drained();
  });
  afterAll(async () => {
    await bot?.close();
    await telegram?.close();
  });

  it('a Slack member’s request is approved by the Telegram admin; the Slack admin’s message is updated', async () => {
    const { fake } = bot;
    await fake.slashCommand({ user: MEMBER, channel: CHANNEL, command: '/addpeer', text: 'slackphone' });
    // Every admin on both platforms is asked.
    const slackNotice = await fake.waitFor(
      () => fake.messagesIn(fake.dmOf(ADMIN)).find((m) => buttonsOf(m).length === 2 && blocksText(m.blocks).includes('slackphone')),
      'the Slack admin’s request',
    );
    const tgNotice = await telegram.until(
      () => telegram.chatMessages(ALICE.id).find((m) => m.text.includes('slackphone') && m.replyMarkup),
      'the Telegram admin’s request',
    );
    expect(tgNotice.text).toContain(`slack:${MEMBER}`);

    telegram.pressButton(ALICE, tgNotice, t('buttons.approve'));
    const memberDm = fake.dmOf(MEMBER);
    const files = await fake.waitFor(() => fake.filesIn(memberDm).length >= 2 && fake.filesIn(memberDm), 'the Slack requester’s files');
    expect(decodeQrPng(files.find((f) => f.filename === 'slackphone.png')!.bytes!)).toBe(
      files.find((f) => f.filename === 'slackphone.conf')!.bytes!.toString('utf8'),
    );
    const updated = await fake.waitFor(() => {
      const m = fake.messages.find((x) => x.ts === slackNotice.ts)!;
      return m.updated > 0 && m;
    }, 'the Slack admin’s message updated');
    expect(buttonsOf(updated)).toEqual([]);
    expect(blocksText(updated.blocks)).toContain(t('approval.state.approved'));
    expect(bot.app.peers.list().find((p) => p.entry.name === 'slackphone')?.meta?.owner).toBe(`slack:${MEMBER}`);
  });

  it('a Telegram user’s request is approved by the Slack admin with the Block Kit button', async () => {
    const { fake } = bot;
    telegram.sendText(BOB, '/addpeer tgtablet');
    const notice = await fake.waitFor(
      () => fake.messagesIn(fake.dmOf(ADMIN)).find((m) => buttonsOf(m).length === 2 && blocksText(m.blocks).includes('tgtablet')),
      'the Slack admin’s request',
    );
    expect(blocksText(notice.blocks)).toContain(`telegram:${BOB.id}`);
    await fake.pressButton({ user: ADMIN, message: notice, actionId: buttonsOf(notice)[0]!.action_id });
    const photo = await telegram.until(() => telegram.chatMessages(BOB.id).find((m) => m.kind === 'photo'), 'the Telegram requester’s QR');
    const document = await telegram.until(() => telegram.chatMessages(BOB.id).find((m) => m.kind === 'document'), 'the Telegram requester’s .conf');
    expect(decodeQrPng(photo.file!.data)).toBe(document.file!.data.toString('utf8'));
    // The Telegram admin's copy of the request lost its buttons.
    await telegram.until(
      () => telegram.chatMessages(ALICE.id).find((m) => m.text.includes('tgtablet') && m.edits > 0 && !m.replyMarkup?.inline_keyboard.length),
      'the Telegram admin’s message updated',
    );
    // Both platforms see one set of peers.
    await fake.slashCommand({ user: ADMIN, channel: fake.dmOf(ADMIN), command: '/peers' });
    const list = await fake.waitFor(
      () => fake.messagesIn(fake.dmOf(ADMIN)).find((m) => blocksText(m.blocks).includes('tgtablet') && blocksText(m.blocks).includes('slackphone')),
      'the /peers list',
    );
    expect(list).toBeDefined();
  });
});
