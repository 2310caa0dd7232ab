/**
 * The bot over real HTTP: the real grammY client, pointed at a fake Bot API on loopback, drives the
 * whole app (commands, approvals, hub) with offline WireGuard.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBotApi, type SentMessage } from '../../fakes/telegram-bot-api.js';
import { decodeQrPng } from '../../helpers/qr.js';
import { AKIRA, ALICE, BOB, GROUP_ID, startTelegramBot, type TelegramBot } from '../../helpers/telegram-bot.js';

let bot: TelegramBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const live = (msgs: SentMessage[]) => msgs.filter((m) => !m.deleted);
const secretLooking = /PrivateKey|PresharedKey|\[Interface\]/;

/** Waits for the photo and document of one config delivery in a chat, and checks they carry the same config. */
async function configDelivered(b: TelegramBot, chatId: number, name: string) {
  const [photo, doc] = await b.fake.until(() => {
    const msgs = b.fake.chatMessages(chatId);
    const p = msgs.find((m) => m.kind === 'photo' && m.file?.filename === `${name}.png`);
    const d = msgs.find((m) => m.kind === 'document' && m.file?.filename === `${name}.conf`);
    return p && d ? ([p, d] as const) : undefined;
  }, `${name}'s config in chat ${chatId}`);
  const conf = doc.file!.data.toString('utf8');
  expect(decodeQrPng(photo.file!.data)).toBe(conf);
  expect(conf).toMatch(
    /^\[Interface\]\nPrivateKey = [A-Za-z0-9+/]{43}=\nAddress = 10\.66\.\d+\.\d+\/\d+[\s\S]*\[Peer\]\nPublicKey = [\s\S]*Endpoint = vpn\.example\.net:51820/m,
  );
  // The QR cannot be forwarded or saved; the .conf stays savable so a phone can import it.
  expect(photo.protectContent).toBe(true);
  expect(doc.protectContent).toBe(true);
  return { photo, doc, conf };
}

