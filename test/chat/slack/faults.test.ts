import { describe, expect, it } from 'vitest';
import { ADMIN, blocksText, type SlackBot, useSlackBot } from './harness.js';

describe('Slack: faults', () => {
  let bot!: SlackBot;
  useSlackBot((started) => (bot = started));
  const t = (key: string, params?: Record<string, unknown>) => bot.app.translator('en')(key, params);

  it('a rate-limited Web API call is retried after the Retry-After Slack sent', async () => {
    const { fake } = bot;
    const dm = fake.dmOf(ADMIN);
    fake.rateLimit('chat.postMessage', 1);
    fake.rateLimit('files.completeUploadExternal', 1);
    await fake.slashCommand({ user: ADMIN, channel: dm, command: '/addpeer', text: 'ratelimited' });
    const files = await fake.waitFor(() => fake.filesIn(dm).length >= 2 && fake.filesIn(dm), 'the files after the retries');
    expect(files.map((f) => f.filename).sort()).toEqual(['ratelimited.conf', 'ratelimited.png']);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.callsTo('files.completeUploadExternal').map((c) => c.status)).toEqual([429, 200, 200]);
    expect(fake.messagesIn(dm)).toHaveLength(1);
    // Not before the second Slack asked for (a lower bound the client guarantees, not a timing race).
    const [limited, retried] = fake.callsTo('chat.postMessage');
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1000);
  });

  it('a failing handler is answered with a short message and the bot keeps working', async () => {
    const { fake } = bot;
    const dm = fake.dmOf(ADMIN);
    fake.failWith('chat.postMessage', 'fatal_error');
    const { responseId } = await fake.slashCommand({ user: ADMIN, channel: dm, command: '/peers' });
    const answer = await fake.waitFor(() => fake.responses.find((r) => r.id === responseId), 'the failure answer');
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', text: t('dispatch.failed') });
    expect(bot.logger.lines.some((l) => l.startsWith('ERROR slack: handling "/peers"'))).toBe(true);

    await fake.slashCommand({ user: ADMIN, channel: dm, command: '/peers' });
    await fake.waitFor(() => fake.messagesIn(dm).find((m) => blocksText(m.blocks).includes('ratelimited')), 'the /peers list');
  });

  it('a dropped Socket Mode connection reconnects (apps.connections.open again) and serves commands', async () => {
    const { fake } = bot;
    const dm = fake.dmOf(ADMIN);
    const opens = fake.callsTo('apps.connections.open').length;
    expect(fake.connections).toBe(1);
    fake.dropSockets();
    await fake.waitFor(() => fake.connections === 2, 'a second connection');
    expect(fake.callsTo('apps.connections.open').length).toBe(opens + 1);
    expect(fake.callsTo('apps.connections.open').every((c) => c.token?.startsWith('xapp-'))).toBe(true);

    const before = fake.messagesIn(dm).length;
    await fake.slashCommand({ user: ADMIN, channel: dm, command: '/wg', text: 'help' });
    await fake.waitFor(() => fake.messagesIn(dm).length > before, 'the /help answer after reconnecting');
  });
});

describe('Slack: secret deliveries expire', () => {
  let bot!: SlackBot;
  useSlackBot((started) => (bot = started), { env: { SECRET_TTL_SECONDS: '1' } });

  it('the config message and both files are deleted after SECRET_TTL_SECONDS', async () => {
    const { fake } = bot;
    const dm = fake.dmOf(ADMIN);
    await fake.slashCommand({ user: ADMIN, channel: dm, command: '/addpeer', text: 'shortlived' });
    const ids = await fake.waitFor(() => {
      const files = [...fake.files.values()].filter((f) => f.channel === dm);
      return files.length >= 2 && files.map((f) => f.id);
    }, 'the files');
    await fake.waitFor(
      () => ids.every((id) => fake.files.get(id)!.deleted) && fake.messages.filter((m) => m.channel === dm).every((m) => m.deleted),
      'deletion',
    );
    expect(
      fake
        .callsTo('files.delete')
        .map((c) => c.params.file)
        .sort(),
    ).toEqual([...ids].sort());
    expect(fake.callsTo('chat.delete').map((c) => c.params.channel)).toEqual([dm]);
  });
});
