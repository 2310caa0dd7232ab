/**
 * A restore refuses a wrong code, a truncated or altered file, a file that is not a backup, and a backup
 * from a newer version, each with its own message, and changes nothing on disk. Also through the CLI.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackupRoots } from '../../src/backup/archive.js';
import { encryptFor, generateBackupKey } from '../../src/backup/crypto.js';
import { restoreBackup } from '../../src/backup/restore.js';
import { createRecoveryCode, makeBackupFile, readRecipient } from '../../src/backup/service.js';
import { UserError } from '../../src/core/errors.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { SCHEMA_VERSION } from '../../src/store/bot-db.js';
import { botEnv, runBin } from '../helpers/cli.js';
import { execFileSync } from 'node:child_process';

function hasAgeTool(): boolean {
  try {
    execFileSync('age', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every file under the directories, with its content hash and mode. */
function snapshot(...dirs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out[p] = `${(s.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  for (const d of dirs) walk(d);
  return out;
}

function machine() {
  const base = mkdtempSync(join(tmpdir(), 'wgc-bk-'));
  const roots: BackupRoots = {
    wgConfigDir: join(base, 'wireguard'),
    dataDir: join(base, 'data'),
    pivpnDir: join(base, 'pivpn'),
    envFile: join(base, 'env', '.env'),
  };
  mkdirSync(roots.wgConfigDir, { recursive: true });
  mkdirSync(roots.dataDir, { recursive: true });
  mkdirSync(join(base, 'env'));
  writeFileSync(join(roots.wgConfigDir, 'wg0.conf'), `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\nListenPort = 51820\n`, {
    mode: 0o600,
  });
  writeFileSync(join(roots.dataDir, 'db.json'), JSON.stringify({ version: SCHEMA_VERSION, peers: {}, users: {}, requests: {}, trash: {}, profiles: {} }), {
    mode: 0o600,
  });
  writeFileSync(roots.envFile!, 'WG_INTERFACE=wg0\nSLACK_BOT_TOKEN=xoxb-secret-secret\nDDNS_TOKEN=abc\n', { mode: 0o600 });
  return { base, roots };
}

const codeOf = async (err: Promise<unknown>) => {
  const e = await err.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return (e as UserError).key;
};

describe('restore refuses and changes nothing', () => {
  let source: ReturnType<typeof machine>;
  let code: string;
  let file: Uint8Array;
  beforeAll(async () => {
    source = machine();
    code = await createRecoveryCode(source.roots.dataDir);
    writeFileSync(join(source.roots.dataDir, 'audit.log'), 'x\n');
    file = (await makeBackupFile(source.roots, { appVersion: '0.1.0', interfaceName: 'wg0', now: new Date() })).data;
  });

  it('the backup has the settings without their secrets, and the recipient but never the code', async () => {
    const target = machine();
    const before = readFileSync(target.roots.envFile!, 'utf8');
    writeFileSync(target.roots.envFile!, 'SLACK_BOT_TOKEN=xoxb-new-one\n');
    const r = await restoreBackup(file, code, target.roots);
    expect(readFileSync(target.roots.envFile!, 'utf8')).toBe('WG_INTERFACE=wg0\nSLACK_BOT_TOKEN=xoxb-new-one\nDDNS_TOKEN=\n');
    expect(r.missingSecrets).toEqual(['DDNS_TOKEN']);
    expect(before).toContain('xoxb-secret-secret');
    expect(await readRecipient(target.roots.dataDir)).toBe(await readRecipient(source.roots.dataDir));
    const everything = Object.keys(snapshot(target.base))
      .map((p) => readFileSync(p, 'utf8'))
      .join('\n');
    expect(everything).not.toContain(code);
    expect(readFileSync(join(target.roots.wgConfigDir, 'wg0.conf'))).toEqual(readFileSync(join(source.roots.wgConfigDir, 'wg0.conf')));
    expect(statSync(join(target.roots.wgConfigDir, 'wg0.conf')).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['a wrong code', async () => ({ bytes: file, code: (await generateBackupKey()).identity }), 'backup.wrongCode'],
    ['something that is not a code', async () => ({ bytes: file, code: 'hunter2' }), 'backup.badCode'],
    ['a truncated file', async () => ({ bytes: file.subarray(0, file.length - 200), code }), 'backup.damaged'],
    ['a file cut inside the header', async () => ({ bytes: file.subarray(0, 120), code }), 'backup.damaged'],
    [
      'a tampered file',
      async () => {
        const t = file.slice();
        t[t.length - 30]! ^= 0x40;
        return { bytes: t, code };
      },
      'backup.damaged',
    ],
    ['a file that is not a backup', async () => ({ bytes: new TextEncoder().encode('[Interface]\nPrivateKey = x\n'), code }), 'backup.notBackup'],
    [
      'a backup from a newer version',
      async () => {
        const recipient = (await readRecipient(source.roots.dataDir))!;
        const payload = {
          format: 'wg-chatops-backup',
          formatVersion: 1,
          schemaVersion: SCHEMA_VERSION + 1,
          appVersion: '9.0.0',
          createdAt: new Date().toISOString(),
          hostname: 'pi',
          interfaceName: 'wg0',
          files: [],
        };
        return { bytes: await encryptFor(recipient, new TextEncoder().encode(JSON.stringify(payload))), code };
      },
      'backup.newer',
    ],
    [
      'a backup whose paths leave their directory',
      async () => {
        const recipient = (await readRecipient(source.roots.dataDir))!;
        const payload = {
          format: 'wg-chatops-backup',
          formatVersion: 1,
          schemaVersion: SCHEMA_VERSION,
          appVersion: '0.1.0',
          createdAt: new Date().toISOString(),
          hostname: 'pi',
          interfaceName: 'wg0',
          files: [{ area: 'data', path: '../../etc/passwd', mode: 0o600, data: '' }],
        };
        return { bytes: await encryptFor(recipient, new TextEncoder().encode(JSON.stringify(payload))), code };
      },
      'backup.notBackup',
    ],
  ])('%s', async (_what, make, key) => {
    const target = machine();
    const before = snapshot(target.base);
    const { bytes, code: c } = await make();
    expect(await codeOf(restoreBackup(bytes, c, target.roots))).toBe(key);
    expect(snapshot(target.base)).toEqual(before);
  });

  it('a write failing halfway puts back what was written', async () => {
    const target = machine();
    const before = snapshot(target.base);
    // The PiVPN directory cannot be created (a file is in the way), after the other areas were written.
    const payload = JSON.stringify({
      format: 'wg-chatops-backup',
      formatVersion: 1,
      schemaVersion: SCHEMA_VERSION,
      appVersion: '0.1.0',
      createdAt: new Date().toISOString(),
      hostname: 'pi',
      interfaceName: 'wg0',
      files: [
        { area: 'wireguard', path: 'wg0.conf', mode: 0o600, data: Buffer.from('[Interface]\nchanged\n').toString('base64') },
        { area: 'data', path: 'new.json', mode: 0o600, data: Buffer.from('{}').toString('base64') },
        { area: 'pivpn', path: 'setupVars.conf', mode: 0o600, data: Buffer.from('x').toString('base64') },
      ],
    });
    writeFileSync(target.roots.pivpnDir!, 'a file, not a directory');
    const snap = snapshot(target.base);
    const bytes = await encryptFor((await readRecipient(source.roots.dataDir))!, new TextEncoder().encode(payload));
    expect(await codeOf(restoreBackup(bytes, code, target.roots))).toBe('backup.restoreFailed');
    expect(snapshot(target.base)).toEqual(snap);
    expect(Object.keys(before).length + 1).toBe(Object.keys(snap).length);
  });
});

const cli = (args: string[], env: NodeJS.ProcessEnv, stdin: string) => runBin(args, env, stdin);

describe('wg-chatops backup-key, backup, restore (the program)', () => {
  it('shows the code once, writes an encrypted file, refuses a wrong code with nothing changed, restores with the right one', async () => {
    const m = machine();
    const env = botEnv({ WG_CONFIG_DIR: m.roots.wgConfigDir, DATA_DIR: m.roots.dataDir, WG_CHATOPS_ENV_FILE: m.roots.envFile! });
    const key = await cli(['backup-key'], env, '');
    expect(key.code).toBe(0);
    const code = /(AGE-SECRET-KEY-1[0-9A-Z]+)/.exec(key.stdout)?.[1];
    expect(code).toBeDefined();
    expect(key.stdout).toMatch(/shown only this once/);
    expect(
      Object.keys(snapshot(m.base))
        .map((p) => readFileSync(p, 'utf8'))
        .join('\n'),
    ).not.toContain(code);
    const again = await cli(['backup-key'], env, '');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/A backup key exists already/);

    const out = join(m.base, 'b.age');
    const made = await cli(['backup', out], env, '');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/Backup written to .*b\.age \(0 peers, encrypted\)/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect((await cli(['backup', out], env, '')).stderr).toMatch(/exists already/);

    writeFileSync(join(m.roots.wgConfigDir, 'wg0.conf'), '[Interface]\n# edited after the backup\n');
    const before = snapshot(m.roots.wgConfigDir, m.roots.dataDir);
    const wrong = await cli(['restore', out], env, `${(await generateBackupKey()).identity}\n`);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/The recovery code does not open this backup .*Nothing was changed\./);
    expect(snapshot(m.roots.wgConfigDir, m.roots.dataDir)).toEqual(before);

    writeFileSync(m.roots.envFile!, ''); // a fresh machine: no tokens yet
    const ok = await cli(['restore', out], env, `${code}\n`);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Restored \d+ files/);
    expect(ok.stdout).toMatch(/SLACK_BOT_TOKEN, DDNS_TOKEN/);
    expect(readFileSync(join(m.roots.wgConfigDir, 'wg0.conf'), 'utf8')).toMatch(/ListenPort = 51820/);
  });
});

describe.runIf(hasAgeTool())('interoperability with the age tool', () => {
  it('age -d opens a backup with the recovery code; a binary file made by age restores too', async () => {
    const m = machine();
    const code = await createRecoveryCode(m.roots.dataDir);
    const made = await makeBackupFile(m.roots, { appVersion: '0.1.0', interfaceName: 'wg0', now: new Date() });
    const dir = mkdtempSync(join(tmpdir(), 'wgc-age-'));
    writeFileSync(join(dir, 'code.txt'), `${code}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'b.age'), made.data);
    const plaintext = execFileSync('age', ['-d', '-i', join(dir, 'code.txt'), join(dir, 'b.age')]);
    expect(JSON.parse(plaintext.toString('utf8')).format).toBe('wg-chatops-backup');
    // Re-encrypted by age itself, binary: still restores.
    const recipient = (await readRecipient(m.roots.dataDir))!;
    const binary = execFileSync('age', ['-r', recipient], { input: plaintext });
    const target = machine();
    const r = await restoreBackup(binary, code, target.roots);
    expect(r.payload.interfaceName).toBe('wg0');
  });
});
