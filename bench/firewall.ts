/**
 * The firewall's share of /addpeer with a profile at 1,000 peers, backend by backend, in a private namespace:
 * the table written with 1,000 peers, then one new peer per change. "nft per change" is how it was done
 * before (a process per change, `nft -f -`); "nft -i" is the long-lived session used now; iptables is the
 * backend for systems without nftables (iptables-restore --noflush per family and change).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createProcessRunner } from '../src/exec/runner.js';
import { IptablesPeerPolicy } from '../src/firewall/iptables.js';
import { NftPeerPolicy, peerScript } from '../src/firewall/nft.js';
import { percentile } from './lab.js';
import type { PeerPolicy, PolicyPeer } from '../src/core/ports.js';

const settings = () => ({
  iface: 'wgbench0',
  tunnelNetworks: ['10.80.0.0/16', 'fd11:5ee:bad:c0de::/64'],
  serverAddresses: ['10.80.0.1/32', 'fd11:5ee:bad:c0de::1/128'],
  lanSubnets: ['192.168.1.0/24'],
  isolation: true,
});
const peer = (i: number, profile: string): PolicyPeer => ({
  addresses: [`10.80.${(i + 2) >> 8}.${(i + 2) & 0xff}/32`, `fd11:5ee:bad:c0de::${(i + 2).toString(16)}/128`],
  profile,
});

export async function benchFirewall(count: number, adds: number): Promise<string[]> {
  if (process.getuid?.() !== 0) return ['firewall apply: skipped (needs root for a private namespace)'];
  const runner = createProcessRunner();
  const seed = Array.from({ length: count }, (_, i) => peer(i, i % 3 === 0 ? 'lan' : 'full'));
  const profile = '192.168.1.10:445/tcp';
  const rows: string[] = [];
  const cases: Array<[string, string, (ns: string) => PeerPolicy]> = [
    ['nft per change (before)', 'nft', (ns) => oneShotNft(ns)],
    ['nft -i session (now)', 'nft', (ns) => new NftPeerPolicy({ runner, nft: ['ip', 'netns', 'exec', ns, 'nft'], settings })],
    ['iptables-nft', 'iptables-nft-restore', (ns) => new IptablesPeerPolicy({ runner, variant: 'nft', prefix: ['ip', 'netns', 'exec', ns], settings })],
    [
      'iptables-legacy',
      'iptables-legacy-restore',
      (ns) => new IptablesPeerPolicy({ runner, variant: 'legacy', prefix: ['ip', 'netns', 'exec', ns], settings }),
    ],
  ];
  for (const [name, program, make] of cases) {
    try {
      execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    } catch {
      rows.push(`firewall apply ${name}: skipped (${program} not installed)`);
      continue;
    }
    const ns = `wgbf${randomBytes(3).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', ns]);
    const policy = make(ns);
    try {
      await policy.sync(seed);
      const times: number[] = [];
      for (let i = 0; i < adds; i++) {
        const t = performance.now();
        await policy.apply(peer(count + i, profile));
        times.push(performance.now() - t);
      }
      const steady = times.slice(Math.min(5, times.length - 1));
      rows.push(`firewall apply at ${count} peers, ${name}: p50 ${percentile(steady, 50).toFixed(2)} ms, p95 ${percentile(steady, 95).toFixed(2)} ms`);
    } finally {
      await policy.close?.();
      execFileSync('ip', ['netns', 'del', ns]);
    }
  }
  return rows;

  /** The way it was before the session: one `nft -f -` process per change (same scripts). */
  function oneShotNft(ns: string): PeerPolicy {
    const inner = new NftPeerPolicy({ runner, nft: ['ip', 'netns', 'exec', ns, 'nft'], settings });
    const present = new Map<string, string>();
    const chains = new Set<string>();
    const run = (script: string) => runner.run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: script });
    return {
      sync: (peers) => inner.sync(peers).then(() => inner.close()),
      async apply(p) {
        const chain = `prof_${p.profile}`;
        await run(peerScript(p, settings(), present, chains.has(chain)));
        chains.add(chain);
        for (const a of p.addresses) present.set(a.replace(/\/\d+$/, ''), 'x');
      },
      remove: async () => undefined,
    };
  }
}
