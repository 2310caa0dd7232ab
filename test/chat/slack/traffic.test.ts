import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ADMIN, CHANNEL, blocksText, type SlackBot, useSlackBot } from './harness.js';

describe('Slack: /traffic in a channel', () => {
  let bot!: SlackBot;
  useSlackBot((started) => (bot = started));

  it('posts the chart (not a secret) and its totals in the channel where it was asked; secrets still never land there', async () => {
    const { fake } = bot;
    await bot.app.peers.add({ name: 'laptop', owner: `slack:${ADMIN}` });
    await fake.slashCommand({ user: ADMIN, channel: CHANNEL, command: '/traffic', text: 'laptop 7d' });
    const [chart] = await fake.waitFor(() => {
      const files = fake.filesIn(CHANNEL);
      return files.length >= 1 && files;
    }, 'the chart in the channel');
    expect(chart!.filename).toBe('traffic-laptop-7d.png');
    expect(PNG.sync.read(chart!.bytes!).width).toBe(1000);
    expect(
      fake
        .messagesIn(CHANNEL)
        .map((m) => blocksText(m.blocks))
        .join('\n'),
    ).toMatch(/Traffic of laptop, last 7d/);
    expect(JSON.stringify(fake.messages.filter((m) => m.channel === CHANNEL))).not.toMatch(/PrivateKey|\[Interface\]/);
  });
});
