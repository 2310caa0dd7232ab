/**
 * Traffic, quotas and notices against real wireguard-go tunnels in network namespaces: megabytes sent
 * across a tunnel by a small TCP sender show up in /traffic (as text and as a PNG chart) and in /quota;
 * a peer with a 1 MB quota is disabled once it passes it and its tunnel stops; taking the client's
 * interface down and up gives one disconnect and one connect notice; totals survive a restart.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/index.js';
import { replyToPlainText, type Reply } from '../../src/core/reply.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { openJournal } from '../../src/store/journal.js';
import { admin, plain, RecordingAdapter } from '../helpers/app.js';
import { bringUpClient, createLab, pingThroughTunnel, removeClient, sh, tunnelTestsEnabled, type TestLab, labEnv } from '../helpers/netns.js';

const SINK = `require('node:net').createServer((s) => { let n = 0; s.on('data', (d) => (n += d.length)); s.on('end', () => { process.stdout.write(String(n)); process.exit(0); }); }).listen(5001, process.argv[1], () => process.stdout.write('ready\\n'));`;
const SEND = `const s = require('node:net').connect(5001, process.argv[1], () => { const chunk = Buffer.alloc(65536, 7); let left = Number(process.argv[2]); const go = () => { while (left > 0) { left -= chunk.length; if (!s.write(chunk)) return s.once('drain', go); } s.end(); }; go(); }); s.on('error', () => process.exit(2)); s.on('close', () => process.exit(0)); setTimeout(() => process.exit(3), 30000);`;

/** Send `bytes` over TCP from the client namespace to the server's tunnel address; resolves with the bytes the server got (or -1). */
async function sendThroughTunnel(lab: TestLab, bytes: number): Promise<number> {
  const serverIp = lab.tunnelCidr.replace(/\.0\/\d+$/, '.1');
  const sink = spawn('ip', ['netns', 'exec', lab.serverNs, process.execPath, '-e', SINK, serverIp], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sinkExit = new Promise((r) => sink.once('exit', r));
  let out = '';
  sink.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('sink did not start')), 20_000);
    sink.stdout.on('data', () => out.includes('ready') && (clearTimeout(t), resolve()));
  });
  const sender = spawn('ip', ['netns', 'exec', lab.clientNs, process.execPath, '-e', SEND, serverIp, String(bytes)], { stdio: 'ignore' });
  await new Promise((r) => sender.once('exit', r));
  const killer = setTimeout(() => sink.kill(), 5_000);
  await sinkExit;
  clearTimeout(killer);
  const got = Number(out.replace('ready\n', ''));
  return Number.isFinite(got) && out.replace('ready\n', '') !== '' ? got : -1;
}

async function until(what: string, check: () => boolean | Promise<boolean>, seconds = 40): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const texts = (chat: RecordingAdapter) => chat.sent.map((s) => replyToPlainText(s.reply));

