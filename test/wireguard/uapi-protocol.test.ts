import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerErrno, isCompleteAnswer, keyToHex, parseGetAnswer, removePeerRequest, setPeerRequest } from '../../src/wireguard/uapi-protocol.js';
import { publicKeyFromPrivate } from '../../src/core/keys.js';
import { parseCidr } from '../../src/core/ip.js';
import { isLiveEndpoint } from '../../src/core/wg-dump.js';

const PEER = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const PSK = Buffer.alloc(32, 0x5a).toString('base64');
const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

describe('userspace API requests', () => {
  it('a peer with preshared key, both address families and keepalive, as `wg set` would send it', () => {
    expect(
      setPeerRequest({
        publicKey: PEER,
        presharedKey: PSK,
        allowedIps: ['10.6.0.2/32', 'fd11:5ee:bad:c0de::a06:2/128'],
        persistentKeepalive: 25,
      }),
    ).toBe(
      `set=1\npublic_key=${hex(PEER)}\npreshared_key=${hex(PSK)}\nreplace_allowed_ips=true\nallowed_ip=10.6.0.2/32\nallowed_ip=fd11:5ee:bad:c0de::a06:2/128\npersistent_keepalive_interval=25\n\n`,
    );
  });

  it('without a preshared key or keepalive, those lines are left out', () => {
    expect(setPeerRequest({ publicKey: PEER, allowedIps: ['10.6.0.3/32'] })).toBe(
      `set=1\npublic_key=${hex(PEER)}\nreplace_allowed_ips=true\nallowed_ip=10.6.0.3/32\n\n`,
    );
  });

  it('a bare address, as hand-written configs have it, is the single host', () => {
    expect(setPeerRequest({ publicKey: PEER, allowedIps: ['10.6.0.9', 'fd00::9'] })).toContain('allowed_ip=10.6.0.9/32\nallowed_ip=fd00::9/128\n');
    expect(() => setPeerRequest({ publicKey: PEER, allowedIps: ['10.6.0.9/33'] })).toThrow('allowed IP "10.6.0.9/33" is not an address/prefix');
    expect(() => setPeerRequest({ publicKey: PEER, allowedIps: ['10.6.0.9\n'] })).toThrow('is not an address/prefix');
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
      fc.property(
        fc.array(fc.string({ maxLength: 30, unit: fc.constantFrom(...'0123456789abcdef.:/\n=xz '.split('')) }), { maxLength: 4 }),
        fc.integer({ min: -5, max: 70000 }),
        (ips, keepalive) => {
          let request: string;
          try {
            request = setPeerRequest({ publicKey: PEER, allowedIps: ips, persistentKeepalive: keepalive });
          } catch {
            return; // refused: nothing is sent
          }
          const lines = request.slice(0, -2).split('\n');
          const sent = lines.filter((l) => l.startsWith('allowed_ip=')).map((l) => l.slice('allowed_ip='.length));
          // Each as given, or a bare address with its host prefix.
          expect(sent.map((ip, i) => (ip === ips[i] ? ip : ip.replace(/\/(32|128)$/, '')))).toEqual(ips);
          expect(lines.every((l) => /^[a-z_]+=[^\n=]+$/.test(l))).toBe(true);
          expect(request.endsWith('\n\n') && !request.slice(0, -2).includes('\n\n')).toBe(true);
        },
      ),
    );
  });

  it('answers: complete with an errno, incomplete, or not the protocol at all (never quoted)', () => {
    expect(answerErrno('errno=0\n\n')).toBe(0);
    expect(answerErrno('listen_port=1\nerrno=22\n\n')).toBe(22);
    expect(isCompleteAnswer('errno=0\n')).toBe(false);
    expect(isCompleteAnswer('')).toBe(false);
    expect(isCompleteAnswer('errno=0\n\n')).toBe(true);
    expect(() => answerErrno(`private_key=${hex(PSK)}\n\n`)).toThrow('unexpected answer from the WireGuard control socket (78 characters)');
    expect(() => answerErrno('xerrno=0\n\n')).toThrow(/unexpected answer/);
  });
});

const PRIV = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const PEER2 = 'gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA=';

/** An answer to get=1 as wireguard-go writes it. */
const GET_ANSWER = [
  `private_key=${hex(PRIV)}`,
  'listen_port=51820',
  `public_key=${hex(PEER)}`,
  `preshared_key=${hex(PSK)}`,
  'protocol_version=1',
  'endpoint=203.0.113.7:40012',
  'last_handshake_time_sec=1732694400',
  'last_handshake_time_nsec=5',
  'tx_bytes=7890',
  'rx_bytes=123456',
  'persistent_keepalive_interval=25',
  'allowed_ip=10.6.0.2/32',
  'allowed_ip=fd11:5ee:bad:c0de::a06:2/128',
  `public_key=${hex(PEER2)}`,
  `preshared_key=${'0'.repeat(64)}`,
  'protocol_version=1',
  'last_handshake_time_sec=0',
  'last_handshake_time_nsec=0',
  'tx_bytes=0',
  'rx_bytes=0',
  'persistent_keepalive_interval=0',
  'errno=0',
  '',
  '',
].join('\n');

