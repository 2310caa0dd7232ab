import { describe, expect, it } from 'vitest';
import { ADMIN, CHANNEL, blocksText, decodeQrPng, type SlackBot, useSlackBot } from './harness.js';

describe('Slack: /addpeer, private delivery, channels that must not leak', () => {
  let bot!: SlackBot;
  useSlackBot((started) => (bot = started));
  const t = (key: string, params?: Record<string, unknown>) => bot.app.translator('en')(key, params);

  it('an admin gets a PNG whose QR decodes to the config, and the .conf, in the DM only', async () => {
    const { fake } = bot;
    const dm = fake.dmOf(ADMIN);
    const { envelopeId } = await fake.slashCommand({ user: ADMIN, channel: dm, command: '/addpeer', text: 'laptop' });
    expect(fake.acks.find((a) => a.envelopeId === envelopeId)).toBeDefined();
    const [png, conf] = await fake.waitFor(() => {
      const files = fake.filesIn(dm);
      return files.length >= 2 && files;
    }, 'two files in the DM');
    expect(png!.filename).toBe('laptop.png');
    expect(conf!.filename).toBe('laptop.conf');
    const config = conf!.bytes!.toString('utf8');
    expect(config).toMatch(/\[Interface\][\s\S]*PrivateKey = [A-Za-z0-9+/]{43}=[\s\S]*\[Peer\][\s\S]*Endpoint = vpn\.example\.test:51820/);
    expect(decodeQrPng(png!.bytes!)).toBe(config);
    // The upload went through the current API: URL, bytes, then completion with the DM's conversation id.
    const complete = fake.callsTo('files.completeUploadExternal');
    expect(complete.map((c) => c.params.channel_id)).toEqual([dm, dm]);
    expect(fake.callsTo('conversations.open')[0]?.params.users).toBe(ADMIN);
    expect(blocksText(fake.messagesIn(dm)[0]?.blocks)).toContain('laptop');
    expect(fake.responses).toEqual([]);
    const privateKey = /PrivateKey = (\S+)/.exec(config)![1]!;
    expect(bot.logger.lines.join('\n')).not.toContain(privateKey);
    expect(bot.app.peers.list().map((p) => p.entry.name)).toContain('laptop');
  });

  it('a secret asked for in a channel is answered ephemerally there and delivered to the DM; nothing lands in the channel', async () => {
    const { fake } = bot;
    const dm = fake.dmOf(ADMIN);
    const before = fake.filesIn(dm).length;
    const { responseId } = await fake.slashCommand({ user: ADMIN, channel: CHANNEL, command: '/conf', text: 'laptop' });
    const response = await fake.waitFor(() => fake.responses.find((r) => r.id === responseId), 'the ephemeral answer');
    expect(response.body.response_type).toBe('ephemeral');
    expect(response.body.text).toBe(t('dispatch.sentPrivately'));
    await fake.waitFor(() => fake.filesIn(dm).length > before, 'the config in the DM');
    const sent = JSON.stringify({ responses: fake.responses, messages: fake.messages.filter((m) => m.channel === CHANNEL) });
    expect(sent).not.toMatch(/PrivateKey|\[Interface\]/);
    expect(fake.messages.filter((m) => !m.channel.startsWith('D'))).toEqual([]);
    expect([...fake.files.values()].filter((f) => f.channel !== dm)).toEqual([]);
    expect(fake.callsTo('chat.postMessage').every((c) => String(c.params.channel).startsWith('D'))).toBe(true);
  });

  it('/wg takes any command as a subcommand, and a DM between two people is not the bot DM', async () => {
    const { fake } = bot;
    const dm = fake.dmOf(ADMIN);
    await fake.slashCommand({ user: ADMIN, channel: dm, command: '/wg', text: 'addpeer phone' });
    await fake.waitFor(() => fake.filesIn(dm).some((f) => f.filename === 'phone.png'), 'phone.png in the DM');

    // A DM with another person: Slack calls it "directmessage" too, but the bot must not post secrets there.
    const otherDm = 'DHUMANS01';
    const { responseId } = await fake.slashCommand({
      user: ADMIN,
      channel: otherDm,
      channelName: 'directmessage',
      command: '/wg',
      text: 'qr phone',
    });
    const response = await fake.waitFor(() => fake.responses.find((r) => r.id === responseId), 'the ephemeral answer');
    expect(response.body).toMatchObject({ response_type: 'ephemeral', text: t('dispatch.sentPrivately') });
    expect(fake.messagesIn(otherDm)).toEqual([]);
    expect(fake.filesIn(otherDm)).toEqual([]);
  });

  it('/peers in a channel is ephemeral; bad names are refused with a message and create nothing', async () => {
    const { fake } = bot;
    const peers = await fake.slashCommand({ user: ADMIN, channel: CHANNEL, command: '/peers' });
    const list = await fake.waitFor(() => fake.responses.find((r) => r.id === peers.responseId), '/peers answer');
    expect(list.body.response_type).toBe('ephemeral');
    expect(blocksText(list.body.blocks)).toMatch(/laptop[\s\S]*phone|phone[\s\S]*laptop/);

    const files = fake.files.size;
    for (const bad of ['../../etc/passwd', '<!channel>', 'a b', 'x'.repeat(80)]) {
      const { responseId } = await fake.slashCommand({
        user: ADMIN,
        channel: CHANNEL,
        command: '/addpeer',
        text: bad.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      });
      const answer = await fake.waitFor(() => fake.responses.find((r) => r.id === responseId), `answer to ${bad}`);
      expect(answer.body.response_type).toBe('ephemeral');
      // Whatever the wording, a name from the user never comes back as a live mention.
      expect(answer.body.text).not.toContain('<!channel>');
    }
    expect(fake.files.size).toBe(files);
    expect(
      bot.app.peers
        .list()
        .map((p) => p.entry.name)
        .sort(),
    ).toEqual(['laptop', 'phone']);
  });

  it('/revoke removes the peer and offers Undo as a button', async () => {
    const { fake } = bot;
    const dm = fake.dmOf(ADMIN);
    await fake.slashCommand({ user: ADMIN, channel: dm, command: '/revoke', text: 'phone' });
    const message = await fake.waitFor(
      () => fake.messagesIn(dm).find((m) => blocksText(m.blocks).includes(t('peer.revoked', { name: 'phone' }))),
      'the revoke answer',
    );
    expect(bot.app.peers.list().map((p) => p.entry.name)).toEqual(['laptop']);
    const undo = message.blocks.find((b) => b.type === 'actions')?.elements?.[0];
    expect(undo?.value).toMatch(/^\/undo \S+$/);
    await fake.pressButton({ user: ADMIN, message, actionId: undo!.action_id });
    await fake.waitFor(() => bot.app.peers.list().some((p) => p.entry.name === 'phone'), 'phone restored by Undo');
  });
});