describe.runIf(tunnelTestsEnabled())('traffic, quotas and notices through real tunnels', () => {
  let lab: TestLab;
  let app: App;
  let chat: RecordingAdapter;
  let env: Record<string, string>;
  let dataDir: string;

  async function startBot(): Promise<void> {
    const logger = createMemoryLogger();
    app = await buildApp(parseConfig(env, { isRoot: true, cwd: dataDir }), { logger, runner: createProcessRunner(logger) });
    chat = new RecordingAdapter();
    app.addAdapter(chat);
    await app.start();
  }

  beforeAll(async () => {
    lab = createLab({ tunnelCidr: '10.83.0.0/24' });
    dataDir = mkdtempSync(join(tmpdir(), 'wgc-traffic-'));
    env = labEnv(lab, dataDir, {
      WG_ENDPOINT: `${lab.serverLanIp}:${lab.listenPort}`,
      WG_CLIENT_ALLOWED_IPS: lab.tunnelCidr,
      TRAFFIC_SAMPLE_SECONDS: '1',
      TRAFFIC_FLUSH_SECONDS: '2',
      ONLINE_SECONDS: '6',
      OFFLINE_GRACE_SECONDS: '1',
      NOTIFY_DEBOUNCE_SECONDS: '0',
      TZ: 'Asia/Tokyo',
    });
    await startBot();
  });
  afterAll(async () => {
    await app?.stop();
    lab?.destroy();
  });

  it('counts megabytes sent through the tunnel in /traffic (text and chart) and /quota, and keeps them across a restart', async () => {
    const laptop = await app.peers.add({ name: 'laptop', owner: 'test:admin' });
    expect(plain(await app.dispatcher.handle(admin('/quota laptop 50MB month')))).toMatch(/Quota of laptop: 50.0 MB per month/);
    const iface = bringUpClient(lab, laptop.clientConfig);
    expect(await pingThroughTunnel(lab)).toBe(true);
    const sent = 4_000_000;
    expect(await sendThroughTunnel(lab, sent)).toBeGreaterThanOrEqual(sent);
    const key = laptop.entry.publicKey;
    // What the interface counted (WireGuard adds its own headers: at least the payload).
    await until('the sampler to count the transfer', () => (app.services.traffic!.service.record(key)?.total.rx ?? 0) >= sent);
    // The client goes away, so that nothing more is counted from here on (the restart below must show the same).
    removeClient(lab, iface);
    let last = -1;
    await until('the counts to settle', async () => {
      await app.services.traffic!.service.sample();
      const now = app.services.traffic!.service.record(key)!.total.rx;
      const settled = now === last;
      last = now;
      return settled;
    });

    const reply = (await app.dispatcher.handle(admin('/traffic laptop 24h'))) as Reply;
    const text = replyToPlainText(reply);
    const sentMb = Number(/↑ sent ([\d.]+) MB/.exec(text.replace(/↑ ([\d.]+) MB sent/, '↑ sent $1 MB'))?.[1] ?? /↑ ([\d.]+) MB sent/.exec(text)?.[1]);
    expect(sentMb).toBeGreaterThanOrEqual(4);
    expect(sentMb).toBeLessThan(6);
    const png = PNG.sync.read(Buffer.from(reply.attachments![0]!.data));
    expect(png.width).toBe(1000);
    let ink = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 200 || png.data[i + 1]! < 200 || png.data[i + 2]! < 200) ink++;
    expect(ink).toBeGreaterThan(5000);
    expect(reply.secret).toBeFalsy();

    // Counted toward the quota (4 MB of 50 MB = 8 % or a little more with WireGuard's headers).
    const peersText = plain(await app.dispatcher.handle(admin('/peers')));
    expect(peersText).toMatch(/quota [\d.]+ MB \/ 50.0 MB \((8|9|10|11) %\)/);

    // A restart (the history was flushed or is restored from the totals): the same totals.
    const before = app.services.traffic!.service.record(key)!.total;
    await app.stop();
    await startBot();
    expect(app.services.traffic!.service.record(key)!.total).toEqual(before);
    expect(replyToPlainText((await app.dispatcher.handle(admin('/traffic laptop'))) as Reply)).toContain(text.split('\n')[0]!);
  }, 180_000);

  it('disables a peer with a 1 MB quota once it passes it, and its tunnel stops', async () => {
    const guest = await app.peers.add({ name: 'guest', owner: 'test:admin' });
    expect(plain(await app.dispatcher.handle(admin('/quota guest 1MB total')))).toMatch(/1.00 MB in total/);
    expect(plain(await app.dispatcher.handle(admin('/quota guest -5GB')))).toMatch(/is not a size/);
    const iface = bringUpClient(lab, guest.clientConfig);
    expect(await pingThroughTunnel(lab)).toBe(true);
    await sendThroughTunnel(lab, 3_000_000);
    await until('guest to be disabled', () => app.peers.get('guest')?.entry.enabled === false);
    expect(sh('wg', ['show', lab.serverIface, 'peers'])).not.toContain(guest.entry.publicKey);
    // A journaled change like /disable, with its reason.
    const journal = await openJournal(join(dataDir, 'journal'));
    expect((await journal.last())?.change).toMatchObject({ op: 'disable', reason: 'quota', entry: { name: 'guest', enabled: false } });
    await journal.close();
    expect(await pingThroughTunnel(lab, 2)).toBe(false);
    expect(texts(chat).filter((t) => /guest reached its quota of 1.00 MB/.test(t)).length).toBe(1);
    expect(plain(await app.dispatcher.handle(admin('/peers')))).toMatch(/guest .* disabled/);
    removeClient(lab, iface);
  }, 180_000);

  it('taking the client interface down and up gives one disconnect and one connect notice', async () => {
    const phone = await app.peers.add({ name: 'phone', owner: 'test:admin' });
    expect(plain(await app.dispatcher.handle(admin('/notify phone on')))).toMatch(/You will be told when phone connects/);
    // The sampler has seen it offline (never connected) before the client comes up.
    await until('the sampler to see phone', () => app.services.traffic!.service.online(phone.entry.publicKey) === false);
    const iface = bringUpClient(lab, phone.clientConfig);
    expect(await pingThroughTunnel(lab)).toBe(true);
    await until('the first connect notice', () => texts(chat).some((t) => t.startsWith('phone connected.')));
    const from = chat.sent.length;
    const notices = () =>
      texts(chat)
        .slice(from)
        .filter((t) => /^phone (connected|disconnected)/.test(t));
    sh('ip', ['-n', lab.clientNs, 'link', 'set', iface, 'down']);
    await until('the disconnect notice', () => notices().length === 1);
    sh('ip', ['-n', lab.clientNs, 'link', 'set', iface, 'up']);
    sh('ip', ['-n', lab.clientNs, 'route', 'replace', lab.tunnelCidr, 'dev', iface]);
    expect(await pingThroughTunnel(lab)).toBe(true);
    await until('the connect notice', () => notices().length === 2);
    // Stop sampling before the short online window (6 s) runs out on its own.
    await app.stop();
    expect(notices().map((t) => t.split('.')[0])).toEqual(['phone disconnected', 'phone connected']);
    await startBot();
  }, 180_000);
});