describe('Telegram: admin commands', () => {
  it('/addpeer in private chat delivers a QR photo and a .conf that hold the same working config', async () => {
    bot = await startTelegramBot({ peers: 3 });
    const { fake } = bot;
    fake.sendText(ALICE, '/addpeer laptop');
    const { photo, doc, conf } = await configDelivered(bot, ALICE.id, 'laptop');
    expect(photo.text).toMatch(/Scan this with the WireGuard app .* for laptop\. This message will be deleted in 15 min\./);
    // The text is the .conf's caption (two messages, not three), the file's own caption after it.
    expect(doc.text).toMatch(/^Your VPN config for laptop is ready\. Address: 10\.[\d./]+\n\nOr import this file/);

    // The peer is in the server config with the public key matching the delivered private key.
    const serverConfig = readFileSync(bot.configPath, 'utf8');
    const address = /Address = ([\d.]+)/.exec(conf)![1]!;
    expect(serverConfig).toContain(`### begin laptop ###`);
    expect(serverConfig).toContain(`AllowedIPs = ${address}/32`);
    // The photo went first (the benchmark's end point), then the file with the text.
    const order = fake.chatMessages(ALICE.id).map((m) => m.kind);
    expect(order).toEqual(['photo', 'document']);
    // No key in the log.
    const privateKey = /PrivateKey = (\S+)/.exec(conf)![1]!;
    expect(bot.logger.lines.join('\n')).not.toContain(privateKey);
  });

  it('/addpeer in a group puts nothing secret in the group and delivers in private', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    const group = fake.group(GROUP_ID);
    fake.startedUsers.add(ALICE.id);
    fake.sendText(ALICE, '/addpeer@wg_test_bot tablet', group);
    await configDelivered(bot, ALICE.id, 'tablet');
    const notice = await fake.until(() => fake.chatMessages(GROUP_ID)[0], 'the group notice');
    expect(notice.text).toBe('I sent it to you in a private chat.');
    const inGroup = fake.chatMessages(GROUP_ID);
    expect(inGroup.every((m) => m.kind === 'text' && !secretLooking.test(m.text))).toBe(true);
  });

  it('tells a requester in a group to open a private chat when the bot cannot reach them, and sends nothing secret anywhere', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    const group = fake.group(GROUP_ID);
    fake.sendText(ALICE, '/addpeer tablet', group); // Alice never opened a private chat: 403 for the bot
    const notice = await fake.until(() => fake.chatMessages(GROUP_ID)[0], 'the group notice');
    expect(notice.text).toMatch(/Open a private chat with me/);
    expect(fake.messages.filter((m) => m.kind !== 'text' || secretLooking.test(m.text))).toEqual([]);
    // The 403 was the only attempt at a private message.
    expect(fake.calls.filter((c) => c.method === 'sendPhoto' && c.status === 403)).toHaveLength(1);
  });

  it('ignores group chatter and commands addressed to another bot', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    const group = fake.group(GROUP_ID);
    fake.sendText(ALICE, 'hello everyone', group);
    fake.sendText(ALICE, '/peers@some_other_bot', group);
    fake.sendText(ALICE, '/start', group);
    const reply = await fake.until(() => fake.chatMessages(GROUP_ID)[0], 'the /start reply');
    expect(reply.text).toMatch(/This bot runs the WireGuard VPN/);
    expect(fake.chatMessages(GROUP_ID)).toHaveLength(1);
  });

  it('/revoke removes the peer and offers Undo; the Undo button brings it back', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    fake.sendText(ALICE, '/addpeer laptop');
    await configDelivered(bot, ALICE.id, 'laptop');
    fake.sendText(ALICE, '/revoke laptop');
    const revoked = await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /laptop is revoked/.test(m.text)), 'the revoke reply');
    expect(readFileSync(bot.configPath, 'utf8')).not.toContain('### begin laptop ###');
    expect(revoked.replyMarkup?.inline_keyboard[0]?.[0]?.text).toBe('Undo');
    fake.pressButton(ALICE, revoked, 'Undo');
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /laptop is back/.test(m.text)), 'the undo reply');
    expect(readFileSync(bot.configPath, 'utf8')).toContain('### begin laptop ###');
    expect(fake.callsOf('answerCallbackQuery').filter((c) => c.status === 200)).toHaveLength(1);
  });

  it('/peers with 1,000 peers answers in pages under 4,096 characters, turned with buttons', async () => {
    bot = await startTelegramBot({ peers: 1000 });
    const { fake } = bot;
    fake.sendText(ALICE, '/peers');
    const first = await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /Peers/.test(m.text)), 'page 1');
    expect(first.text).toMatch(/1000/);
    expect(first.text).toContain('seed0');
    expect(first.raw.length).toBeLessThanOrEqual(4096);
    const next = first.replyMarkup!.inline_keyboard.flat().find((b) => /Next/.test(b.text))!;
    expect(Buffer.byteLength(next.callback_data!)).toBeLessThanOrEqual(64);
    fake.pressButton(ALICE, first, next.text);
    const second = await fake.until(() => fake.chatMessages(ALICE.id).find((m) => m !== first && /Peers/.test(m.text)), 'page 2');
    expect(second.text).toMatch(/2\s*\/\s*50|page 2/i);
    expect(second.text).not.toContain('seed0 ');
    expect(second.replyMarkup!.inline_keyboard.flat().map((b) => b.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Previous/), expect.stringMatching(/Next/)]),
    );
  });

  it('refuses bad names with the reason, and creates nothing', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    fake.sendText(ALICE, '/addpeer my<laptop>&');
    fake.sendText(ALICE, `/addpeer ${'x'.repeat(40)}`);
    fake.sendText(ALICE, '/addpeer');
    const replies = await fake.until(() => {
      const texts = fake.chatMessages(ALICE.id).map((m) => m.text);
      return texts.length >= 3 ? texts : undefined;
    }, 'three replies');
    expect(replies[0]).toMatch(/The name "my<laptop>&" has characters I cannot use/);
    expect(replies[1]).toMatch(/at most \d+ characters/);
    expect(replies[2]).toMatch(/^Usage: \/addpeer <name>/);
    expect(fake.messages.some((m) => m.kind !== 'text')).toBe(false);
    expect(readFileSync(bot.configPath, 'utf8')).not.toContain('### begin');
  });
});

