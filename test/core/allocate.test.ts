import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressForV4, allocateAddress, tunnelSubnetFromAddresses, tunnelSubnetFromCidr, type TunnelSubnet } from '../../src/core/allocate.js';
import { UserError } from '../../src/core/errors.js';
import { formatIPv4, parseIPv4, parseIPv6 } from '../../src/core/ip.js';

const pivpnDefault = (): TunnelSubnet => tunnelSubnetFromAddresses(['10.6.0.1/24', 'fd11:5ee:bad:c0de::1/64']);

describe('tunnel subnet', () => {
  it('comes from the server interface addresses', () => {
    expect(pivpnDefault()).toEqual({
      v4: { network: parseIPv4('10.6.0.0'), prefix: 24, server: parseIPv4('10.6.0.1') },
      v6: { network: parseIPv6('fd11:5ee:bad:c0de::'), prefix: 64, server: parseIPv6('fd11:5ee:bad:c0de::1') },
    });
    expect(tunnelSubnetFromAddresses([' 10.211.37.1/24 '])).toEqual({
      v4: { network: parseIPv4('10.211.37.0'), prefix: 24, server: parseIPv4('10.211.37.1') },
    });
  });

  it('needs exactly one IPv4 address and a prefix that leaves room for clients', () => {
    expect(() => tunnelSubnetFromAddresses([])).toThrow(/exactly one IPv4/);
    expect(() => tunnelSubnetFromAddresses(['fd00::1/64'])).toThrow(/exactly one IPv4/);
    expect(() => tunnelSubnetFromAddresses(['10.6.0.1/24', '10.7.0.1/24'])).toThrow(/exactly one IPv4/);
    expect(() => tunnelSubnetFromAddresses(['10.6.0.1/31'])).toThrow(/no client addresses/);
    expect(() => tunnelSubnetFromAddresses(['10.6.0.1/24', 'fd00::1/112'])).toThrow(/IPv6 prefix/);
    expect(() => tunnelSubnetFromAddresses(['10.6.0.1'])).toThrow();
  });

  it('comes from network CIDRs with the server at network+1', () => {
    expect(tunnelSubnetFromCidr('10.6.0.0/24', 'fd11:5ee:bad:c0de::/64')).toEqual(pivpnDefault());
    // A host address in the CIDR is masked to its network.
    expect(tunnelSubnetFromCidr('10.8.0.77/16').v4).toEqual({ network: parseIPv4('10.8.0.0'), prefix: 16, server: parseIPv4('10.8.0.1') });
    expect(() => tunnelSubnetFromCidr('fd00::/64')).toThrow(/IPv4/);
    expect(() => tunnelSubnetFromCidr('10.6.0.0/24', '10.7.0.0/24')).toThrow(/IPv6/);
  });
});

