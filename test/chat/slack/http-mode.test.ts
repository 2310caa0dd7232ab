/** Without SLACK_APP_TOKEN the bot takes Slack's requests over HTTP on SLACK_PORT, signed with SLACK_SIGNING_SECRET. */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CHANNEL, startSlackBot, type SlackBot } from './harness.js';

const SECRET = 'test-signing-secret-0123456789';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('Slack in HTTP mode', () => {
  let bot: SlackBot;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    bot = await startSlackBot({ env: { SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: String(port) } });
  });
  afterAll(async () => {
    await bot?.close();
  });

  const post = (body: string, secret = SECRET) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
    return fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature },
      body,
    });
  };

  it('answers a signed slash command through its response_url; refuses a badly signed one; opens no socket', async () => {
    const { fake } = bot;
    const body = new URLSearchParams({
      command: '/wg',
      text: 'conf nothing-here',
      user_id: ADMIN,
      user_name: 'alice',
      channel_id: CHANNEL,
      channel_name: 'general',
      team_id: 'T0TEAM',
      api_app_id: 'A0APP',
      response_url: `http://127.0.0.1:${fake.port}/respond/http-1`,
      trigger_id: 't1',
    }).toString();
    expect((await post(body, 'wrong-secret')).status).toBe(401);
    const res = await post(body);
    expect(res.status).toBe(200);
    const answer = await fake.waitFor(() => fake.responses.find((r) => r.id === 'http-1'), 'the answer');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(fake.connections).toBe(0);
    expect(fake.callsTo('apps.connections.open')).toEqual([]);
  });

  it('listens on loopback 127.0.0.1 only by default (SLACK_BIND): another address of the host gets no answer', async () => {
    // 127.0.0.2 is this host too (all of 127/8 is lo), but not the address the server was bound to.
    await expect(fetch(`http://127.0.0.2:${port}/slack/events`, { method: 'POST', body: '' })).rejects.toThrow();
    expect((await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '' })).status).toBeGreaterThanOrEqual(400);
  });
});

describe('Slack in HTTP mode with SLACK_BIND', () => {
  it('listens on the address given, and not on 127.0.0.1', async () => {
    const port = await freePort();
    const bot = await startSlackBot({
      env: { SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: String(port), SLACK_BIND: '127.0.0.2' },
    });
    try {
      const res = await fetch(`http://127.0.0.2:${port}/slack/events`, { method: 'POST', body: '' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      await expect(fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '' })).rejects.toThrow();
    } finally {
      await bot.close();
    }
  });
});
