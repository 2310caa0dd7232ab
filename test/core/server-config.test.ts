import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PeerEntry } from '../../src/core/peer.js';
import {
  addPeer,
  allAllowedIps,
  getPeer,
  listPeers,
  parseServerConfig,
  removePeer,
  renderPeerBlock,
  renderServerConfig,
  serverInterfaceText,
  setPeerEnabled,
  unmanagedPeers,
  type UnmanagedPeer,
} from '../../src/core/server-config.js';

const SERVER_KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const LAPTOP_PUB = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const LAPTOP_PSK = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const PHONE_PUB = 'gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA=';
const HAND_PUB = 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=';
const NEW_PUB = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';

/** A PiVPN install with one enabled and one disabled client, and a peer someone added by hand. */
const PIVPN_FILE = [
  '[Interface]',
  `PrivateKey = ${SERVER_KEY}`,
  'Address = 10.6.0.1/24,fd11:5ee:bad:c0de::1/64',
  'MTU = 1420',
  'ListenPort = 51820',
  '### begin laptop ###',
  '[Peer]',
  `PublicKey = ${LAPTOP_PUB}`,
  `PresharedKey = ${LAPTOP_PSK}`,
  'AllowedIPs = 10.6.0.2/32,fd11:5ee:bad:c0de::a06:2/128',
  '### end laptop ###',
  '#[disabled] ### begin bob@phone ###',
  '#[disabled] [Peer]',
  `#[disabled] PublicKey = ${PHONE_PUB}`,
  '#[disabled] AllowedIPs = 10.6.0.3/32,fd11:5ee:bad:c0de::a06:3/128',
  '#[disabled] ### end bob@phone ###',
  '',
  '# office router, added by hand',
  '[Peer]',
  `PublicKey = ${HAND_PUB}`,
  'AllowedIPs = 10.6.0.50/32',
  'AllowedIPs = 192.168.5.0/24',
  '',
].join('\n');

const laptop: PeerEntry = {
  name: 'laptop',
  publicKey: LAPTOP_PUB,
  presharedKey: LAPTOP_PSK,
  allowedIps: ['10.6.0.2/32', 'fd11:5ee:bad:c0de::a06:2/128'],
  enabled: true,
};
const phone: PeerEntry = {
  name: 'bob@phone',
  publicKey: PHONE_PUB,
  allowedIps: ['10.6.0.3/32', 'fd11:5ee:bad:c0de::a06:3/128'],
  enabled: false,
};
const tablet: PeerEntry = {
  name: 'tablet',
  publicKey: NEW_PUB,
  presharedKey: LAPTOP_PSK,
  allowedIps: ['10.6.0.4/32', 'fd11:5ee:bad:c0de::a06:4/128'],
  enabled: true,
};
const TABLET_BLOCK = [
  '### begin tablet ###',
  '[Peer]',
  `PublicKey = ${NEW_PUB}`,
  `PresharedKey = ${LAPTOP_PSK}`,
  'AllowedIPs = 10.6.0.4/32,fd11:5ee:bad:c0de::a06:4/128',
  '### end tablet ###',
  '',
].join('\n');

