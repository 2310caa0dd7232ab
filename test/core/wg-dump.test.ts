import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InterfaceLiveState, PeerLiveState } from '../../src/core/peer.js';
import { formatIPv4, formatIPv6 } from '../../src/core/ip.js';
import { parseWgDump } from '../../src/core/wg-dump.js';

const PRIV = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const PUB = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const PEER1 = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const PEER2 = 'gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA=';
const PSK = 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=';

const SAMPLE = [
  [PRIV, PUB, '51820', 'off'],
  [PEER1, PSK, '203.0.113.7:40012', '10.6.0.2/32,fd11:5ee:bad:c0de::a06:2/128', '1732694400', '123456', '7890', '25'],
  [PEER2, '(none)', '(none)', '(none)', '0', '0', '0', 'off'],
]
  .map((fields) => fields.join('\t'))
  .join('\n');

describe('parseWgDump', () => {
  it('reads the interface and its peers, without keeping any secret', () => {
    const state = parseWgDump(`${SAMPLE}\n`);
    expect(state).toEqual({
      privateKeyPresent: true,
      publicKey: PUB,
      listenPort: 51820,
      peers: [
        {
          publicKey: PEER1,
          endpoint: '203.0.113.7:40012',
          allowedIps: ['10.6.0.2/32', 'fd11:5ee:bad:c0de::a06:2/128'],
          latestHandshake: 1732694400,
          rxBytes: 123456,
          txBytes: 7890,
          persistentKeepalive: 25,
        },
        { publicKey: PEER2, allowedIps: [], latestHandshake: 0, rxBytes: 0, txBytes: 0 },
      ],
    });
    expect(JSON.stringify(state)).not.toContain(PRIV);
    expect(JSON.stringify(state)).not.toContain(PSK);
  });

  it('reads an interface without key or peers, and IPv6 endpoints', () => {
    expect(parseWgDump('(none)\t(none)\t0\t0x1234\n')).toEqual({ privateKeyPresent: false, publicKey: '', listenPort: 0, peers: [] });
    const v6 = parseWgDump(`${PRIV}\t${PUB}\t51820\toff\n${PEER1}\t(none)\t[2001:db8::5]:51820\t10.6.0.2/32\t0\t0\t0\toff\n`);
    expect(v6.peers[0]?.endpoint).toBe('[2001:db8::5]:51820');
  });

  it('accepts CRLF and a missing final newline', () => {
    expect(parseWgDump(SAMPLE.replace(/\n/g, '\r\n'))).toEqual(parseWgDump(SAMPLE));
  });

  it.each([
    ['empty output', '', /line 1: empty/],
    ['`wg show all dump` output', `wg0\t${PRIV}\t${PUB}\t51820\toff\n`, /line 1: expected 4/],
    ['a bad port', `${PRIV}\t${PUB}\tport\toff\n`, /line 1: listen port is not a number/],
    ['a port above 65535', `${PRIV}\t${PUB}\t70000\toff\n`, /line 1: listen port out of range/],
    ['a bad fwmark', `${PRIV}\t${PUB}\t1\tmark\n`, /line 1: bad fwmark/],
    ['a bad interface key', `secret\t${PUB}\t1\toff\n`, /line 1: private key/],
    ['a short peer line', `${SAMPLE}\n${PEER1}\t(none)\n`, /line 4: expected 8/],
    ['a blank line between peers', `${PRIV}\t${PUB}\t1\toff\n\n${SAMPLE.split('\n')[2]}\n`, /line 2: expected 8/],
    ['a bad peer key', SAMPLE.replace(PEER2, 'peer'), /line 3: peer public key/],
    ['a bad handshake', SAMPLE.replace('1732694400', '-1'), /line 2: latest handshake/],
    ['a bad counter', SAMPLE.replace('123456', '12e3'), /line 2: transfer-rx/],
    ['a huge counter', SAMPLE.replace('123456', '99999999999999999999'), /line 2: transfer-rx is too large/],
    ['a bad keepalive', SAMPLE.replace(/\t25$/m, '\ton'), /line 2: persistent keepalive/],
    ['bad allowed-ips', SAMPLE.replace('10.6.0.2/32', '10.6.0.2'), /line 2: bad allowed-ips/],
    ['a bad endpoint', SAMPLE.replace('203.0.113.7:40012', 'somewhere'), /line 2: bad endpoint/],
  ])('refuses %s', (_, text, message) => {
    expect(() => parseWgDump(text)).toThrow(message);
  });

  it('reads back generated dumps exactly (property)', () => {
    const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
    const cidr = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${formatIPv4(a)}/${p}`),
      fc.tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${formatIPv6(a)}/${p}`),
    );
    const endpoint = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 65535 })).map(([a, p]) => `${formatIPv4(a)}:${p}`),
      fc.tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 1, max: 65535 })).map(([a, p]) => `[${formatIPv6(a)}]:${p}`),
    );
    const counter = fc.oneof(fc.constant(0), fc.maxSafeNat());
    const peer = fc.record(
      {
        publicKey: key,
        endpoint,
        allowedIps: fc.array(cidr, { maxLength: 4 }),
        latestHandshake: counter,
        rxBytes: counter,
        txBytes: counter,
        persistentKeepalive: fc.integer({ min: 1, max: 65535 }),
      },
      { requiredKeys: ['publicKey', 'allowedIps', 'latestHandshake', 'rxBytes', 'txBytes'] },
    );
    const dump = fc.record({
      privateKey: fc.option(key, { nil: undefined }),
      publicKey: key,
      listenPort: fc.integer({ min: 0, max: 65535 }),
      fwmark: fc.constantFrom('off', '0x1', '51820'),
      peers: fc.array(fc.tuple(peer, fc.option(key, { nil: undefined })), { maxLength: 8 }),
      finalNewline: fc.boolean(),
    });
    fc.assert(
      fc.property(dump, (d) => {
        const lines = [
          [d.privateKey ?? '(none)', d.privateKey === undefined ? '(none)' : d.publicKey, d.listenPort, d.fwmark].join('\t'),
          ...d.peers.map(([p, psk]) =>
            [
              p.publicKey,
              psk ?? '(none)',
              p.endpoint ?? '(none)',
              p.allowedIps.length === 0 ? '(none)' : p.allowedIps.join(','),
              p.latestHandshake,
              p.rxBytes,
              p.txBytes,
              p.persistentKeepalive ?? 'off',
            ].join('\t'),
          ),
        ];
        const expected: InterfaceLiveState = {
          privateKeyPresent: d.privateKey !== undefined,
          publicKey: d.privateKey === undefined ? '' : d.publicKey,
          listenPort: d.listenPort,
          peers: d.peers.map(([p]): PeerLiveState => p),
        };
        const text = lines.join('\n') + (d.finalNewline ? '\n' : '');
        const parsed = parseWgDump(text);
        expect(parsed).toEqual(expected);
        if (d.privateKey !== undefined) expect(JSON.stringify(parsed)).not.toContain(d.privateKey);
      }),
    );
  });
});
