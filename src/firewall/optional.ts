import type { PeerPolicy } from '../core/ports.js';
import type { CommandRunner } from '../exec/runner.js';
import type { Logger } from '../log/logger.js';

/**
 * WG_FIREWALL=auto on a system without nftables: profiles shape the client configs but are not enforced
 * (the iptables backend is not written yet); said at start, loudly, instead of refusing to start.
 * WG_FIREWALL=nftables: a missing nft stops the start (sync fails).
 */
export function whenNftPresent(policy: PeerPolicy, auto: boolean, runner: CommandRunner, logger: Logger): PeerPolicy {
  let enabled = true;
  return {
    async sync(peers) {
      if (auto) {
        const found = await runner.run('nft', ['--version'], { reject: false }).then((r) => r.exitCode === 0, () => false);
        if (!found) {
          enabled = false;
          logger.warn('nftables (nft) not found: per-peer profiles are NOT enforced by this Pi, only written into client configs (set WG_FIREWALL=off to silence this)');
          return;
        }
      }
      await policy.sync(peers);
    },
    apply: (peer) => (enabled ? policy.apply(peer) : Promise.resolve()),
    remove: (addresses) => (enabled ? policy.remove(addresses) : Promise.resolve()),
  };
}
