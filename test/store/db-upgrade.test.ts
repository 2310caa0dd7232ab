/**
 * Schema versions: a database without a version (the layout before versions were written) is copied
 * to db.json.v0.bak before it is migrated; the current version is opened as is; a newer one refuses.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { openBotDb, SCHEMA_VERSION } from '../../src/store/bot-db.js';
import { prepareDatabaseFile } from '../../src/store/db-upgrade.js';
import { admin, offlineApp, plain } from '../helpers/app.js';

const fixture = new URL('./fixtures/db-v0.json', import.meta.url).pathname;

describe('database schema upgrades', () => {
  it('an older database: a backup of the old file first, then migrated with its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-dbup-'));
    const path = join(dir, 'db.json');
    copyFileSync(fixture, path);
    const original = readFileSync(path);
    const r = await prepareDatabaseFile(path);
    expect(r).toEqual({ from: 0, backup: `${path}.v0.bak` });
    expect(readFileSync(`${path}.v0.bak`)).toEqual(original);
    const db = await openBotDb(path);
    expect(db.data.version).toBe(SCHEMA_VERSION);
    expect(db.data.peers.phone?.owner).toBe('telegram:42');
    expect(db.data.profiles['telegram:42']?.locale).toBe('ja');
    await db.update(() => undefined);
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(SCHEMA_VERSION);
    expect(readFileSync(`${path}.v0.bak`)).toEqual(original); // the backup stays as it was
  });

  it('the current schema: nothing copied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-dbup-'));
    const path = join(dir, 'db.json');
    writeFileSync(path, JSON.stringify({ version: SCHEMA_VERSION, peers: {}, users: {}, requests: {}, trash: {}, profiles: {} }));
    expect(await prepareDatabaseFile(path)).toEqual({ from: SCHEMA_VERSION });
    expect(existsSync(`${path}.v${SCHEMA_VERSION}.bak`)).toBe(false);
  });

  it('a newer schema (a downgrade) refuses clearly and changes nothing; the app does not start on it', async () => {
    const app = await offlineApp();
    await app.stop();
    const path = join(app.config.dataDir, 'db.json');
    const newer = JSON.stringify({ version: SCHEMA_VERSION + 1, peers: {}, users: {}, requests: {}, trash: {}, profiles: {} });
    writeFileSync(path, newer);
    const error = await prepareDatabaseFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/newer than this wg-chatops understands .*A downgrade is refused/);
    await expect(offlineApp({ DATA_DIR: app.config.dataDir, WG_CONFIG_DIR: app.config.wireguard.WG_CONFIG_DIR })).rejects.toBeInstanceOf(ConfigError);
    expect(readFileSync(path, 'utf8')).toBe(newer);
  });

  it('reads the version wherever it is: first (as the bot writes it, read from the head), later or pretty-printed (a hand edit)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-dbup-'));
    const path = join(dir, 'db.json');
    const layouts = [
      JSON.stringify({ version: SCHEMA_VERSION + 1, peers: {} }),
      JSON.stringify({ peers: {}, version: SCHEMA_VERSION + 1 }),
      JSON.stringify({ version: SCHEMA_VERSION + 1, peers: {} }, null, 2),
    ];
    for (const text of layouts) {
      writeFileSync(path, text);
      await expect(prepareDatabaseFile(path)).rejects.toBeInstanceOf(ConfigError);
    }
    writeFileSync(path, JSON.stringify({ peers: {}, version: SCHEMA_VERSION }));
    expect(await prepareDatabaseFile(path)).toEqual({ from: SCHEMA_VERSION });
    writeFileSync(path, JSON.stringify({ peers: {} }));
    expect(await prepareDatabaseFile(path)).toEqual({ from: 0, backup: `${path}.v0.bak` });
  });

  it('the whole app starts on the old fixture and keeps its peers metadata', async () => {
    const first = await offlineApp();
    await first.stop();
    copyFileSync(fixture, join(first.config.dataDir, 'db.json'));
    const app = await offlineApp({ DATA_DIR: first.config.dataDir, WG_CONFIG_DIR: first.config.wireguard.WG_CONFIG_DIR });
    expect(existsSync(join(first.config.dataDir, 'db.json.v0.bak'))).toBe(true);
    expect(app.db.data.users['telegram:42']?.name).toBe('Alice');
    expect(plain(await app.dispatcher.handle(admin('/status')))).toMatch(/Status/i);
    await app.stop();
  });
});
