/**
 * Secret deliveries are deleted through the real grammY client against the fake Bot API: once each,
 * retried while Telegram is unreachable, and when Telegram refuses for good the owner is told.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, startTelegramBot, type TelegramBot } from '../../helpers/telegram-bot.js';

let bot: TelegramBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** A clock the test moves forward; timers still run on real time, so the test calls deleteDue itself. */
function testClock() {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms: number) => (offset += ms) };
}

async function deliver(b: TelegramBot, name: string): Promise<number[]> {
  const before = b.fake.chatMessages(ALICE.id).length;
  b.fake.sendText(ALICE, `/addpeer ${name}`);
  await b.fake.until(() => b.fake.chatMessages(ALICE.id).some((m) => m.kind === 'photo' && m.file?.filename === `${name}.png`), 'the QR');
  // The QR, then the .conf with the text as its caption.
  await b.fake.until(() => (b.fake.chatMessages(ALICE.id).length >= before + 2 ? true : undefined), 'the whole delivery');
  // Scheduled once it has all been sent.
  await new Promise((r) => setTimeout(r, 100));
  return b.fake
    .chatMessages(ALICE.id)
    .slice(before)
    .map((m) => m.messageId);
}

const deleteCalls = (b: TelegramBot) => b.fake.callsOf('deleteMessage');

describe('Telegram: deleting secret messages', () => {
  it('deletes each message of a delivery exactly once, even with overlapping sweeps', async () => {
    const clock = testClock();
    bot = await startTelegramBot({
      env: { SECRET_TTL_SECONDS: '60' },
      now: clock.now,
      options: { retry: { baseDelayMs: 1, maxAttempts: 2 } },
    });
    const ids = await deliver(bot, 'laptop');
    expect(await bot.app.hub.deleteDue()).toBe(0);
    clock.advance(61_000);
    await Promise.all([bot.app.hub.deleteDue(), bot.app.hub.deleteDue(), bot.app.hub.deleteDue()]);
    await bot.app.hub.deleteDue();
    const ok = deleteCalls(bot).filter((c) => c.status === 200);
    expect(ok).toHaveLength(ids.length);
    expect(deleteCalls(bot).filter((c) => c.status !== 200)).toEqual([]);
    for (const id of ids) expect(bot.fake.chatMessages(ALICE.id).find((m) => m.messageId === id)!.deleted).toBe(true);
  });

  it('retries a deletion Telegram could not take at expiry (offline), and succeeds later', async () => {
    const clock = testClock();
    bot = await startTelegramBot({
      env: { SECRET_TTL_SECONDS: '60' },
      now: clock.now,
      options: { retry: { baseDelayMs: 1, maxAttempts: 2 } },
    });
    const ids = await deliver(bot, 'phone');
    // Telegram is down at expiry: every call, and every retry of the client, answers 502.
    bot.fake.failNext('deleteMessage', { code: 502, description: 'Bad Gateway' }, 1000);
    clock.advance(61_000);
    expect(await bot.app.hub.deleteDue()).toBe(ids.length);
    expect(bot.fake.chatMessages(ALICE.id).filter((m) => ids.includes(m.messageId) && m.deleted)).toEqual([]);
    // The schedule on disk still holds them (a restart now would still delete them).
    const log = readFileSync(join(bot.app.config.dataDir, 'deletions.log'), 'utf8');
    expect(log).toMatch(/"attempts":1/);
    // Back online; the retry is due after the back-off (30 s).
    bot.fake.clearFailures();
    clock.advance(10_000);
    expect(await bot.app.hub.deleteDue()).toBe(0);
    clock.advance(25_000);
    expect(await bot.app.hub.deleteDue()).toBe(ids.length);
    for (const id of ids) expect(bot.fake.chatMessages(ALICE.id).find((m) => m.messageId === id)!.deleted).toBe(true);
    expect(deleteCalls(bot).filter((c) => c.status === 200)).toHaveLength(ids.length);
    // Nobody was told of a failure: it did not fail in the end.
    expect(bot.fake.chatMessages(ALICE.id).some((m) => /could not delete/.test(m.text ?? ''))).toBe(false);
  });

  it('tells the owner when the deletion still fails at the platform limit (48 h)', async () => {
    const clock = testClock();
    bot = await startTelegramBot({
      env: { SECRET_TTL_SECONDS: '60' },
      now: clock.now,
      options: { retry: { baseDelayMs: 1, maxAttempts: 2 } },
    });
    const ids = await deliver(bot, 'tablet');
    bot.fake.failNext('deleteMessage', { code: 502, description: 'Bad Gateway' }, 100_000);
    clock.advance(61_000);
    let sweeps = 0;
    // Keep trying as the back-off says, until 48 h after sending.
    while (sweeps < 200 && !bot.fake.chatMessages(ALICE.id).some((m) => /could not delete/.test(m.text ?? ''))) {
      await bot.app.hub.deleteDue();
      clock.advance(3600_000);
      sweeps++;
    }
    const notices = bot.fake.chatMessages(ALICE.id).filter((m) => /could not delete a message with your VPN config/.test(m.text ?? ''));
    expect(notices).toHaveLength(ids.length);
    expect(sweeps).toBeGreaterThan(40); // it kept retrying for about two days first
    expect(sweeps).toBeLessThan(52);
    // Given up: nothing is left to try.
    bot.fake.clearFailures();
    const before = deleteCalls(bot).length;
    clock.advance(3600_000);
    await bot.app.hub.deleteDue();
    expect(deleteCalls(bot).length).toBe(before);
  });

  it("tells the owner at once when Telegram says the message can't be deleted", async () => {
    const clock = testClock();
    bot = await startTelegramBot({
      env: { SECRET_TTL_SECONDS: '60' },
      now: clock.now,
      options: { retry: { baseDelayMs: 1, maxAttempts: 2 } },
    });
    await deliver(bot, 'watch');
    bot.fake.failNext('deleteMessage', { code: 400, description: "Bad Request: message can't be deleted for everyone" }, 1);
    clock.advance(61_000);
    await bot.app.hub.deleteDue();
    const notice = await bot.fake.until(() => bot!.fake.chatMessages(ALICE.id).find((m) => /could not delete/.test(m.text ?? '')), 'the notice');
    expect(notice.text).toMatch(/Please delete it yourself/);
  });
});
