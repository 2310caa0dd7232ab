import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseClientConfig, renderClientConfig, type ClientConfigInput } from '../../src/core/client-config.js';
import { formatIPv4, formatIPv6 } from '../../src/core/ip.js';

const KEY_A = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const KEY_B = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const KEY_C = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';

const full: ClientConfigInput = {
  privateKey: KEY_A,
  addresses: ['10.6.0.2/24', 'fd11:5ee:bad:c0de::a06:2/64'],
  dns: ['9.9.9.9', '149.112.112.112'],
  serverPublicKey: KEY_B,
  presharedKey: KEY_C,
  endpoint: '[2001:db8:1234:5678::1]:51820',
  allowedIps: ['0.0.0.0/0', '::/0'],
  persistentKeepalive: 25,
  mtu: 1420,
};

describe('renderClientConfig', () => {
  it('writes what wg-quick and the WireGuard apps import, in PiVPN order', () => {
    expect(renderClientConfig(full)).toBe(
      [
        '[Interface]',
        `PrivateKey = ${KEY_A}`,
        'Address = 10.6.0.2/24, fd11:5ee:bad:c0de::a06:2/64',
        'DNS = 9.9.9.9, 149.112.112.112',
        'MTU = 1420',
        '',
        '[Peer]',
        `PublicKey = ${KEY_B}`,
        `PresharedKey = ${KEY_C}`,
        'Endpoint = [2001:db8:1234:5678::1]:51820',
        'AllowedIPs = 0.0.0.0/0, ::/0',
        'PersistentKeepalive = 25',
        '',
      ].join('\n'),
    );
  });

  it('omits DNS, MTU, PresharedKey and a zero keepalive', () => {
    const minimal: ClientConfigInput = {
      privateKey: KEY_A,
      addresses: ['10.6.0.2/24'],
      dns: [],
      serverPublicKey: KEY_B,
      endpoint: 'vpn.example.org:51820',
      allowedIps: ['10.6.0.0/24'],
      persistentKeepalive: 0,
    };
    expect(renderClientConfig(minimal)).toBe(
      `[Interface]\nPrivateKey = ${KEY_A}\nAddress = 10.6.0.2/24\n\n[Peer]\nPublicKey = ${KEY_B}\nEndpoint = vpn.example.org:51820\nAllowedIPs = 10.6.0.0/24\n`,
    );
  });

  it.each<[string, Partial<ClientConfigInput>]>([
    ['a bad private key', { privateKey: 'x' }],
    ['a bad server key', { serverPublicKey: KEY_A.slice(1) }],
    ['a bad preshared key', { presharedKey: '' }],
    ['no address', { addresses: [] }],
    ['a bad address', { addresses: ['10.6.0.2'] }],
    ['no AllowedIPs', { allowedIps: [] }],
    ['an unbracketed IPv6 endpoint', { endpoint: '2001:db8::1:51820' }],
    ['an endpoint without port', { endpoint: 'vpn.example.org' }],
    ['port 0', { endpoint: 'vpn.example.org:0' }],
    ['a DNS entry with a newline', { dns: ['9.9.9.9\nPostUp = rm -rf /'] }],
    ['a negative keepalive', { persistentKeepalive: -1 }],
    ['a tiny MTU', { mtu: 100 }],
  ])('refuses %s', (_, change) => {
    expect(() => renderClientConfig({ ...full, ...change })).toThrow(Error);
  });
});

