/** The long-lived `nft -i` against real nftables in a namespace made here: commits, refusals, its death. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessRunner } from '../../src/exec/runner.js';
import { NftPeerPolicy, tableName } from '../../src/firewall/nft.js';
import { NftSession } from '../../src/firewall/nft-session.js';
import { rootWith, sh } from '../helpers/netns.js';

const enabled = rootWith('nft', 'ip');

describe.runIf(enabled)('nft -i session (real nftables in a namespace)', () => {
  const ns = `wgcn${randomBytes(3).toString('hex')}`;
  const nft = ['ip', 'netns', 'exec', ns, 'nft'];
  const list = () => sh('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset']);
  beforeAll(() => sh('ip', ['netns', 'add', ns]));
  afterAll(() => sh('ip', ['netns', 'del', ns]));

  it('commits a batch, refuses a bad one whole with nft’s message, and starts again after kill -9', async () => {
    const session = new NftSession({ argv: nft });
    try {
      await session.batch(['add table inet t1', 'add chain inet t1 c']);
      expect(list()).toMatch(/table inet t1/);
      // The second command fails: the first of the same batch is not committed either.
      await expect(session.batch(['add table inet t2', 'add rule inet t1 nochain accept'])).rejects.toThrow(
        /nft refused the change: .*No such file or directory/s,
      );
      expect(list()).not.toMatch(/table inet t2/);
      await expect(session.batch(['add chain inet t1 c2 {'])).rejects.toThrow(/syntax error/);
      const pid = session.pid!;
      await session.batch(['add table inet t3']);
      expect(session.pid).toBe(pid); // one process for every batch
      process.kill(pid, 'SIGKILL');
      while (session.pid !== undefined) await new Promise((r) => setTimeout(r, 20));
      await session.batch(['add table inet t4']);
      expect(session.pid).not.toBe(pid);
      expect(list()).toMatch(/table inet t4/);
      expect(() => session.batch(['add table inet x\nadd table inet y'])).toThrow(/one line/);
    } finally {
      await session.close();
    }
    expect(session.pid).toBeUndefined();
  });

  it('the policy reads its maps back after nft died mid-change, and goes on', async () => {
    const runner = createProcessRunner();
    const settings = () => ({
      iface: 'wgx0',
      tunnelNetworks: ['10.9.0.0/24'],
      serverAddresses: ['10.9.0.1/32'],
      lanSubnets: ['192.168.9.0/24'],
      isolation: true,
    });
    const policy = new NftPeerPolicy({ runner, nft, settings });
    try {
      await policy.sync([{ addresses: ['10.9.0.2/32'], profile: 'full' }]);
      await policy.apply({ addresses: ['10.9.0.3/32'], profile: 'lan' });
      const session = (policy as unknown as { session: NftSession }).session;
      // A change whose outcome is unknown: nft killed while it is being sent.
      const pending = policy.apply({ addresses: ['10.9.0.4/32'], profile: 'lan' });
      await new Promise((r) => setTimeout(r, 0));
      if (session.pid) process.kill(session.pid, 'SIGKILL');
      await pending; // the session died under it: the change went through a one-shot nft -f instead
      expect(sh('ip', ['netns', 'exec', ns, 'nft', 'list', 'map', 'inet', tableName('wgx0'), 'peers4'])).toMatch(/10\.9\.0\.4 : jump prof_lan/);
      // Whatever happened to it, the next changes are right: moving 10.9.0.2 to lan deletes its old element first.
      await policy.apply({ addresses: ['10.9.0.2/32'], profile: 'lan' });
      await policy.apply({ addresses: ['10.9.0.4/32'], profile: 'full' });
      const map = sh('ip', ['netns', 'exec', ns, 'nft', 'list', 'map', 'inet', tableName('wgx0'), 'peers4']);
      expect(map).toMatch(/10\.9\.0\.2 : jump prof_lan/);
      expect(map).toMatch(/10\.9\.0\.3 : jump prof_lan/);
      expect(map).toMatch(/10\.9\.0\.4 : jump prof_full/);
    } finally {
      await policy.close();
    }
  });
});
