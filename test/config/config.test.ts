import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSecrets, envSecrets, parseConfig } from '../../src/config/index.js';
import { loadEnv } from '../../src/config/load-env.js';
import { ConfigError } from '../../src/core/errors.js';

const opts = { isRoot: false, cwd: '/home/pi/wg-chatops' };

function configErrorOf(env: Record<string, string>): ConfigError | undefined {
  try {
    parseConfig(env, opts);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

describe('parseConfig', () => {
  it('WG_FIREWALL: auto by default, nftables, iptables or off; anything else refused', () => {
    expect(parseConfig({}, opts).wireguard.WG_FIREWALL).toBe('auto');
    for (const v of ['nftables', 'iptables', 'off']) expect(parseConfig({ WG_FIREWALL: v.toUpperCase() }, opts).wireguard.WG_FIREWALL).toBe(v);
    expect(configErrorOf({ WG_FIREWALL: 'ipset' })?.message).toMatch(/WG_FIREWALL/);
  });

  it('has working defaults', () => {
    const c = parseConfig({}, opts);
    expect(c.wireguard.WG_INTERFACE).toBe('wg0');
    expect(c.interfaceConfigPath).toBe('/etc/wireguard/wg0.conf');
    expect(c.wireguard.WG_CLIENT_ALLOWED_IPS).toEqual(['0.0.0.0/0', '::/0']);
    expect(c.wireguard.WG_PERSISTENT_KEEPALIVE).toBe(25);
    expect(c.wireguard.KEEP_CLIENT_KEYS).toBe(true);
    expect(c.dataDir).toBe('/home/pi/wg-chatops/data');
    expect(parseConfig({}, { ...opts, isRoot: true }).dataDir).toBe('/var/lib/wg-chatops');
  });

  it('names the variable of a bad value', () => {
    expect(configErrorOf({ WG_PORT: '70000' })?.variable).toBe('WG_PORT');
    expect(configErrorOf({ WG_INTERFACE: 'wg0; rm -rf /' })?.variable).toBe('WG_INTERFACE');
    expect(configErrorOf({ KEEP_CLIENT_KEYS: 'maybe' })?.variable).toBe('KEEP_CLIENT_KEYS');
    expect(configErrorOf({ TELEGRAM_BOT_TOKEN: 'not-a-token' })?.variable).toBe('TELEGRAM_BOT_TOKEN');
    expect(configErrorOf({ TELEGRAM_ADMIN_IDS: '123,@bob' })?.variable).toBe('TELEGRAM_ADMIN_IDS');
    expect(configErrorOf({ SLACK_BOT_TOKEN: 'xoxb-1' })?.variable).toBe('SLACK_APP_TOKEN');
    expect(configErrorOf({ WG_SUBNET: '10.6.0/24' })?.variable).toBe('WG_SUBNET');
    expect(configErrorOf({ SLACK_BIND: 'everywhere' })?.variable).toBe('SLACK_BIND');
  });

  it('SLACK_BIND defaults to loopback and takes an IPv4 or IPv6 address', () => {
    expect(parseConfig({}, opts).slack.SLACK_BIND).toBe('127.0.0.1');
    expect(parseConfig({ SLACK_BIND: '::1' }, opts).slack.SLACK_BIND).toBe('::1');
    expect(parseConfig({ SLACK_BIND: ' 0.0.0.0 ' }, opts).slack.SLACK_BIND).toBe('0.0.0.0');
  });

  it('either accepts an integer setting or names it, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (value) => {
        const err = configErrorOf({ WG_PERSISTENT_KEEPALIVE: value });
        if (err) expect(err.variable).toBe('WG_PERSISTENT_KEEPALIVE');
        else {
          const v = parseConfig({ WG_PERSISTENT_KEEPALIVE: value }, opts).wireguard.WG_PERSISTENT_KEEPALIVE;
          expect(v === 25 || (Number.isInteger(v) && v! >= 0 && v! <= 65535)).toBe(true);
        }
      }),
    );
  });

  it('lists every token as a secret', () => {
    const c = parseConfig(
      {
        TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        SLACK_BOT_TOKEN: 'xoxb-1-2',
        SLACK_APP_TOKEN: 'xapp-1-2',
        DDNS_TOKEN: 'duck-token-value',
      },
      opts,
    );
    expect(configSecrets(c).sort()).toEqual(['123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'duck-token-value', 'xapp-1-2', 'xoxb-1-2']);
    expect(envSecrets({ DDNS_PASSWORD: ' hunter2hunter2 ', WG_PORT: '51820' })).toEqual(['hunter2hunter2']);
  });
});

describe('loadEnv', () => {
  it('reads .env and lets the environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-env-'));
    writeFileSync(join(dir, '.env'), 'WG_PORT=51821\nWG_INTERFACE="wg1"\n# comment\n');
    expect(loadEnv({ WG_PORT: '51999' }, join(dir, '.env'))).toMatchObject({ WG_PORT: '51999', WG_INTERFACE: 'wg1' });
    expect(loadEnv({ A: '1' }, join(dir, 'missing.env'))).toEqual({ A: '1' });
  });
});