describe('parseClientConfig', () => {
  it('reads a PiVPN client file (comma without space, keepalive, CRLF, comments, any key case)', () => {
    const text = [
      '# written by PiVPN',
      '[Interface]',
      `privatekey = ${KEY_A}`,
      'Address = 10.6.0.2/24,fd11:5ee:bad:c0de::a06:2/64',
      'DNS = 9.9.9.9, 149.112.112.112',
      '',
      '[Peer]',
      `PublicKey = ${KEY_B}`,
      `PresharedKey = ${KEY_C} # psk`,
      'Endpoint = myhome.ddns.net:51820',
      'AllowedIPs = 0.0.0.0/0, ::0/0',
      'PersistentKeepalive = 25',
    ].join('\r\n');
    expect(parseClientConfig(text)).toEqual({
      privateKey: KEY_A,
      addresses: ['10.6.0.2/24', 'fd11:5ee:bad:c0de::a06:2/64'],
      dns: ['9.9.9.9', '149.112.112.112'],
      serverPublicKey: KEY_B,
      presharedKey: KEY_C,
      endpoint: 'myhome.ddns.net:51820',
      allowedIps: ['0.0.0.0/0', '::0/0'],
      persistentKeepalive: 25,
    });
  });

  it.each([
    ['no [Peer]', `[Interface]\nPrivateKey = ${KEY_A}\nAddress = 10.6.0.2/24\n`],
    ['two [Peer]', `${renderClientConfig(full)}[Peer]\nPublicKey = ${KEY_C}\n`],
    ['two [Interface]', `${renderClientConfig(full)}[Interface]\n`],
    ['a key outside a section', `DNS = 1.1.1.1\n${renderClientConfig(full)}`],
    ['a line that is not key = value', renderClientConfig(full).replace('[Peer]', '[Peer]\nthis is not valid')],
    ['a bad MTU', renderClientConfig(full).replace('MTU = 1420', 'MTU = big')],
    ['a missing endpoint', renderClientConfig(full).replace(/Endpoint = .*\n/, '')],
    ['a bad key', renderClientConfig(full).replace(KEY_B, 'nope')],
  ])('refuses %s', (_, text) => {
    expect(() => parseClientConfig(text)).toThrow(Error);
  });

  it('names the line of a malformed value', () => {
    expect(() => parseClientConfig(renderClientConfig(full).replace('MTU = 1420', 'MTU = big'))).toThrow(/line 5/);
  });

  it('inverts renderClientConfig (property)', () => {
    const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
    const v4 = fc.integer({ min: 0, max: 0xffffffff }).map(formatIPv4);
    const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(formatIPv6);
    const cidr = fc.oneof(
      fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`),
      fc.tuple(v6, fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`),
    );
    const host = fc.oneof(v4, v6, fc.domain());
    const input = fc.record(
      {
        privateKey: key,
        addresses: fc.array(cidr, { minLength: 1, maxLength: 3 }),
        dns: fc.array(fc.oneof(v4, v6, fc.domain()), { maxLength: 3 }),
        serverPublicKey: key,
        presharedKey: key,
        endpoint: fc.tuple(host, fc.integer({ min: 1, max: 65535 })).map(([h, p]) => formatEndpoint(h, p)),
        allowedIps: fc.array(cidr, { minLength: 1, maxLength: 4 }),
        persistentKeepalive: fc.integer({ min: 1, max: 65535 }),
        mtu: fc.integer({ min: 576, max: 9000 }),
      },
      { requiredKeys: ['privateKey', 'addresses', 'dns', 'serverPublicKey', 'endpoint', 'allowedIps'] },
    );
    fc.assert(
      fc.property(input, (config) => {
        expect(parseClientConfig(renderClientConfig(config))).toEqual(config);
      }),
    );
  });
});

describe('formatEndpoint', () => {
  it('brackets IPv6 literals only', () => {
    expect(formatEndpoint('203.0.113.5', 51820)).toBe('203.0.113.5:51820');
    expect(formatEndpoint('vpn.example.org', 443)).toBe('vpn.example.org:443');
    expect(formatEndpoint('2001:db8::1', 51820)).toBe('[2001:db8::1]:51820');
    expect(formatEndpoint('[2001:db8::1]', 51820)).toBe('[2001:db8::1]:51820');
  });

  it.each<[string, number]>([
    ['vpn.example.org', 0],
    ['vpn.example.org', 65536],
    ['vpn.example.org', 1.5],
    ['', 51820],
    ['bad host', 51820],
    ['a\nb', 51820],
    ['vpn.example.org:51820', 51820],
    ['2001:db8::1::2', 51820],
    ['[vpn.example.org]', 51820],
  ])('refuses %j port %d', (host, port) => {
    expect(() => formatEndpoint(host, port)).toThrow(Error);
  });
});
