import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { allowedTargets, clientAllowedIps, formatProfile, parseProfile, type Profile } from '../../src/core/profile.js';

const bad = (text: string) => {
  try {
    parseProfile(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).key).toMatch(/^profile\./);
    return (error as UserError).key;
  }
  throw new Error(`accepted ${text}`);
};

describe('parseProfile', () => {
  it('reads the words and the custom forms', () => {
    expect(parseProfile('full')).toEqual({ kind: 'full' });
    expect(parseProfile(' LAN ')).toEqual({ kind: 'lan' });
    expect(parseProfile('192.168.1.10,192.168.1.0/24,192.168.1.10:445/tcp')).toEqual({
      kind: 'custom',
      targets: [
        { family: 4, cidr: '192.168.1.10/32' },
        { family: 4, cidr: '192.168.1.0/24' },
        { family: 4, cidr: '192.168.1.10/32', port: 445, protocol: 'tcp' },
      ],
    });
    expect(parseProfile('fd00::10, [fd00::20]:53/UDP, 2001:db8::/32')).toEqual({
      kind: 'custom',
      targets: [
        { family: 6, cidr: 'fd00::10/128' },
        { family: 6, cidr: 'fd00::20/128', port: 53, protocol: 'udp' },
        { family: 6, cidr: '2001:db8::/32' },
      ],
    });
    // Host bits are cleared, as wg does with AllowedIPs.
    expect(formatProfile(parseProfile('192.168.1.77/24'))).toBe('192.168.1.0/24');
  });

  it('refuses bad input with a reason of its own', () => {
    expect(bad('999.1.1.1/40')).toMatch(/prefix|ipv4/);
    expect(bad('10.0.0.1/40')).toBe('profile.prefix');
    expect(bad('999.1.1.1')).toMatch(/ipv4/);
    expect(bad('192.168.1.10:445')).toBe('profile.needProtocol');
    expect(bad('192.168.1.10:445/icmp')).toBe('profile.protocol');
    expect(bad('192.168.1.10:0/tcp')).toBe('profile.port');
    expect(bad('192.168.1.10:70000/tcp')).toBe('profile.port');
    expect(bad('everything')).toBe('profile.unknown');
    expect(bad('lan,10.0.0.1')).toBe('profile.combined');
    expect(bad('10.0.0.1,,10.0.0.2')).toBe('profile.empty');
    expect(bad('')).toBe('profile.empty');
    expect(bad('fd00:::1')).toBe('profile.ipv6');
    expect(bad('[fd00::1]:22')).toBe('profile.needProtocol');
  });

  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
  const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));
  const port = fc.option(fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.constantFrom('tcp', 'udp')), { nil: undefined });
  const item = fc.oneof(
    fc
      .tuple(v4, fc.option(fc.integer({ min: 0, max: 32 }), { nil: undefined }), port)
      .map(([a, p, pp]) => `${a}${p === undefined ? '' : `/${p}`}${pp ? `:${pp[0]}/${pp[1]}` : ''}`),
    fc
      .tuple(v6, fc.option(fc.integer({ min: 0, max: 128 }), { nil: undefined }), port)
      .map(([a, p, pp]) => (pp ? `[${a}${p === undefined ? '' : `/${p}`}]:${pp[0]}/${pp[1]}` : `${a}${p === undefined ? '' : `/${p}`}`)),
  );

  it('property: every valid list parses, and its canonical text parses to the same profile', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), (items) => {
        const p = parseProfile(items.join(','));
        expect(p.kind).toBe('custom');
        const text = formatProfile(p);
        expect(parseProfile(text)).toEqual(p);
        expect(formatProfile(parseProfile(text))).toBe(text);
      }),
    );
  });

  it('property: arbitrary text either parses or fails with profile.invalid, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          const p = parseProfile(text);
          expect(parseProfile(formatProfile(p))).toEqual(p);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as UserError).key).toMatch(/^profile\.(prefix|ipv4|ipv6|port|needProtocol|protocol|unknown|combined|empty|tooMany)$/);
        }
      }),
    );
  });

  it('property: out-of-range prefixes and octets are refused', () => {
    fc.assert(
      fc.property(v4, fc.integer({ min: 33, max: 999 }), (a, prefix) => {
        bad(`${a}/${prefix}`);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 256, max: 999 }), fc.nat(255), (octet, o) => {
        bad(`${octet}.${o}.1.1`);
      }),
    );
  });
});

describe('client AllowedIPs and firewall targets', () => {
  const ctx = {
    fullAllowedIps: ['0.0.0.0/0', '::/0'],
    lanSubnets: ['192.168.1.0/24', 'fd00:1::/64'],
    serverAddresses: ['10.6.0.1/32', 'fd11::1/128'],
    dns: ['192.168.1.1', '9.9.9.9'],
  };
  it('full routes everything, lan the LAN and the Pi, custom its targets and the Pi', () => {
    expect(clientAllowedIps({ kind: 'full' }, ctx)).toEqual(['0.0.0.0/0', '::/0']);
    expect(clientAllowedIps({ kind: 'lan' }, ctx)).toEqual(['10.6.0.1/32', 'fd11::1/128', '192.168.1.0/24', 'fd00:1::/64']);
    const custom: Profile = parseProfile('192.168.1.10:445/tcp,192.168.1.10:139/tcp');
    expect(clientAllowedIps(custom, ctx)).toEqual(['10.6.0.1/32', 'fd11::1/128', '192.168.1.10/32']);
    expect(allowedTargets({ kind: 'full' }, ctx).all).toBe(true);
    expect(allowedTargets(custom, ctx).targets).toContainEqual({ family: 4, cidr: '192.168.1.10/32', port: 445, protocol: 'tcp' });
  });
});
