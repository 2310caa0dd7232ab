/**
 * The one rule, on every platform, through the real clients: a secret asked for outside the private
 * chat is delivered only there, and its messages are deleted when their time is up; the chat it was
 * asked in hears only where it went. Checked on what the fake servers recorded (Telegram: the real
 * grammY client against the fake Bot API; Slack: the real Bolt app against the fake Slack) and on
 * what the console printed.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/chat/adapter.js';
import { createConsoleAdapter } from '../../src/chat/console/adapter.js';
import { offlineApp } from '../helpers/app.js';
import { ALICE, GROUP_ID, startTelegramBot, type TelegramBot } from '../helpers/telegram-bot.js';
import { ADMIN, CHANNEL, startSlackBot, type SlackBot } from './slack/harness.js';

const secretLooking = /PrivateKey|PresharedKey|\[Interface\]/;

describe('a secret asked for in a group goes private only, and expires there', () => {
  let telegram: TelegramBot | undefined;
  let slack: SlackBot | undefined;
  afterEach(async () => {
    await telegram?.stop();
    await slack?.close();
    telegram = slack = undefined;
  });

  it('Telegram: the QR and .conf reach the private chat and are deleted after SECRET_TTL_SECONDS; the group gets one plain reply', async () => {
    telegram = await startTelegramBot({ env: { SECRET_TTL_SECONDS: '1' } });
    const { fake } = telegram;
    fake.startedUsers.add(ALICE.id);
    const asked = fake.sendText(ALICE, '/addpeer@wg_test_bot tablet', fake.group(GROUP_ID));

    const notice = await fake.until(() => fake.chatMessages(GROUP_ID)[0], 'the group reply');
    expect(notice.text).toBe('I sent it to you in a private chat.');
    const call = fake.callsOf('sendMessage').find((c) => c.params.chat_id === GROUP_ID)!;
    expect((call.params.reply_parameters as { message_id?: number }).message_id).toBe(asked.messageId);

    const delivered = await fake.until(() => {
      const msgs = fake.chatMessages(ALICE.id);
      return msgs.some((m) => m.kind === 'photo') && msgs.some((m) => m.kind === 'document') ? msgs : undefined;
    }, 'the private delivery');
    // Two messages: the text is the .conf's caption, before the file's own.
    expect(delivered.map((m) => m.kind)).toEqual(['photo', 'document']);
    expect(delivered[1]!.text).toMatch(/^Your VPN config for tablet is ready\. Address: 10\.[\d./]+\n\nOr import this file/);
    expect(secretLooking.test(delivered.find((m) => m.kind === 'document')!.file!.data.toString('utf8'))).toBe(true);
    // Every file went to the private chat; nothing else ever reached the group.
    for (const method of ['sendPhoto', 'sendDocument']) expect(fake.callsOf(method).map((c) => c.params.chat_id)).toEqual([ALICE.id]);
    expect(fake.chatMessages(GROUP_ID)).toHaveLength(1);

    await fake.until(() => delivered.every((m) => m.deleted), 'the private messages to be deleted');
    expect(fake.callsOf('deleteMessage').map((c) => String(c.params.chat_id))).toEqual(delivered.map(() => String(ALICE.id)));
    expect(notice.deleted).toBe(false);
  });

  it('Slack: the files and message reach the DM and are deleted after SECRET_TTL_SECONDS; the channel gets one ephemeral reply', async () => {
    slack = await startSlackBot({ env: { SECRET_TTL_SECONDS: '1' } });
    const { fake } = slack;
    const dm = fake.dmOf(ADMIN);
    const { responseId } = await fake.slashCommand({ user: ADMIN, channel: CHANNEL, command: '/addpeer', text: 'tablet' });

    const response = await fake.waitFor(() => fake.responses.find((r) => r.id === responseId), 'the ephemeral reply');
    expect(response.body).toMatchObject({ response_type: 'ephemeral', text: 'I sent it to you in a private chat.' });
    const files = await fake.waitFor(() => fake.filesIn(dm).length >= 2 && fake.filesIn(dm), 'the files in the DM');
    expect(files.map((f) => f.filename).sort()).toEqual(['tablet.conf', 'tablet.png']);
    const message = fake.messagesIn(dm)[0]!;

    // Nothing was posted or shared anywhere but the DM, and only one answer went to the channel.
    expect(fake.messages.filter((m) => m.channel !== dm)).toEqual([]);
    expect([...fake.files.values()].filter((f) => f.channel !== dm)).toEqual([]);
    expect(fake.responses).toHaveLength(1);
    expect(JSON.stringify(fake.responses)).not.toMatch(secretLooking);

    await fake.waitFor(() => files.every((f) => f.deleted) && message.deleted, 'the DM messages to be deleted');
    expect(fake.callsTo('chat.delete').map((c) => c.params.channel)).toEqual([dm]);
    expect(fake.callsTo('files.delete')).toHaveLength(2);
  });

  it('console: the secret is printed through the private path only, once, and promises no deletion a terminal cannot do', async () => {
    const app = await offlineApp();
    try {
      const input = new PassThrough();
      const output = new PassThrough();
      let printed = '';
      output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
      const terminal = createConsoleAdapter({
        dispatcher: app.dispatcher,
        input,
        output,
        drawQr: async (text) => `QR(${text.length})`,
        userName: 'pi',
      });
      const targets: Target['kind'][] = [];
      const send = terminal.send.bind(terminal);
      terminal.send = (to, reply) => (targets.push(to.kind), send(to, reply));
      app.addAdapter(terminal);
      await terminal.start();
      input.end('/addpeer laptop\n/peers\n');
      await terminal.finished;

      expect(printed.match(/# file: laptop\.conf/g)).toHaveLength(1);
      expect(printed.match(/PrivateKey = /g)).toHaveLength(1);
      expect(printed).not.toMatch(/will be deleted/);
      // The secret went the private way; the plain /peers answer went back to where it was asked.
      expect(targets).toEqual(['private', 'origin']);
    } finally {
      await app.stop();
    }
  });
});
