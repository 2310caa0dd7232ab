import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv6Advice, ipv6AdviceText } from '../../src/core/ipv6-advice.js';

const base = { publicIPv4: '81.2.69.142', ipv6: '2a02:1234::5', ddnsIpv6: 'auto' as const, hostname: 'home.example.net' };

describe('IPv6 advice when IPv4 is behind carrier-grade NAT', () => {
  it('CGNAT or a WAN address that is not the public one, with a global IPv6: use IPv6 through the hostname', () => {
    expect(ipv6Advice({ ...base, wan: '100.64.3.4' })).toEqual({
      reason: 'cgnat',
      ipv6: '2a02:1234::5',
      endpoint: 'home.example.net',
      turnOnAaaa: false,
      noHostname: false,
    });
    expect(ipv6Advice({ ...base, wan: '100.127.255.1' })?.reason).toBe('cgnat');
    expect(ipv6Advice({ ...base, wan: '81.2.70.1' })?.reason).toBe('upstream-nat');
    expect(ipv6AdviceText(ipv6Advice({ ...base, wan: '100.64.3.4' })!)).toEqual({
      statusKey: 'ipv6Advice.status.cgnat',
      adviceKey: 'ipv6Advice.useHostname',
      params: { ipv6: '2a02:1234::5', endpoint: 'home.example.net' },
    });
  });

  it('says to turn the AAAA record on, or to set up DDNS, when that is what is missing', () => {
    expect(ipv6AdviceText(ipv6Advice({ ...base, wan: '100.64.3.4', ddnsIpv6: 'off' })!).adviceKey).toBe('ipv6Advice.turnOnAaaa');
    const bare = ipv6Advice({ wan: '100.64.3.4', publicIPv4: '81.2.69.142', ipv6: '2a02:1234::5', ddnsIpv6: 'auto' })!;
    expect(bare.endpoint).toBe('[2a02:1234::5]');
    expect(ipv6AdviceText(bare).adviceKey).toBe('ipv6Advice.noHostname');
  });

  it('no advice when IPv4 forwarding works, for double NAT, or without a global IPv6', () => {
    expect(ipv6Advice({ ...base, wan: '81.2.69.142' })).toBeUndefined(); // WAN = public: plain home NAT
    expect(ipv6Advice({ ...base, wan: '192.168.0.1' })).toBeUndefined(); // double NAT: forward on both routers
    expect(ipv6Advice({ ...base, wan: '100.64.3.4', ipv6: 'fd00::5' })).toBeUndefined(); // ULA only
    expect(ipv6Advice({ ...base, wan: '100.64.3.4', ipv6: 'fe80::1' })).toBeUndefined();
    expect(ipv6Advice({ ...base, wan: '100.64.3.4', ipv6: undefined })).toBeUndefined();
    expect(ipv6Advice({ ...base, wan: undefined })).toBeUndefined();
  });

  it('any address in 100.64.0.0/10 is CGNAT, and the advice always names the IPv6 it was given', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 127 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (b, c, d) => {
        const a = ipv6Advice({ ...base, wan: `100.${b}.${c}.${d}` });
        return a?.reason === 'cgnat' && a.ipv6 === base.ipv6;
      }),
    );
  });
});