describe('Telegram: approvals', () => {
  /** Bob (a stranger) asks for "phone"; resolves with each admin's notice. */
  async function requestFromBob(b: TelegramBot, admins = [ALICE, AKIRA]) {
    const { fake } = b;
    // Admins have talked to the bot before (so it knows their language).
    for (const a of admins) fake.sendText(a, '/start');
    await fake.until(() => admins.every((a) => fake.chatMessages(a.id).length > 0), 'the admins’ /start replies');
    fake.sendText(BOB, '/addpeer phone');
    await fake.until(() => fake.chatMessages(BOB.id).find((m) => /sent to the admins/.test(m.text)), "Bob's acknowledgement");
    return fake.until(() => {
      const notices = admins.map((a) =>
        fake.chatMessages(a.id).find((m) => m.replyMarkup?.inline_keyboard.flat().some((b) => b.callback_data?.startsWith('/approve'))),
      );
      return notices.every(Boolean) ? (notices as SentMessage[]) : undefined;
    }, 'the admin notices');
  }

  it('a non-admin /addpeer asks every admin (in their language); the first approval delivers, the other admin sees who decided', async () => {
    bot = await startTelegramBot({ admins: [ALICE.id, AKIRA.id] });
    const { fake } = bot;
    const [toAlice, toAkira] = (await requestFromBob(bot)) as [SentMessage, SentMessage];
    const akiraApprove = toAkira.replyMarkup!.inline_keyboard.flat()[0]!.callback_data!;
    expect(toAlice.text).toMatch(/Bob Builder \(@bob, telegram\) asks for a new peer\. User id: telegram:2001/);
    expect(toAlice.text).toMatch(/Peer name: phone/);
    expect(toAlice.replyMarkup!.inline_keyboard.flat().map((b) => b.text)).toEqual(['Approve', 'Deny']);
    expect(toAkira.text).not.toMatch(/asks for a new peer/); // Akira reads Japanese

    fake.pressButton(ALICE, toAlice, 'Approve');
    const { photo } = await configDelivered(bot, BOB.id, 'phone');
    expect(photo.chatId).toBe(BOB.id);
    await fake.until(() => toAkira.edits > 0 && toAlice.edits > 0, 'both notices edited');
    expect(toAkira.replyMarkup).toBeUndefined();
    expect(toAkira.text).toMatch(/Alice Admin/);
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /Approved: Bob Builder got the config for phone/.test(m.text)), 'the confirmation');

    // A second press (Akira's stale button) changes nothing and delivers nothing again.
    fake.pressButton(AKIRA, toAkira, undefined, akiraApprove);
    const answer = await fake.until(() => fake.chatMessages(AKIRA.id).find((m) => m.messageId > toAkira.messageId), "Akira's answer");
    expect(answer.text).toMatch(/Alice Admin/);
    expect(fake.chatMessages(BOB.id).filter((m) => m.kind === 'photo')).toHaveLength(1);
    expect(readFileSync(bot.configPath, 'utf8').match(/### begin phone ###/g)).toHaveLength(1);
  });

  it('denial tells the requester and creates nothing', async () => {
    bot = await startTelegramBot({ admins: [ALICE.id, AKIRA.id] });
    const { fake } = bot;
    const [toAlice] = (await requestFromBob(bot)) as [SentMessage];
    fake.pressButton(ALICE, toAlice, 'Deny');
    await fake.until(() => fake.chatMessages(BOB.id).find((m) => /did not approve your request for the peer phone/.test(m.text)), "Bob's denial");
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /^Denied: Bob Builder/.test(m.text)), 'the confirmation');
    expect(fake.chatMessages(BOB.id).some((m) => m.kind !== 'text')).toBe(false);
    expect(readFileSync(bot.configPath, 'utf8')).not.toContain('### begin phone ###');
  });

  it('forged, edited or stale button data changes nothing', async () => {
    bot = await startTelegramBot({ admins: [ALICE.id] });
    const { fake } = bot;
    const [toAlice] = (await requestFromBob(bot, [ALICE])) as [SentMessage];
    const approve = toAlice.replyMarkup!.inline_keyboard.flat()[0]!.callback_data!;

    // Bob presses a forged Approve for his own request (a button on a message he never got).
    fake.pressButton(BOB, toAlice, undefined, approve);
    await fake.until(() => fake.chatMessages(BOB.id).find((m) => /^Only an admin can do that\.|You are not registered/.test(m.text)), 'the refusal');
    // Alice presses a button whose data was edited to another id, and one carrying a different command.
    fake.pressButton(ALICE, toAlice, undefined, '/approve AAAAAAAA');
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /I do not know this request/.test(m.text)), 'unknown request');
    expect(fake.chatMessages(BOB.id).some((m) => m.kind !== 'text')).toBe(false);
    expect(readFileSync(bot.configPath, 'utf8')).not.toContain('### begin phone ###');
    // Every press was answered (the button's spinner stops).
    expect(fake.callsOf('answerCallbackQuery').filter((c) => c.status === 200)).toHaveLength(2);
  });
});

