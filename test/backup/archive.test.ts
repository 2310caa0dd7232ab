import fc from 'fast-check';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseEnv } from 'node:util';
import { collectBackup, parsePayload, withoutSecrets } from '../../src/backup/archive.js';
import { settingsAsEnvText } from '../../src/config/index.js';
import { UserError } from '../../src/core/errors.js';
import { SCHEMA_VERSION } from '../../src/store/bot-db.js';

const payloadWith = (path: string) =>
  new TextEncoder().encode(
    JSON.stringify({
      format: 'wg-chatops-backup',
      formatVersion: 1,
      schemaVersion: SCHEMA_VERSION,
      appVersion: '0.1.0',
      createdAt: '2026-12-01T00:00:00Z',
      hostname: 'pi',
      interfaceName: 'wg0',
      files: [{ area: 'data', path, mode: 0o600, data: '' }],
    }),
  );

describe('backup payload', () => {
  it('property: a path is accepted only if it stays inside its directory', () => {
    const segment = fc.oneof(fc.constantFrom('..', '.', '', 'db.json', 'a', 'configs'), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.boolean(), (parts, absolute) => {
        const path = `${absolute ? '/' : ''}${parts.join('/')}`;
        let accepted: boolean;
        try {
          parsePayload(payloadWith(path));
          accepted = true;
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          accepted = false;
        }
        if (accepted) expect(resolve('/root/dir', path).startsWith('/root/dir/')).toBe(true);
        if (accepted) expect(join('/root/dir', path)).toBe(resolve('/root/dir', path));
      }),
    );
  });

  it('settings lose every secret value and keep the rest', () => {
    const text =
      'WG_INTERFACE=wg0\nTELEGRAM_BOT_TOKEN=123:abc\nexport SLACK_BOT_TOKEN=xoxb-1\n# DDNS_TOKEN=old\nDDNS_PASSWORD = pw\nMETRICS_TOKEN=0123456789abcdef\n';
    expect(withoutSecrets(text)).toBe('WG_INTERFACE=wg0\nTELEGRAM_BOT_TOKEN=\nexport SLACK_BOT_TOKEN=\n# DDNS_TOKEN=\nDDNS_PASSWORD=\nMETRICS_TOKEN=\n');
  });

  it('a bot that cannot read its settings file (systemd reads it, root only) backs up the settings it runs with, without secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-settings-'));
    mkdirSync(join(dir, 'wg'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'wg', 'wg0.conf'), '[Interface]\nListenPort = 51820\n');
    const env = {
      WG_INTERFACE: 'wg0',
      WG_ENDPOINT: 'myhome.ddns.net',
      TELEGRAM_BOT_TOKEN: '123:abc',
      DDNS_PASSWORD: 'pw 123#x',
      HOME: '/root',
      PATH: '/usr/bin',
    };
    const roots = {
      wgConfigDir: join(dir, 'wg'),
      dataDir: join(dir, 'data'),
      envFile: join(dir, 'not-readable', '.env'),
      settingsText: () => settingsAsEnvText(env),
    };
    const payload = await collectBackup(roots, { appVersion: '1', interfaceName: 'wg0', now: new Date() });
    const settings = payload.files.find((f) => f.area === 'settings');
    expect(settings?.path).toBe('.env');
    const values = parseEnv(Buffer.from(settings!.data, 'base64').toString('utf8'));
    // Only settings the bot knows, secrets emptied (the restore asks for them).
    expect(values).toEqual({ WG_INTERFACE: 'wg0', WG_ENDPOINT: 'myhome.ddns.net', TELEGRAM_BOT_TOKEN: '', DDNS_PASSWORD: '' });
  });
});
