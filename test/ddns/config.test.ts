import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/errors.js';
import { ddnsSchema } from '../../src/config/ddns.js';

const parse = (env: Record<string, string>) => parseConfig(env, { isRoot: false, cwd: '/tmp' });
const variableOf = (env: Record<string, string>): string => {
  try {
    parse(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).variable;
  }
  throw new Error('expected a ConfigError');
};

describe('DDNS configuration', () => {
  it('defaults: watch on with the built-in sources, no provider, 300 s interval', () => {
    expect(ddnsSchema.parse({})).toMatchObject({
      DDNS_PROVIDER: 'none',
      PUBLIC_IP_SOURCES: 'default',
      IP_CHECK_INTERVAL: 300,
      DDNS_KEEPALIVE_DAYS: 25,
    });
    expect(ddnsSchema.parse({ PUBLIC_IP_SOURCES: 'none' }).PUBLIC_IP_SOURCES).toBe('none');
    expect(ddnsSchema.parse({ IP_CHECK_INTERVAL: '1' }).IP_CHECK_INTERVAL).toBe(1);
  });

  it('names the variable at fault', () => {
    expect(variableOf({ DDNS_PROVIDER: 'changeip' })).toBe('DDNS_PROVIDER');
    expect(variableOf({ DDNS_PROVIDER: 'noip', DDNS_HOSTNAME: 'a.ddns.net', DDNS_USERNAME: 'u' })).toBe('DDNS_PASSWORD');
    expect(variableOf({ DDNS_PROVIDER: 'noip', DDNS_USERNAME: 'u', DDNS_PASSWORD: 'p' })).toBe('DDNS_HOSTNAME');
    expect(variableOf({ DDNS_PROVIDER: 'dyndns2', DDNS_HOSTNAME: 'a.example.net', DDNS_USERNAME: 'u', DDNS_PASSWORD: 'p' })).toBe('DDNS_SERVER');
    expect(variableOf({ DDNS_PROVIDER: 'duckdns', DDNS_HOSTNAME: 'home' })).toBe('DDNS_TOKEN');
    expect(variableOf({ DDNS_PROVIDER: 'duckdns', DDNS_HOSTNAME: 'home.example.com', DDNS_TOKEN: 't' })).toBe('DDNS_HOSTNAME');
    expect(variableOf({ DDNS_PROVIDER: 'cloudflare', DDNS_HOSTNAME: 'vpn.example.com' })).toBe('DDNS_TOKEN');
    expect(variableOf({ DDNS_SERVER: 'ftp://x' })).toBe('DDNS_SERVER');
    expect(variableOf({ PUBLIC_IP_SOURCES: 'https://ok.example,icanhazip.com' })).toBe('PUBLIC_IP_SOURCES');
    expect(variableOf({ IP_CHECK_INTERVAL: '0' })).toBe('IP_CHECK_INTERVAL');
    expect(variableOf({ DDNS_HOSTNAME: 'not a host' })).toBe('DDNS_HOSTNAME');
    expect(variableOf({ DDNS_RESOLVER: 'dns.google' })).toBe('DDNS_RESOLVER');
    expect(variableOf({ DDNS_PROVIDER: 'duckdns', DDNS_HOSTNAME: 'home', DDNS_TOKEN: 't', PUBLIC_IP_SOURCES: 'none' })).toBe('PUBLIC_IP_SOURCES');
  });

  it('accepts a full No-IP setup and registers its secrets', async () => {
    const { configSecrets } = await import('../../src/config/index.js');
    const config = parse({
      DDNS_PROVIDER: 'noip',
      DDNS_HOSTNAME: 'myhome.ddns.net',
      DDNS_USERNAME: 'me@example.com',
      DDNS_PASSWORD: 'secret-password',
      PUBLIC_IP_SOURCES: 'https://api.ipify.org, dns://208.67.222.222/myip.opendns.com, ipv6:https://api6.ipify.org',
    });
    expect(config.ddns.PUBLIC_IP_SOURCES).toHaveLength(3);
    expect(configSecrets(config)).toContain('secret-password');
  });
});
