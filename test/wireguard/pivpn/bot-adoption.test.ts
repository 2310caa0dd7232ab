/**
 * The whole bot on an existing PiVPN install (as src/main.ts wires it): PiVPN's settings apply, its peers
 * are listed and usable, nothing is rewritten at start, and every change keeps PiVPN's files in step.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/index.js';
import { parseClientConfig } from '../../../src/core/client-config.js';
import { createProcessRunner } from '../../../src/exec/runner.js';
import { createMemoryLogger } from '../../../src/log/logger.js';
import { detectPivpnLayout } from '../../../src/wireguard/pivpn/layout.js';
import { envFromPivpn } from '../../../src/wireguard/pivpn/setup-vars.js';
import { admin, plain, RecordingAdapter } from '../../helpers/app.js';
import { makePivpnFixture, type PivpnFixture } from './fixture.js';

function snapshot(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.set(join(entry.parentPath, entry.name), statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return out;
}

let app: App | undefined;
let fixture: PivpnFixture | undefined;
afterEach(async () => {
  await app?.stop();
  if (fixture) await rm(fixture.root, { recursive: true, force: true });
  app = undefined;
});

async function adoptedBot(): Promise<{ app: App; chat: RecordingAdapter; wgDir: string }> {
  fixture = await makePivpnFixture();
  const wgDir = join(fixture.root, 'etc/wireguard');
  const layout = (await detectPivpnLayout({ root: fixture.root, configDir: '/etc/wireguard', interfaceName: 'wg0' }))!;
  const dataDir = await mkdtemp(join(tmpdir(), 'wgc-pivpn-data-'));
  // As main does: PiVPN's settings first, the environment on top.
  const config = parseConfig(
    { ...envFromPivpn(layout.settings!), WG_CONFIG_DIR: wgDir, DATA_DIR: dataDir, WG_OFFLINE: 'true' },
    { isRoot: false, cwd: dataDir },
  );
  const logger = createMemoryLogger();
  const built = await buildApp(config, { logger, runner: createProcessRunner(logger), mirror: layout.mirror, importedPeers: layout.peers });
  const chat = new RecordingAdapter();
  built.addAdapter(chat);
  app = built;
  return { app: built, chat, wgDir };
}

describe('the bot on a PiVPN install', () => {
  it('starts without rewriting a file and lists PiVPN’s peers as the admins’', async () => {
    const { app, wgDir } = await adoptedBot();
    const before = snapshot(fixture!.root);
    await app.start();
    expect(snapshot(fixture!.root)).toEqual(before);
    expect(readdirSync(app.config.dataDir)).not.toContain('db.json');
    const listing = plain(await app.dispatcher.handle(admin('/peers')));
    expect(listing).toMatch(/^- laptop 10\.84\.12\.2 — offline, never connected, owner admins$/m);
    expect(listing).toMatch(/^- bob@phone 10\.84\.12\.3 — disabled$/m);
    expect(listing).toMatch(/^- tablet 10\.84\.12\.4/m);
    expect(readFileSync(join(wgDir, 'wg0.conf'), 'utf8')).toContain('### begin tablet ###');
  });

  it('resends an imported peer’s config with PiVPN’s endpoint and keys', async () => {
    const { app, chat } = await adoptedBot();
    await app.start();
    expect(await app.dispatcher.handle(admin('/conf laptop'))).toBeNull();
    const file = chat.to('admin')[0]!.attachments!.find((a) => a.kind === 'file')!;
    const conf = parseClientConfig(Buffer.from(file.data).toString('utf8'));
    const laptop = fixture!.clients[0]!;
    expect(conf.privateKey).toBe(laptop.keys.privateKey);
    expect(conf.presharedKey).toBe(laptop.psk);
    expect(conf.endpoint).toBe('vpn.example.org:51820');
    expect(conf.dns).toEqual(['9.9.9.9', '149.112.112.112']);
  });

  it('adds and revokes in PiVPN’s form, so pivpn -l and -r keep working', async () => {
    const { app, wgDir } = await adoptedBot();
    await app.start();
    await app.dispatcher.handle(admin('/addpeer newphone'));
    const clients = readFileSync(join(wgDir, 'configs/clients.txt'), 'utf8').trim().split('\n');
    const added = clients.find((l) => l.startsWith('newphone '))!.split(' ');
    expect(added[3]).toBe(String((10 << 24) + (84 << 16) + (12 << 8) + 5)); // 10.84.12.5, 32-bit integer form
    expect(readFileSync(join(wgDir, 'keys/newphone_pub'), 'utf8').trim()).toBe(added[1]);
    expect(readFileSync(join(wgDir, 'configs/newphone.conf'), 'utf8')).toMatch(/Endpoint = vpn\.example\.org:51820/);

    expect(plain(await app.dispatcher.handle(admin('/revoke bob@phone')))).toMatch(/bob@phone is revoked/);
    expect(readFileSync(join(wgDir, 'configs/clients.txt'), 'utf8')).not.toMatch(/^bob@phone /m);
    expect(() => statSync(join(wgDir, 'keys/bob@phone_priv'))).toThrow(/ENOENT/);
    expect(readFileSync(join(wgDir, 'wg0.conf'), 'utf8')).not.toContain('bob@phone');
  });
});