describe('parseServerConfig', () => {
  it('reads the interface, managed blocks (enabled and disabled) and hand-written peers', () => {
    const doc = parseServerConfig(PIVPN_FILE);
    expect(doc.iface).toEqual({
      privateKey: SERVER_KEY,
      addresses: ['10.6.0.1/24', 'fd11:5ee:bad:c0de::1/64'],
      mtu: 1420,
      listenPort: 51820,
    });
    expect(listPeers(doc)).toEqual([laptop, phone]);
    expect(unmanagedPeers(doc)).toEqual([{ publicKey: HAND_PUB, allowedIps: ['10.6.0.50/32', '192.168.5.0/24'], enabled: true }]);
    expect(allAllowedIps(doc)).toEqual([...laptop.allowedIps, ...phone.allowedIps, '10.6.0.50/32', '192.168.5.0/24']);
    expect(doc.segments.map((s) => s.kind)).toEqual(['text', 'managed', 'managed', 'text', 'unmanaged']);
    expect(getPeer(doc, 'bob@phone')).toEqual(phone);
    expect(getPeer(doc, 'nobody')).toBeUndefined();
  });

  it('renders back byte for byte', () => {
    expect(renderServerConfig(parseServerConfig(PIVPN_FILE))).toBe(PIVPN_FILE);
  });

  it('tolerates CRLF, any key case, spaces in keys, inline comments and repeated AllowedIPs', () => {
    const text = [
      '[interface]',
      `privatekey=${SERVER_KEY}`,
      'address = 10.6.0.1/24 # tunnel',
      'LISTENPORT = 51820',
      '### begin laptop ###',
      '[peer]',
      `publickey = ${LAPTOP_PUB}`,
      '# a note inside the block',
      'Allowed IPs = 10.6.0.2/32,',
      'allowedips = fd11:5ee:bad:c0de::a06:2/128',
      '### end laptop ###',
    ].join('\r\n');
    const doc = parseServerConfig(text);
    expect(doc.iface).toEqual({ privateKey: SERVER_KEY, addresses: ['10.6.0.1/24'], listenPort: 51820 });
    expect(listPeers(doc)).toEqual([{ name: 'laptop', publicKey: LAPTOP_PUB, allowedIps: laptop.allowedIps, enabled: true }]);
    expect(renderServerConfig(doc)).toBe(text);
  });

  it('accepts an empty file', () => {
    const doc = parseServerConfig('');
    expect(doc).toEqual({ iface: { addresses: [] }, segments: [] });
    expect(renderServerConfig(doc)).toBe('');
  });

  const block = (name: string, body = `[Peer]\nPublicKey = ${LAPTOP_PUB}\nAllowedIPs = 10.6.0.2/32\n`): string =>
    `### begin ${name} ###\n${body}### end ${name} ###\n`;

  it.each([
    ['an unterminated block', `[Interface]\n### begin a ###\n[Peer]\nPublicKey = ${LAPTOP_PUB}\n`, /line 2: .*no "### end a ###"/],
    ['a duplicate block name', `${block('a')}${block('a')}`, /line 6: a second block is named "a"/],
    ['a block without PublicKey', block('a', '[Peer]\nAllowedIPs = 10.6.0.2/32\n'), /line 1: block "a" has no PublicKey/],
    ['a block without [Peer]', block('a', `PublicKey = ${LAPTOP_PUB}\n`), /line 2: a key before \[Peer\]/],
    ['a block with two [Peer]', block('a', `[Peer]\nPublicKey = ${LAPTOP_PUB}\n[Peer]\n`), /line 4: block "a" must hold exactly one \[Peer\]/],
    ['an end marker for another name', `### begin a ###\n[Peer]\nPublicKey = ${LAPTOP_PUB}\n### end b ###\n`, /line 4: .*closes block "a"/],
    ['an end marker without begin', `[Interface]\n### end a ###\n`, /line 2: end marker for "a" without its begin marker/],
    ['a begin marker inside a block', `### begin a ###\n[Peer]\n### begin b ###\n`, /line 1: .*before line 3/],
    [
      'an unprefixed line in a disabled block',
      `#[disabled] ### begin a ###\n#[disabled] [Peer]\nPublicKey = ${LAPTOP_PUB}\n#[disabled] ### end a ###\n`,
      /line 3: .*lacks the "#\[disabled\]" prefix/,
    ],
    [
      'a disabled end marker for an enabled block',
      `### begin a ###\n[Peer]\nPublicKey = ${LAPTOP_PUB}\n#[disabled] ### end a ###\n`,
      /line 4: end marker of "a" is disabled/,
    ],
    ['a key right after a block', `${block('a')}PersistentKeepalive = 25\n`, /line 6: a key after "### end a ###"/],
    ['a key outside any section', `ListenPort = 1\n[Interface]\n`, /line 1: a key outside any \[Section\]/],
    ['a line that is not key = value', `[Interface]\nhello world\n`, /line 2: neither/],
    ['a second [Interface]', `[Interface]\n[Interface]\n`, /line 2: a second \[Interface\]/],
    ['a hand peer without PublicKey', `[Interface]\n\n[Peer]\nAllowedIPs = 10.6.0.9/32\n`, /line 3: \[Peer\] section has no PublicKey/],
    ['a malformed key', `[Peer]\nPublicKey = abc\n`, /line 2: PublicKey is not a WireGuard key/],
    ['a bad ListenPort', `[Interface]\nListenPort = 70000\n`, /line 2: ListenPort is out of range/],
  ])('refuses %s, naming the line', (_, text, message) => {
    expect(() => parseServerConfig(text)).toThrow(message);
  });
});