describe('Telegram: faults, limits and languages', () => {
  it('retries a 429 after retry_after and a 502, then delivers once', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    fake.failNext('sendPhoto', { code: 429, retryAfter: 1 });
    fake.failNext('sendDocument', { code: 502, description: 'Bad Gateway' }, 2);
    fake.sendText(ALICE, '/addpeer laptop');
    await configDelivered(bot, ALICE.id, 'laptop');
    expect(fake.callsOf('sendPhoto').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.callsOf('sendDocument').map((c) => c.status)).toEqual([502, 502, 200]);
    expect(fake.chatMessages(ALICE.id).filter((m) => m.kind === 'photo')).toHaveLength(1);
  });

  it('a failing send is answered with a short message and logged; the bot keeps working', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    fake.startedUsers.add(ALICE.id);
    fake.failNext('sendMessage', { code: 400, description: 'Bad Request: something unexpected' });
    fake.sendText(ALICE, '/help');
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /did not work/.test(m.text)), 'the failure message');
    expect(bot.logger.lines.some((l) => l.startsWith('ERROR Telegram: handling an update failed'))).toBe(true);
    fake.sendText(ALICE, '/start');
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /This bot runs the WireGuard VPN/.test(m.text)), 'the next reply');
  });

  it('deletes secret messages after SECRET_TTL_SECONDS and says so in the caption', async () => {
    bot = await startTelegramBot({ env: { SECRET_TTL_SECONDS: '1' } });
    const { fake } = bot;
    fake.sendText(ALICE, '/addpeer laptop');
    const { photo, doc } = await configDelivered(bot, ALICE.id, 'laptop');
    expect(photo.text).toMatch(/will be deleted in 1 min/);
    await fake.until(() => photo.deleted && doc.deleted, 'the secret messages to be deleted');
    expect(live(fake.chatMessages(ALICE.id)).filter((m) => m.kind !== 'text')).toEqual([]);
  });

  it('keeps secret messages with SECRET_TTL_SECONDS=0', async () => {
    bot = await startTelegramBot({ env: { SECRET_TTL_SECONDS: '0' } });
    bot.fake.sendText(ALICE, '/addpeer laptop');
    const { photo } = await configDelivered(bot, ALICE.id, 'laptop');
    expect(photo.text).not.toMatch(/deleted/);
  });

  it('answers in the user’s Telegram language, tells a stranger their id, and registers menus in both languages', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    fake.sendText({ ...BOB, language_code: 'ja' }, '/start');
    fake.sendText({ id: 3001, first_name: 'Carol', language_code: 'fr' }, '/start');
    const ja = await fake.until(() => fake.chatMessages(BOB.id)[0], 'the Japanese reply');
    expect(ja.text).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(ja.text).toContain('telegram:2001');
    const fr = await fake.until(() => fake.chatMessages(3001)[0], 'the fallback reply');
    expect(fr.text).toMatch(/This bot runs the WireGuard VPN[\s\S]*telegram:3001/);

    await fake.until(() => fake.menus.size >= 2, 'the menus');
    const en = fake.menus.get('default/')!;
    const jaMenu = fake.menus.get('default/ja')!;
    expect(en.map((c) => c.command)).toEqual(expect.arrayContaining(['start', 'addpeer', 'peers']));
    expect(en.map((c) => c.command)).not.toContain('approve'); // hidden, or admin-only
    expect(jaMenu.map((c) => c.command)).toEqual(en.map((c) => c.command));
    expect(jaMenu[0]!.description).not.toBe(en[0]!.description);
  });

  it('keeps polling through a lost network and answers once it returns', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    await fake.until(() => fake.callsOf('getUpdates').length > 0, 'a long poll');
    const before = fake.callsOf('getUpdates').length;
    await fake.suspend(); // the open long poll drops; reconnects are refused
    await new Promise((resolve) => setTimeout(resolve, 500));
    await fake.resume();
    fake.sendText(ALICE, '/start');
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /This bot runs the WireGuard VPN/.test(m.text)), 'the reply after the outage');
    expect(fake.callsOf('getUpdates').length).toBeGreaterThan(before);
  });

  it('refuses to start with a token the Bot API rejects, naming the variable', async () => {
    const fake = await FakeBotApi.start();
    try {
      await expect(startTelegramBot({ fake, env: { TELEGRAM_BOT_TOKEN: '999999:WRONG-token-abcdefghijklmnop' } })).rejects.toThrow(
        /^TELEGRAM_BOT_TOKEN: Telegram refused this token/,
      );
      expect(fake.calls).toEqual([]); // a wrong token never reaches a method
    } finally {
      await fake.close();
    }
  });

  it('stops cleanly while a long poll is open', async () => {
    bot = await startTelegramBot();
    const { fake } = bot;
    await fake.until(() => fake.callsOf('getUpdates').length > 0, 'a long poll');
    await bot.stop();
    bot = undefined;
    // grammY's closing getUpdates confirms the offset, so nothing handled is fetched again after a restart.
    const last = fake.callsOf('getUpdates').at(-1)!;
    expect(last.params).toMatchObject({ limit: 1 });
    expect(last.status).toBe(200);
  });
});
