import { describe, expect, it } from 'vitest';
import { deleteArgs, forbiddenFlows, parseConntrack } from '../../src/firewall/conntrack.js';
import { fullRestore, iptablesProfileChain, ownedBy, peerRestore, removeRestore } from '../../src/firewall/iptables.js';
import { profileRules, verdictFor } from '../../src/firewall/rules.js';

const s = {
  iface: 'wg0',
  tunnelNetworks: ['10.6.0.0/24', 'fd11::/64'],
  serverAddresses: ['10.6.0.1/32', 'fd11::1/128'],
  lanSubnets: ['192.168.1.0/24'],
  isolation: true,
};

describe('iptables scripts', () => {
  it('a profile chain per family: the Pi, the targets, isolation, the verdict (allowed returns to INPUT/FORWARD)', () => {
    const v4 = fullRestore([{ addresses: ['10.6.0.2/32', 'fd11::2/128'], profile: '192.168.1.10:445/tcp' }], 4, s, '');
    const chain = iptablesProfileChain('wg0', '192.168.1.10:445/tcp');
    expect(chain.length).toBeLessThanOrEqual(28);
    expect(v4).toContain(`-A ${chain} -d 10.6.0.1/32 -j RETURN`);
    expect(v4).toContain(`-A ${chain} -d 192.168.1.10/32 -p tcp -m tcp --dport 445 -j RETURN`);
    expect(v4).toContain(`-A ${chain} -d 10.6.0.0/24 -j DROP`);
    expect(v4).toContain(`-A ${chain} -j DROP`);
    expect(v4).not.toContain('fd11');
    expect(v4).toContain(`-A WGC-wg0-p -s 10.6.0.2/32 -g ${chain}`);
    expect(v4).toMatch(/-A WGC-wg0-p -j DROP\nCOMMIT\n$/);
    expect(v4).toContain('-A WGC-wg0 -o wg0 -j DROP');
    const v6 = fullRestore([{ addresses: ['10.6.0.2/32', 'fd11::2/128'], profile: 'full' }], 6, { ...s, isolation: false }, '');
    expect(v6).toContain('-A WGC-wg0-p -s fd11::2/128 -g WGC-wg0-full');
    expect(v6).toContain('-A WGC-wg0-full -j RETURN');
  });

  it('a restart replaces our hooks and chains (stale ones deleted), leaving everyone else’s alone', () => {
    const save = [
      ':INPUT ACCEPT [0:0]',
      ':WGC-wg0 - [0:0]',
      ':WGC-wg0-deadbeef - [0:0]',
      ':WGC-wg01 - [0:0]',
      ':DOCKER - [0:0]',
      '-A INPUT -i wg0 -j WGC-wg0-in',
      '-A FORWARD -j WGC-wg0',
      '-A FORWARD -j DOCKER',
      '-A FORWARD -j WGC-wg01',
    ].join('\n');
    expect(ownedBy(save, 'wg0')).toEqual({
      hooks: ['-D INPUT -i wg0 -j WGC-wg0-in', '-D FORWARD -j WGC-wg0'],
      chains: ['WGC-wg0', 'WGC-wg0-deadbeef'],
    });
    const text = fullRestore([], 4, s, save);
    expect(text).toContain('-X WGC-wg0-deadbeef');
    expect(text).not.toContain('DOCKER');
    expect(text).not.toContain('WGC-wg01');
    expect(text.indexOf('-D FORWARD -j WGC-wg0')).toBeLessThan(text.indexOf('-I FORWARD 1 -j WGC-wg0'));
  });

  it('a per-peer change: only its dispatch rules (and its profile chain the first time)', () => {
    const peer = { addresses: ['10.6.0.2/32', 'fd11::2/128'], profile: 'lan' };
    const first = peerRestore(peer, 4, s, new Map(), false);
    expect(first).toContain(':WGC-wg0-lan - [0:0]');
    expect(first).toContain('-I WGC-wg0-p 1 -s 10.6.0.2/32 -g WGC-wg0-lan');
    const moved = peerRestore({ ...peer, profile: 'full' }, 4, s, new Map([['10.6.0.2', 'WGC-wg0-lan']]), true);
    expect(moved.trim().split('\n')).toEqual([
      '*filter',
      '-D WGC-wg0-p -s 10.6.0.2/32 -g WGC-wg0-lan',
      '-I WGC-wg0-p 1 -s 10.6.0.2/32 -g WGC-wg0-full',
      'COMMIT',
    ]);
    expect(peerRestore(peer, 4, s, new Map([['10.6.0.2', 'WGC-wg0-lan']]), true)).toBe('');
    expect(removeRestore(peer.addresses, 6, s, new Map([['fd11::2', 'WGC-wg0-lan']]))).toBe('*filter\n-D WGC-wg0-p -s fd11::2/128 -g WGC-wg0-lan\nCOMMIT\n');
  });
});

describe('conntrack clean-up', () => {
  const listed = [
    'tcp      6 431999 ESTABLISHED src=10.6.0.2 dst=81.2.69.20 sport=40000 dport=443 src=81.2.69.20 dst=81.2.69.1 sport=443 dport=40000 [ASSURED] mark=0 use=1',
    'tcp      6 431999 ESTABLISHED src=10.6.0.2 dst=192.168.1.10 sport=40001 dport=445 src=192.168.1.10 dst=10.6.0.2 sport=445 dport=40001 [ASSURED] mark=0 use=1',
    'icmp     1 29 src=10.6.0.2 dst=10.6.0.1 type=8 code=0 id=7 src=10.6.0.1 dst=10.6.0.2 type=0 code=0 id=7 mark=0 use=1',
    'conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.',
  ].join('\n');

  it('parses the original direction and cuts only what the new profile forbids', () => {
    const flows = parseConntrack(listed, 4);
    expect(flows).toHaveLength(3);
    expect(flows[0]).toEqual({ family: 4, protocol: 'tcp', source: '10.6.0.2', destination: '81.2.69.20', sport: 40000, dport: 443 });
    const cut = forbiddenFlows(flows, profileRules('192.168.1.10:445/tcp', s));
    expect(cut.map((f) => f.destination)).toEqual(['81.2.69.20']);
    expect(deleteArgs(cut[0]!)).toEqual(['-D', '-f', 'ipv4', '-s', '10.6.0.2', '-d', '81.2.69.20', '-p', 'tcp', '--sport', '40000', '--dport', '443']);
    expect(forbiddenFlows(flows, profileRules('full', s))).toEqual([]);
    expect(forbiddenFlows(flows, profileRules('lan', s)).map((f) => f.destination)).toEqual(['81.2.69.20']);
  });

  it('decides like the firewall: the Pi first, isolation before full, ports need their protocol', () => {
    const rules = profileRules('full', s);
    expect(verdictFor(rules, { family: 4, destination: '10.6.0.9', protocol: 'icmp' })).toBe('drop');
    expect(verdictFor(rules, { family: 4, destination: '10.6.0.1', protocol: 'icmp' })).toBe('accept');
    expect(verdictFor(rules, { family: 6, destination: '2001:db8::1', protocol: 'tcp', dport: 443 })).toBe('accept');
    const one = profileRules('192.168.1.10:445/tcp', s);
    expect(verdictFor(one, { family: 4, destination: '192.168.1.10', protocol: 'udp', dport: 445 })).toBe('drop');
    expect(verdictFor(one, { family: 4, destination: '192.168.1.10', protocol: 'tcp', dport: 22 })).toBe('drop');
  });
});