describe('allocateAddress', () => {
  it('gives the first client network+2, with the PiVPN-derived IPv6', () => {
    expect(allocateAddress(pivpnDefault(), [])).toEqual({
      v4: '10.6.0.2',
      v6: 'fd11:5ee:bad:c0de::a06:2',
      allowedIps: ['10.6.0.2/32', 'fd11:5ee:bad:c0de::a06:2/128'],
      clientAddresses: ['10.6.0.2/24', 'fd11:5ee:bad:c0de::a06:2/64'],
    });
  });

  it('derives the same IPv6 address as PiVPN, which writes the low group zero-padded', () => {
    // PiVPN's decIPv4ToHex gives "a06:0002" for 10.6.0.2 and appends it to pivpnNETv6.
    const { v6 } = allocateAddress(pivpnDefault(), []);
    expect(parseIPv6(v6!)).toBe(parseIPv6('fd11:5ee:bad:c0de::a06:0002'));
    const { v6: later } = addressForV4(tunnelSubnetFromCidr('10.0.0.0/8', 'fd11:5ee:bad:c0de::/64'), '10.255.254.253');
    expect(later).toBe('fd11:5ee:bad:c0de::aff:fefd');
  });

  it('reuses the lowest freed address', () => {
    const used = ['10.6.0.2/32', '10.6.0.4/32', '10.6.0.5/32'];
    expect(allocateAddress(pivpnDefault(), used).v4).toBe('10.6.0.3');
  });

  it('ignores routed networks, foreign addresses and unparsable entries', () => {
    const used = ['10.6.0.2/32', '192.168.5.0/24', '10.6.0.0/24', '10.9.0.3/32', 'garbage', '0.0.0.0/0', '::/0'];
    expect(allocateAddress(pivpnDefault(), used).v4).toBe('10.6.0.3');
  });

  it('counts a /128 inside the tunnel IPv6 network as taking its IPv4 twin', () => {
    expect(allocateAddress(pivpnDefault(), ['fd11:5ee:bad:c0de::a06:2/128']).v4).toBe('10.6.0.3');
    // Entries without a prefix length are host addresses.
    expect(allocateAddress(pivpnDefault(), ['10.6.0.2', 'fd11:5ee:bad:c0de::a06:3']).v4).toBe('10.6.0.4');
  });

  it('never hands out the server address, even when the server is not network+1', () => {
    const subnet = tunnelSubnetFromAddresses(['10.6.0.2/24']);
    expect(allocateAddress(subnet, []).v4).toBe('10.6.0.3');
  });

  it('throws peer.subnetFull when every client address is taken', () => {
    const subnet = tunnelSubnetFromCidr('10.6.0.0/29');
    const used = ['10.6.0.2/32', '10.6.0.3/32', '10.6.0.4/32', '10.6.0.5/32', '10.6.0.6/32'];
    let caught: unknown;
    try {
      allocateAddress(subnet, used);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect(caught).toMatchObject({ key: 'peer.subnetFull', params: { subnet: '10.6.0.0/29' } });
  });

  it('allocates the lowest address not in use (property, against a brute-force oracle)', () => {
    const scenario = fc.integer({ min: 24, max: 30 }).chain((prefix) => {
      const size = 2 ** (32 - prefix);
      return fc.record({
        prefix: fc.constant(prefix),
        network: fc.integer({ min: 0, max: 2 ** prefix - 1 }).map((n) => n * size),
        usedOffsets: fc.uniqueArray(fc.integer({ min: 0, max: size - 1 }), { maxLength: size }),
        withV6: fc.boolean(),
      });
    });
    fc.assert(
      fc.property(scenario, ({ prefix, network, usedOffsets, withV6 }) => {
        const subnet = tunnelSubnetFromCidr(`${formatIPv4(network)}/${prefix}`, withV6 ? 'fd00:1:2:3::/64' : undefined);
        const used = new Set(usedOffsets.map((o) => network + o));
        const size = 2 ** (32 - prefix);
        let expected: number | undefined;
        for (let offset = 2; offset <= size - 2 && expected === undefined; offset++) {
          if (!used.has(network + offset)) expected = network + offset;
        }
        const allowedIps = [...used].map((a) => `${formatIPv4(a)}/32`);
        if (expected === undefined) {
          expect(() => allocateAddress(subnet, allowedIps)).toThrow(UserError);
        } else {
          const got = allocateAddress(subnet, allowedIps);
          expect(got.v4).toBe(formatIPv4(expected));
          expect(got.allowedIps[0]).toBe(`${formatIPv4(expected)}/32`);
          expect(got.clientAddresses[0]).toBe(`${formatIPv4(expected)}/${prefix}`);
          expect(got.allowedIps).toHaveLength(withV6 ? 2 : 1);
          if (withV6) expect(parseIPv6(got.v6!) & 0xffffffffn).toBe(BigInt(expected));
        }
      }),
    );
  });

  it('fills a subnet with distinct addresses, then reports it full (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 26, max: 30 }), (prefix) => {
        const subnet = tunnelSubnetFromCidr(`10.20.30.0/${prefix}`, 'fd11:5ee:bad:c0de::/64');
        const used: string[] = [];
        const capacity = 2 ** (32 - prefix) - 3;
        for (let i = 0; i < capacity; i++) used.push(...allocateAddress(subnet, used).allowedIps);
        expect(new Set(used).size).toBe(capacity * 2);
        expect(() => allocateAddress(subnet, used)).toThrow(UserError);
      }),
      { numRuns: 10 },
    );
  });

  it('finds the next address with 10,000 peers in the config', () => {
    const subnet = tunnelSubnetFromCidr('10.0.0.0/16', 'fd11:5ee:bad:c0de::/64');
    const used: string[] = [];
    for (let i = 2; i < 10_002; i++) {
      const v4 = formatIPv4(subnet.v4.network + i);
      used.push(`${v4}/32`, addressForV4(subnet, v4).allowedIps[1]!);
    }
    // (Its speed is measured by `npm run bench`, not asserted here.)
    const got = allocateAddress(subnet, used);
    expect(got.v4).toBe(formatIPv4(subnet.v4.network + 10_002));
  });
});

describe('addressForV4', () => {
  it('describes a chosen address like allocateAddress does', () => {
    expect(addressForV4(pivpnDefault(), '10.6.0.77')).toEqual({
      v4: '10.6.0.77',
      v6: 'fd11:5ee:bad:c0de::a06:4d',
      allowedIps: ['10.6.0.77/32', 'fd11:5ee:bad:c0de::a06:4d/128'],
      clientAddresses: ['10.6.0.77/24', 'fd11:5ee:bad:c0de::a06:4d/64'],
    });
    expect(addressForV4(tunnelSubnetFromCidr('10.6.0.0/24'), '10.6.0.2')).toEqual({
      v4: '10.6.0.2',
      allowedIps: ['10.6.0.2/32'],
      clientAddresses: ['10.6.0.2/24'],
    });
  });

  it.each(['10.6.0.0', '10.6.0.1', '10.6.0.255', '10.7.0.2', 'nope'])('refuses %s', (v4) => {
    expect(() => addressForV4(pivpnDefault(), v4)).toThrow(Error);
  });
});