describe('parseGetAnswer', () => {
  it('reads what `wg show dump` would tell, and keeps no secret', () => {
    const state = parseGetAnswer(GET_ANSWER);
    expect(state).toEqual({
      privateKeyPresent: true,
      publicKey: publicKeyFromPrivate(PRIV),
      listenPort: 51820,
      peers: [
        {
          publicKey: PEER,
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
    const kept = JSON.stringify(state);
    for (const secret of [PRIV, PSK, hex(PRIV), hex(PSK)]) expect(kept).not.toContain(secret);
  });

  it('an interface without a key or peers', () => {
    expect(parseGetAnswer('listen_port=0\nerrno=0\n\n')).toEqual({ privateKeyPresent: false, publicKey: '', listenPort: 0, peers: [] });
  });

  it('refuses a broken answer with the line, without quoting it', () => {
    const broken = (from: string, to: string) => () => parseGetAnswer(GET_ANSWER.replace(from, to));
    expect(broken('endpoint=203.0.113.7:40012', 'endpoint=evil\u0000')).toThrow('control socket answer line 6: bad endpoint');
    expect(broken('allowed_ip=10.6.0.2/32', 'allowed_ip=10.6.0.2/33')).toThrow('line 12: bad allowed_ip');
    expect(broken('tx_bytes=7890', 'tx_bytes=-1')).toThrow('line 9: tx bytes is not a number');
    expect(broken(`private_key=${hex(PRIV)}`, `private_key=${hex(PRIV).slice(2)}`)).toThrow('line 1: private key is not a key');
    expect(broken('errno=0', 'errno=1')).toThrow('the interface answered errno 1');
    expect(broken('protocol_version=1\nendpoint', 'protocol_version\nendpoint')).toThrow('line 5: not key=value');
  });

  it('never throws anything but a plain Error on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...GET_ANSWER.split('\n')), fc.string({ maxLength: 20 })), { maxLength: 30 }), (lines) => {
        const answer = `${lines.join('\n')}\nerrno=0\n\n`;
        try {
          const state = parseGetAnswer(answer);
          expect(state.peers.every((p) => p.publicKey.length === 44)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).not.toContain(hex(PRIV));
        }
      }),
    );
  });
  it('reads every answer as a plain line-by-line reading does: the same state or the same error (property)', () => {
    const line = fc.oneof(
      fc.constantFrom(...GET_ANSWER.split('\n').filter(Boolean)),
      fc
        .constantFrom(
          'public_key',
          'allowed_ip',
          'rx_bytes',
          'tx_bytes',
          'listen_port',
          'persistent_keepalive_interval',
          'endpoint',
          'preshared_key',
          'private_key',
          'last_handshake_time_sec',
          'x',
        )
        .chain((key) =>
          fc
            .oneof(
              fc.stringMatching(/^[0-9]{0,22}$/),
              fc.stringMatching(/^[0-9a-fA-F]{62,66}$/),
              fc.constantFrom('10.6.0.9/32', '10.6.0.9/33', '203.0.113.7:1', '[fd00::1]:51820', '', '=', '9007199254740993', '65536'),
            )
            .map((value) => `${key}=${value}`),
        ),
      fc.string({ maxLength: 12 }).filter((x) => !x.includes('\n')),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), (lines) => {
        const answer = `${lines.join('\n')}${lines.length ? '\n' : ''}errno=0\n\n`;
        const outcome = (read: (a: string) => unknown) => {
          try {
            return { state: read(answer) };
          } catch (error) {
            return { error: (error as Error).message };
          }
        };
        expect(outcome(parseGetAnswer)).toEqual(outcome(plainReading));
      }),
      { numRuns: 200 },
    );
  });
});

/** The reference: one slice and one regex per line (what parseGetAnswer did before it read in place). */
function plainReading(answer: string) {
  const state = { privateKeyPresent: false, publicKey: '', listenPort: 0, peers: [] as Record<string, unknown>[] };
  let peer: { allowedIps: string[]; [k: string]: unknown } | undefined;
  const lines = answer.slice(0, answer.lastIndexOf('errno=')).split('\n').slice(0, -1);
  lines.forEach((line, i) => {
    const fail = (m: string): never => {
      throw new Error(`control socket answer line ${i + 1}: ${m}`);
    };
    const eq = line.indexOf('=');
    if (eq <= 0) fail('not key=value');
    const [key, value] = [line.slice(0, eq), line.slice(eq + 1)];
    const num = (what: string) => (/^\d{1,20}$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : fail(`${what} is not a number`));
    const key64 = (what: string) => (/^[0-9a-f]{64}$/.test(value) ? Buffer.from(value, 'hex').toString('base64') : fail(`${what} is not a key`));
    if (key === 'public_key') {
      peer = { publicKey: key64('peer public key'), allowedIps: [], latestHandshake: 0, rxBytes: 0, txBytes: 0 };
      state.peers.push(peer);
    } else if (!peer) {
      if (key === 'private_key') [state.privateKeyPresent, state.publicKey] = [true, publicKeyFromPrivate(key64('private key'))];
      if (key === 'listen_port' && (state.listenPort = num('listen port')) > 65535) fail('listen port out of range');
    } else if (key === 'preshared_key') {
      if (!/^[0-9a-f]{64}$/.test(value)) fail('preshared key is not a key');
    } else if (key === 'endpoint') peer.endpoint = isLiveEndpoint(value) ? value : fail('bad endpoint');
    else if (key === 'last_handshake_time_sec') peer.latestHandshake = num('latest handshake');
    else if (key === 'rx_bytes') peer.rxBytes = num('rx bytes');
    else if (key === 'tx_bytes') peer.txBytes = num('tx bytes');
    else if (key === 'persistent_keepalive_interval') {
      const seconds = num('persistent keepalive');
      if (seconds > 65535) fail('persistent keepalive out of range');
      if (seconds > 0) peer.persistentKeepalive = seconds;
      else delete peer.persistentKeepalive;
    } else if (key === 'allowed_ip') {
      try {
        parseCidr(value);
      } catch {
        fail('bad allowed_ip');
      }
      peer.allowedIps.push(value);
    }
  });
  return state;
}
