/** WG_FIREWALL=auto picks by what is installed (a recording runner stands in for the programs: nothing is run). */
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/core/errors.js';
import type { CommandRunner } from '../../src/exec/runner.js';
import { firewallPolicy } from '../../src/firewall/select.js';
import { createMemoryLogger } from '../../src/log/logger.js';

function runner(installed: string[]): CommandRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async run(file, args) {
      calls.push([file, ...args].join(' '));
      if (!installed.includes(file)) throw new ToolError(`${file}: program not found`);
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
}
const settings = () => ({
  iface: 'wg0',
  tunnelNetworks: ['10.6.0.0/24'],
  serverAddresses: ['10.6.0.1/32'],
  lanSubnets: [],
  isolation: true,
});
const peers = [{ addresses: ['10.6.0.2/32'], profile: 'lan' }];

describe('firewall backend selection', () => {
  it('auto: nftables when nft is there', async () => {
    const r = runner(['nft', 'conntrack']);
    const p = firewallPolicy({ setting: 'auto', runner: r, logger: createMemoryLogger(), settings });
    await p.sync(peers);
    expect(r.calls.some((c) => c.startsWith('nft -f -'))).toBe(true);
    expect(r.calls.some((c) => c.startsWith('iptables'))).toBe(false);
    expect(p.cutsConnections?.()).toBe(true);
    await p.close?.();
  });

  it('auto without nft: iptables and ip6tables (chains per interface); conntrack missing is known', async () => {
    const r = runner(['iptables-restore', 'iptables-save', 'ip6tables-save', 'ip6tables-restore']);
    const log = createMemoryLogger();
    const p = firewallPolicy({ setting: 'auto', runner: r, logger: log, settings });
    await p.sync(peers);
    expect(r.calls).toContain('iptables-restore --noflush --wait=5');
    expect(r.calls).toContain('ip6tables-restore --noflush --wait=5');
    expect(p.cutsConnections?.()).toBe(false);
    expect(log.lines.join('\n')).toMatch(/conntrack not found/);
  });

  it('auto with neither: profiles are not enforced, said loudly, and changes do nothing', async () => {
    const r = runner([]);
    const log = createMemoryLogger();
    const p = firewallPolicy({ setting: 'auto', runner: r, logger: log, settings });
    await p.sync(peers);
    await p.apply(peers[0]!);
    expect(log.lines.join('\n')).toMatch(/NOT enforced/);
    expect(r.calls).toEqual(['nft --version', 'iptables-restore --version']);
    expect(p.cutsConnections?.()).toBeUndefined();
  });

  it('a backend named explicitly but missing stops the start', async () => {
    const p = firewallPolicy({ setting: 'iptables', runner: runner([]), logger: createMemoryLogger(), settings });
    await expect(p.sync(peers)).rejects.toThrow(/iptables-save: program not found/);
  });
});
