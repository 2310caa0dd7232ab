/**
 * The whole program: `wg-chatops backup-key`, then /backup on the console prints the armored backup,
 * and `wg-chatops restore` of exactly what was printed, on another machine's directories, brings the
 * interface config back.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/keys.js';
import { botEnv, printedFiles, runBin, runConsole } from '../helpers/cli.js';

const run = (args: string[], env: NodeJS.ProcessEnv, stdin: string) => runBin(args, env, stdin);

function machine() {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-bk-e2e-'));
  mkdirSync(join(dir, 'wg'));
  return {
    dir,
    env: botEnv({ WG_CONFIG_DIR: join(dir, 'wg'), DATA_DIR: join(dir, 'data'), WG_OFFLINE: 'true', WG_ENDPOINT: 'vpn.example.net' }),
  };
}

describe('backup on the console, restore with the program', () => {
  it('/backup prints an armored age file that wg-chatops restore accepts', async () => {
    const pi = machine();
    writeFileSync(join(pi.dir, 'wg', 'wg0.conf'), `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\nListenPort = 51820\n`, {
      mode: 0o600,
    });
    const key = await run(['backup-key'], pi.env, '');
    const code = /(AGE-SECRET-KEY-1[0-9A-Z]+)/.exec(key.stdout)![1]!;

    const session = await runConsole(pi.env, ['/addpeer phone', '/backup']);
    expect(session.code).toBe(0);
    const files = printedFiles(session.stdout);
    const name = [...files.keys()].find((n) => n.endsWith('.age'));
    expect(name, session.stdout).toBeDefined();
    const armored = files.get(name!)!;
    expect(armored.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    expect(session.stdout).toMatch(/Encrypted backup \(1 peers\)/);

    const fresh = machine();
    const path = join(fresh.dir, name!);
    writeFileSync(path, armored);
    const restored = await run(['restore', path], fresh.env, `${code}\n`);
    expect(restored.code, restored.stderr).toBe(0);
    expect(readFileSync(join(fresh.dir, 'wg', 'wg0.conf'), 'utf8')).toBe(readFileSync(join(pi.dir, 'wg', 'wg0.conf'), 'utf8'));
    expect(readFileSync(join(fresh.dir, 'wg', 'wg0.conf'), 'utf8')).toMatch(/### begin phone ###/);

    // The same session on the fresh machine sees the peer again.
    const after = await runConsole(fresh.env, ['/peers']);
    expect(after.stdout).toMatch(/phone/);
  });
});