describe('renderPeerBlock', () => {
  it("writes PiVPN's block exactly (makeCONF.sh)", () => {
    expect(renderPeerBlock(tablet)).toBe(TABLET_BLOCK);
  });

  it('omits PresharedKey when there is none, and writes the disabled form', () => {
    expect(renderPeerBlock(phone)).toBe(
      [
        '#[disabled] ### begin bob@phone ###',
        '#[disabled] [Peer]',
        `#[disabled] PublicKey = ${PHONE_PUB}`,
        '#[disabled] AllowedIPs = 10.6.0.3/32,fd11:5ee:bad:c0de::a06:3/128',
        '#[disabled] ### end bob@phone ###',
        '',
      ].join('\n'),
    );
  });

  it.each<[string, Partial<PeerEntry>]>([
    ['a name that would break the markers', { name: 'a ###\n[Peer]' }],
    ['an empty name', { name: '' }],
    ['a bad public key', { publicKey: 'x' }],
    ['a bad preshared key', { presharedKey: 'x' }],
    ['no AllowedIPs', { allowedIps: [] }],
    ['a bad AllowedIPs entry', { allowedIps: ['10.6.0.4/32\nEndpoint = evil:1'] }],
  ])('refuses %s', (_, change) => {
    expect(() => renderPeerBlock({ ...tablet, ...change })).toThrow(Error);
  });
});

