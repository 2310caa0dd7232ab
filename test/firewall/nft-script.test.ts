import { describe, expect, it } from 'vitest';
import { fullScript, peerRules, peerScript, profileChain, removeScript, tableName } from '../../src/firewall/nft.js';

const s = {
  iface: 'wg0',
  tunnelNetworks: ['10.6.0.0/24', 'fd11::/64'],
  serverAddresses: ['10.6.0.1/32', 'fd11::1/128'],
  lanSubnets: ['192.168.1.0/24'],
  isolation: true,
};

describe('nft scripts', () => {
  it('a profile chain: the Pi first, the named targets, isolation, then the verdict', () => {
    expect(peerRules({ addresses: [], profile: '10.6.0.3,192.168.1.10:445/tcp' }, s)).toEqual([
      'ip daddr 10.6.0.1/32 accept',
      'ip6 daddr fd11::1/128 accept',
      'ip daddr 10.6.0.3/32 accept', // another peer named by the profile passes isolation
      'ip daddr 192.168.1.10/32 tcp dport 445 accept',
      'ip daddr 10.6.0.0/24 drop',
      'ip6 daddr fd11::/64 drop',
      'drop',
    ]);
    expect(peerRules({ addresses: [], profile: 'full' }, { ...s, isolation: false }).at(-1)).toBe('accept');
    expect(peerRules({ addresses: [], profile: 'full' }, { ...s, isolation: false })).not.toContain('ip daddr 10.6.0.0/24 drop');
  });

  it('a per-peer change touches only that peer’s elements (and its profile chain the first time)', () => {
    const peer = { addresses: ['10.6.0.2/32', 'fd11::a06:2/128'], profile: 'lan' };
    const first = peerScript(peer, s);
    expect(first).toContain(`add chain inet ${tableName('wg0')} prof_lan`);
    expect(first).toContain('add element inet wgchatops_wg0_peers peers4 { 10.6.0.2 : jump prof_lan }');
    expect(first).toContain('add element inet wgchatops_wg0_peers peers6 { fd11::a06:2 : jump prof_lan }');
    const again = peerScript(
      { ...peer, profile: 'full' },
      s,
      new Map([
        ['10.6.0.2', 'prof_lan'],
        ['fd11::a06:2', 'prof_lan'],
      ]),
      true,
    );
    expect(again.trim().split('\n')).toEqual([
      'delete element inet wgchatops_wg0_peers peers4 { 10.6.0.2 }',
      'add element inet wgchatops_wg0_peers peers4 { 10.6.0.2 : jump prof_full }',
      'delete element inet wgchatops_wg0_peers peers6 { fd11::a06:2 }',
      'add element inet wgchatops_wg0_peers peers6 { fd11::a06:2 : jump prof_full }',
    ]);
    expect(removeScript(peer.addresses, s, new Map([['10.6.0.2', 'prof_lan']]))).toBe('delete element inet wgchatops_wg0_peers peers4 { 10.6.0.2 }\n');
    expect(profileChain('192.168.1.10:445/tcp')).toMatch(/^prof_[0-9a-f]{16}$/);
  });

  it('the full table drops unknown tunnel sources and new connections into the tunnel', () => {
    const text = fullScript([], s);
    expect(text).toMatch(/delete table inet wgchatops_wg0_peers/);
    expect(text).toContain('iifname "wg0" drop');
    expect(text).toContain('oifname "wg0" drop');
  });
});
