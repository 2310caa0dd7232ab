import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerErrno, keyToHex, removePeerRequest, setPeerRequest } from '../../src/wireguard/uapi-request.js';

const PEER = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const PSK = 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=';
const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

describe('userspace API requests', () => {
  it('a peer with preshared key, both address families and keepalive, as `wg set` would send it', () => {
    expect(setPeerRequest({ publicKey: PEER, presharedKey: PSK, allowedIps: ['10.6.0.2/32', 'fd11:5ee:bad:c0de::a06:2/128'], persistentKeepalive: 25 })).toBe(
      `set=1\npublic_key=${hex(PEER)}\npreshared_key=${hex(PSK)}\nreplace_allowed_ips=true\nallowed_ip=10.6.0.2/32\nallowed_ip=fd11:5ee:bad:c0de::a06:2/128\npersistent_keepalive_interval=25\n\n`,
    );
  });

  it('without a preshared key or keepalive, those lines are left out', () => {
    expect(setPeerRequest({ publicKey: PEER, allowedIps: ['10.6.0.3/32'] })).toBe(`set=1\npublic_key=${hex(PEER)}\nreplace_allowed_ips=true\nallowed_ip=10.6.0.3/32\n\n`);
  });

  it('removal', () => {
    expect(removePeerRequest(PEER)).toBe(`set=1\npublic_key=${hex(PEER)}\nremove=true\n\n`);
  });

  it('a key that is not 32 bytes of base64 is refused, and the message does not repeat it', () => {
    for (const bad of ['', 'abc', `${PEER}\nremove=true`, PEER.slice(1), `${PEER.slice(0, 43)}A`]) {
      let message = '';
      try {
        keyToHex(bad, 'public key');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe('public key is not a WireGuard key (32 bytes in base64)');
    }
  });

  it('no value can smuggle a line into the request (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30, unit: fc.constantFrom(...'0123456789abcdef.:/\n=xz '.split('')) }), { maxLength: 4 }), fc.integer({ min: -5, max: 70000 }), (ips, keepalive) => {
        let request: string;
        try {
          request = setPeerRequest({ publicKey: PEER, allowedIps: ips, persistentKeepalive: keepalive });
        } catch {
          return; // refused: nothing is sent
        }
        const lines = request.slice(0, -2).split('\n');
        expect(lines.filter((l) => l.startsWith('allowed_ip=')).map((l) => l.slice('allowed_ip='.length))).toEqual(ips);
        expect(lines.every((l) => /^[a-z_]+=[^\n=]+$/.test(l))).toBe(true);
        expect(request.endsWith('\n\n') && !request.slice(0, -2).includes('\n\n')).toBe(true);
      }),
    );
  });

  it('answers: complete with an errno, incomplete, or not the protocol at all', () => {
    expect(answerErrno('errno=0\n\n')).toBe(0);
    expect(answerErrno('errno=22\n\n')).toBe(22);
    expect(answerErrno('errno=0\n')).toBeUndefined();
    expect(answerErrno('')).toBeUndefined();
    expect(() => answerErrno('HTTP/1.1 400 Bad Request\r\n\n\n')).toThrow(/unexpected answer/);
  });
});
