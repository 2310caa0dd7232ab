/**
 * Expiry with a real tunnel: the bot (real grammY client against the fake Bot API on loopback) drives a
 * wireguard-go server in a network namespace; a client in another namespace uses the config it sent.
 * `/addpeer guest 5s` works, then stops passing traffic within seconds of its end; /peers says expired;
 * the owner (an admin here) and the other admin are told, each in their language.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bringUpClient, createLab, pingThroughTunnel, sh, tunnelTestsEnabled, type TestLab } from '../helpers/netns.js';
import { AKIRA, ALICE, startTelegramBot, type TelegramBot } from '../helpers/telegram-bot.js';

describe.runIf(tunnelTestsEnabled())('expiry with a real tunnel', () => {
  let lab: TestLab;
  let bot: TelegramBot | undefined;
  beforeAll(() => {
    lab = createLab({ tunnelCidr: '10.83.0.0/24' });
  });
  afterAll(async () => {
    await bot?.stop();
    lab?.destroy();
  });

  it('/addpeer guest 5s pings through, then is cut at its end, shown as expired, and the admins (the owner too) are told', async () => {
    bot = await startTelegramBot({
      live: { iface: lab.serverIface, configDir: lab.configDir },
      admins: [ALICE.id, AKIRA.id],
      env: {
        WG_ENDPOINT: `${lab.serverLanIp}:${lab.listenPort}`,
        WG_CLIENT_ALLOWED_IPS: lab.tunnelCidr,
        TZ: 'UTC',
        SECRET_TTL_SECONDS: '0',
      },
    });
    const { fake } = bot;
    for (const a of [ALICE, AKIRA]) fake.sendText(a, '/start');
    await fake.until(() => [ALICE, AKIRA].every((a) => fake.chatMessages(a.id).length > 0), 'the /start replies');

    fake.sendText(ALICE, '/addpeer guest 5s');
    const doc = await fake.until(() => fake.chatMessages(ALICE.id).find((m) => m.kind === 'document' && m.file?.filename === 'guest.conf'), "guest's .conf");
    const end = Date.parse(bot.app.db.data.peers.guest!.expiresAt!);
    const key = bot.app.peers.get('guest')!.entry.publicKey;

    // It works: the client's config (as sent) brings a tunnel up and a ping crosses it before the end.
    bringUpClient(lab, doc.file!.data.toString('utf8'));
    expect(await pingThroughTunnel(lab, 2)).toBe(true);
    expect(Date.now()).toBeLessThan(end); // the ping above was inside the 5 s
    expect(sh('wg', ['show', lab.serverIface, 'peers'])).toContain(key);
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /Ends on \d{4}-\d\d-\d\d \d\d:\d\d\./.test(m.text)), 'the end in the delivery text');

    // At its end: the admins' notice (Alice owns it, so she gets that one only), Akira's in Japanese.
    const notice = await fake.until(
      () => fake.chatMessages(ALICE.id).find((m) => /Peer guest \(owner .*\) reached its end .* switched off/.test(m.text)),
      "Alice's notice",
      60_000,
    );
    const cutAfter = Date.now() - end;
    await fake.until(() => fake.chatMessages(AKIRA.id).find((m) => /guest.*期限.*無効にしました/.test(m.text)), "Akira's notice", 60_000);
    expect(fake.chatMessages(ALICE.id).filter((m) => /reached its end/.test(m.text))).toEqual([notice]);

    // The live interface no longer accepts it, the file marks it as /disable does, nothing is deleted.
    expect(sh('wg', ['show', lab.serverIface, 'peers'])).not.toContain(key);
    expect(await pingThroughTunnel(lab, 2)).toBe(false);
    const conf = readFileSync(lab.configPath, 'utf8');
    expect(conf).toMatch(/### begin guest ###\n#\[disabled\] \[Peer\]/);
    expect(bot.app.db.data.peers.guest).toMatchObject({ disabled: true, disabledReason: 'expired' });
    // Within seconds of its end (generous for a slow machine: the clock acts at the end itself, not on a poll).
    expect(cutAfter).toBeLessThan(60_000);
    console.log(`guest cut ${cutAfter} ms after its end`);

    fake.sendText(ALICE, '/peers');
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /guest .* — expired \d{4}-\d\d-\d\d \d\d:\d\d/.test(m.text)), '/peers with guest expired');
    fake.sendText(ALICE, '/enable guest');
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /Give it a new end first/.test(m.text)), 'the refused /enable');
    expect(sh('wg', ['show', lab.serverIface, 'peers'])).not.toContain(key);

    // An admin brings it back with a new end: live again, traffic passes.
    fake.sendText(ALICE, '/expire guest 1h');
    await fake.until(() => fake.chatMessages(ALICE.id).find((m) => /guest is switched on again and now ends on/.test(m.text)), 'the /expire answer');
    expect(sh('wg', ['show', lab.serverIface, 'peers'])).toContain(key);
    // The client's handshakes failed meanwhile, so it tries again after WireGuard's 5 s rekey timeout: ping until then.
    let back = false;
    for (let i = 0; i < 20 && !back; i++) back = await pingThroughTunnel(lab, 3);
    expect(back).toBe(true);
  });
});