describe('editing', () => {
  it('appends a new block at the end, as PiVPN does', () => {
    const doc = parseServerConfig(PIVPN_FILE);
    const added = addPeer(doc, tablet);
    expect(renderServerConfig(added)).toBe(PIVPN_FILE + TABLET_BLOCK);
    expect(listPeers(added)).toEqual([laptop, phone, tablet]);
    expect(listPeers(parseServerConfig(renderServerConfig(added)))).toEqual([laptop, phone, tablet]);
    // The original document is untouched.
    expect(renderServerConfig(doc)).toBe(PIVPN_FILE);
    expect(listPeers(doc)).toEqual([laptop, phone]);
  });

  it('ends the previous line first when the file lacks a final newline, in the file own line ending', () => {
    expect(renderServerConfig(addPeer(parseServerConfig(PIVPN_FILE.trimEnd()), tablet))).toBe(`${PIVPN_FILE.trimEnd()}\n${TABLET_BLOCK}`);
    const crlf = PIVPN_FILE.trimEnd().replace(/\n/g, '\r\n');
    expect(renderServerConfig(addPeer(parseServerConfig(crlf), tablet))).toBe(`${crlf}\r\n${TABLET_BLOCK.replace(/\n/g, '\r\n')}`);
    expect(renderServerConfig(addPeer(parseServerConfig(''), tablet))).toBe(TABLET_BLOCK);
  });

  it('refuses a second peer with the same name', () => {
    const doc = parseServerConfig(PIVPN_FILE);
    expect(() => addPeer(doc, { ...tablet, name: 'laptop' })).toThrow(/already exists/);
  });

  it("removes exactly the block's lines", () => {
    const doc = parseServerConfig(PIVPN_FILE);
    const removed = removePeer(doc, 'laptop');
    expect(renderServerConfig(removed)).toBe(PIVPN_FILE.replace(/### begin laptop ###[^]*### end laptop ###\n/, ''));
    expect(listPeers(removed)).toEqual([phone]);
    expect(() => removePeer(doc, 'nobody')).toThrow(/no peer named/);
    expect(renderServerConfig(doc)).toBe(PIVPN_FILE);
  });

  it('disables and enables like disableCONF.sh / enableCONF.sh, keeping extra lines of the block', () => {
    const withKeepalive = PIVPN_FILE.replace('### end laptop ###', 'PersistentKeepalive = 25\n### end laptop ###');
    const doc = parseServerConfig(withKeepalive);
    const disabled = setPeerEnabled(doc, 'laptop', false);
    expect(renderServerConfig(disabled)).toBe(
      withKeepalive.replace(/### begin laptop ###[^]*### end laptop ###\n/, (blockText) =>
        blockText.replace(/^/gm, '#[disabled] ').replace(/#\[disabled\] $/, ''),
      ),
    );
    expect(getPeer(disabled, 'laptop')).toEqual({ ...laptop, enabled: false });
    expect(renderServerConfig(setPeerEnabled(disabled, 'laptop', true))).toBe(withKeepalive);
    const enabledPhone = setPeerEnabled(doc, 'bob@phone', true);
    expect(renderServerConfig(enabledPhone)).toContain(`### begin bob@phone ###\n[Peer]\nPublicKey = ${PHONE_PUB}\n`);
    expect(listPeers(parseServerConfig(renderServerConfig(enabledPhone)))[1]).toEqual({ ...phone, enabled: true });
    // Already in that state: nothing changes.
    expect(setPeerEnabled(doc, 'laptop', true)).toBe(doc);
    expect(() => setPeerEnabled(doc, 'nobody', false)).toThrow(/no peer named/);
  });

  it('never lets a hand-written peer be edited as a managed one', () => {
    const doc = parseServerConfig(PIVPN_FILE);
    expect(listPeers(doc).map((p) => p.publicKey)).not.toContain(HAND_PUB);
    const withoutAll = removePeer(removePeer(doc, 'laptop'), 'bob@phone');
    expect(unmanagedPeers(withoutAll)).toHaveLength(1);
    expect(renderServerConfig(withoutAll)).toContain(`[Peer]\nPublicKey = ${HAND_PUB}\n`);
  });

  it('edits a 10,000-peer config correctly', () => {
    const header = serverInterfaceText({ privateKey: SERVER_KEY, addresses: ['10.0.0.1/16'], listenPort: 51820 });
    const blocks: string[] = [header];
    for (let i = 0; i < 10_000; i++) {
      blocks.push(renderPeerBlock({ ...tablet, name: `peer${i}`, allowedIps: [`10.0.${i >> 8}.${i & 255}/32`], enabled: i % 7 !== 0 }));
    }
    const big = blocks.join('');
    const doc = parseServerConfig(big);
    const added = addPeer(doc, { ...tablet, name: 'newest', allowedIps: ['10.0.200.1/32'] });
    const toggled = setPeerEnabled(added, 'peer5000', false);
    const removed = removePeer(toggled, 'peer1');
    const text = renderServerConfig(removed);
    const ips = allAllowedIps(removed);

    expect(listPeers(removed)).toHaveLength(10_000);
    expect(ips).toHaveLength(10_000);
    expect(text.length).toBeGreaterThan(big.length - 1000);
  });
});

describe('serverInterfaceText', () => {
  it("writes a fresh [Interface] in PiVPN's order that parses back", () => {
    const text = serverInterfaceText({
      privateKey: SERVER_KEY,
      addresses: ['10.6.0.1/24', 'fd11:5ee:bad:c0de::1/64'],
      listenPort: 51820,
      mtu: 1420,
      postUp: ['iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE'],
      postDown: ['iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE'],
    });
    expect(text).toBe(
      [
        '[Interface]',
        `PrivateKey = ${SERVER_KEY}`,
        'Address = 10.6.0.1/24,fd11:5ee:bad:c0de::1/64',
        'MTU = 1420',
        'ListenPort = 51820',
        'PostUp = iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE',
        'PostDown = iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE',
        '',
      ].join('\n'),
    );
    expect(parseServerConfig(text).iface).toEqual({
      privateKey: SERVER_KEY,
      addresses: ['10.6.0.1/24', 'fd11:5ee:bad:c0de::1/64'],
      listenPort: 51820,
      mtu: 1420,
    });
  });

  it.each([[{ privateKey: 'x' }], [{ addresses: [] }], [{ addresses: ['10.6.0.1'] }], [{ listenPort: 0 }], [{ mtu: 10 }], [{ postUp: ['echo hi\nrm -rf /'] }]])(
    'refuses %j',
    (change) => {
      expect(() => serverInterfaceText({ privateKey: SERVER_KEY, addresses: ['10.6.0.1/24'], listenPort: 51820, ...change })).toThrow(Error);
    },
  );
});

// ---------------------------------------------------------------------------------------------------------
// Generated files: random layout, comments, blank lines, CRLF, hand peers, enabled and disabled PiVPN blocks.

type Piece =
  { kind: 'lines'; lines: string[] } | { kind: 'managed'; entry: PeerEntry; lines: string[] } | { kind: 'unmanaged'; entry: UnmanagedPeer; lines: string[] };

const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
const hostIp = fc.tuple(fc.nat(255), fc.nat(255)).map(([c, d]) => `10.6.${c}.${d}/32`);
const v6Ip = fc.nat(0xffff).map((n) => `fd11:5ee:bad:c0de::a06:${n.toString(16)}/128`);
const cidr = fc.oneof(hostIp, v6Ip, fc.constant('192.168.5.0/24'));
const keyCase = (name: string) => fc.constantFrom(name, name.toLowerCase(), name.toUpperCase());
const assign = (name: string, value: string) => fc.tuple(keyCase(name), fc.constantFrom(' = ', '=', ' =', '   =  ')).map(([k, eq]) => `${k}${eq}${value}`);
const commentLine = fc
  .tuple(fc.constantFrom('#', '# ', '  # ', '#[disabled] '), fc.string({ maxLength: 30 }))
  .map(([hash, text]) => `${hash}note ${text.replace(/[\r\n]/g, ' ')}`);
const blankLine = fc.constantFrom('', '  ', '\t');
const filler = fc.array(fc.oneof(commentLine, blankLine), { maxLength: 2 });

/** AllowedIPs written over one or several lines. */
const allowedIpsLines = (ips: string[]) =>
  fc.tuple(fc.integer({ min: 1, max: Math.max(1, ips.length) }), fc.constantFrom(',', ', ')).chain(([split, separator]) => {
    const rest = ips.slice(split);
    return fc
      .tuple(
        assign('AllowedIPs', ips.slice(0, split).join(separator)),
        rest.length === 0 ? fc.constant<string[]>([]) : assign('AllowedIPs', rest.join(',')).map((l) => [l]),
      )
      .map(([a, b]) => [a, ...b]);
  });

const peerBody = fc
  .record({ publicKey: key, presharedKey: fc.option(key, { nil: undefined }), allowedIps: fc.array(cidr, { minLength: 1, maxLength: 3 }) })
  .chain((fields) =>
    fc
      .tuple(
        keyCase('[Peer]'),
        assign('PublicKey', fields.publicKey),
        fields.presharedKey === undefined ? fc.constant(undefined) : assign('PresharedKey', fields.presharedKey),
        allowedIpsLines(fields.allowedIps),
        filler,
        fc.option(assign('PersistentKeepalive', '25'), { nil: undefined }),
      )
      .map(([header, pub, psk, allowed, comments, keepalive]) => ({
        fields,
        lines: [header, pub, ...(psk === undefined ? [] : [psk]), ...comments, ...allowed, ...(keepalive === undefined ? [] : [keepalive])],
      })),
  );

const managedPiece = (name: string): fc.Arbitrary<Piece> =>
  fc.tuple(peerBody, fc.boolean()).map(([body, enabled]) => {
    const entry: PeerEntry = { name, publicKey: body.fields.publicKey, allowedIps: body.fields.allowedIps, enabled };
    if (body.fields.presharedKey !== undefined) entry.presharedKey = body.fields.presharedKey;
    const lines = [`### begin ${name} ###`, ...body.lines, `### end ${name} ###`].map((l) => (enabled ? l : `#[disabled] ${l}`));
    return { kind: 'managed', entry, lines };
  });

const unmanagedPiece: fc.Arbitrary<Piece> = fc.tuple(filler, peerBody).map(([before, body]) => {
  const entry: UnmanagedPeer = { publicKey: body.fields.publicKey, allowedIps: body.fields.allowedIps, enabled: true };
  if (body.fields.presharedKey !== undefined) entry.presharedKey = body.fields.presharedKey;
  return { kind: 'unmanaged', entry, lines: [...before, ...body.lines] };
});

const interfacePiece: fc.Arbitrary<Piece> = fc
  .tuple(
    keyCase('[Interface]'),
    assign('PrivateKey', SERVER_KEY),
    assign('Address', '10.6.0.1/24,fd11:5ee:bad:c0de::1/64'),
    filler,
    fc.option(assign('PostUp', 'iptables -A FORWARD -i %i -j ACCEPT; echo ok'), { nil: undefined }),
  )
  .map(([header, priv, address, comments, postUp]) => ({
    kind: 'lines',
    lines: [header, priv, ...comments, address, ...(postUp === undefined ? [] : [postUp])],
  }));

const names = fc.uniqueArray(fc.stringMatching(/^[a-zA-Z0-9@_][a-zA-Z0-9.@_-]{0,14}$/), { maxLength: 6 });

const generatedFile = names.chain((peerNames) =>
  fc
    .record({
      head: fc.option(interfacePiece, { nil: undefined }),
      body: fc.tuple(...peerNames.map(managedPiece)).chain((managed) =>
        fc
          .array(
            fc.oneof(
              unmanagedPiece,
              filler.map((lines): Piece => ({ kind: 'lines', lines })),
            ),
            { maxLength: 4 },
          )
          .chain((others) => fc.shuffledSubarray([...managed, ...others], { minLength: managed.length + others.length })),
      ),
      eol: fc.constantFrom('lf', 'crlf', 'mixed'),
      eolChoices: fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
      finalNewline: fc.boolean(),
    })
    .map(({ head, body, eol, eolChoices, finalNewline }) => {
      const pieces = head === undefined ? body : [head, ...body];
      const lines = pieces.flatMap((p) => p.lines);
      const text = lines
        .map((line, i) => {
          const crlf = eol === 'crlf' || (eol === 'mixed' && eolChoices[i % 200]);
          return line + (crlf ? '\r\n' : '\n');
        })
        .join('');
      return {
        text: finalNewline ? text : text.replace(/\r?\n$/, ''),
        managed: pieces.flatMap((p) => (p.kind === 'managed' ? [p.entry] : [])),
        unmanaged: pieces.flatMap((p) => (p.kind === 'unmanaged' ? [p.entry] : [])),
      };
    }),
);

/** PiVPN's sed edits on whole lines between a block's markers, for comparison. */
function sedBlock(text: string, name: string, edit: (line: string) => string | undefined): string {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  let inside = false;
  for (const line of lines) {
    const bare = line.replace(/\r?\n$/, '').replace(/^#\[disabled\] /, '');
    if (bare === `### begin ${name} ###`) inside = true;
    const edited = inside ? edit(line) : line;
    if (edited !== undefined) out.push(edited);
    if (inside && bare === `### end ${name} ###`) inside = false;
  }
  return out.join('');
}

describe('generated files (property)', () => {
  it('parse to the peers they were generated from, and render back byte for byte', () => {
    fc.assert(
      fc.property(generatedFile, ({ text, managed, unmanaged }) => {
        const doc = parseServerConfig(text);
        expect(renderServerConfig(doc)).toBe(text);
        expect(listPeers(doc)).toEqual(managed);
        expect(unmanagedPeers(doc)).toEqual(unmanaged);
        expect(allAllowedIps(doc).sort()).toEqual([...managed, ...unmanaged].flatMap((p) => p.allowedIps).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('remove and disable/enable edit exactly the lines PiVPN’s sed commands would', () => {
    fc.assert(
      fc.property(generatedFile, fc.nat(), ({ text, managed }, pick) => {
        fc.pre(managed.length > 0);
        const target = managed[pick % managed.length]!;
        const doc = parseServerConfig(text);
        expect(renderServerConfig(removePeer(doc, target.name))).toBe(sedBlock(text, target.name, () => undefined));
        const toggled = setPeerEnabled(doc, target.name, !target.enabled);
        const expected = target.enabled
          ? sedBlock(text, target.name, (line) => `#[disabled] ${line}`)
          : sedBlock(text, target.name, (line) => line.replace(/^#\[disabled\] /, ''));
        expect(renderServerConfig(toggled)).toBe(expected);
        expect(renderServerConfig(setPeerEnabled(toggled, target.name, target.enabled))).toBe(text);
        expect(getPeer(parseServerConfig(expected), target.name)).toEqual({ ...target, enabled: !target.enabled });
      }),
      { numRuns: 300 },
    );
  });

  it('add then remove gives the file back (plus a final newline if it lacked one)', () => {
    fc.assert(
      fc.property(generatedFile, ({ text, managed }) => {
        const doc = parseServerConfig(text);
        const entry: PeerEntry = { ...tablet, name: 'zz-new-peer' };
        const added = addPeer(doc, entry);
        const addedText = renderServerConfig(added);
        expect(listPeers(parseServerConfig(addedText))).toEqual([...managed, entry]);
        const restored = renderServerConfig(removePeer(added, entry.name));
        expect(restored === text || restored === `${text}\n` || restored === `${text}\r\n`).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
