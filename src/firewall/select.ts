/**
 * Which firewall backend enforces the profiles (WG_FIREWALL): nftables, iptables, or auto (chosen at start
 * by what is installed: nft first, then iptables-restore). With auto and neither, profiles shape the client
 * configs but are not enforced: said at start, loudly, instead of refusing to start. A backend named
 * explicitly that is missing stops the start (its sync fails).
 */
import type { PeerPolicy, PolicyPeer } from '../core/ports.js';
import type { CommandRunner } from '../exec/runner.js';
import type { Logger } from '../log/logger.js';
import { Conntrack } from './conntrack.js';
import { IptablesPeerPolicy } from './iptables.js';
import { NftPeerPolicy } from './nft.js';
import type { FirewallSettings } from './rules.js';

export type FirewallSetting = 'auto' | 'nftables' | 'iptables';

export interface FirewallOptions {
  setting: FirewallSetting;
  runner: CommandRunner;
  logger: Logger;
  settings: () => FirewallSettings;
}

const present = (runner: CommandRunner, file: string, args: string[]) =>
  runner.run(file, args, { reject: false }).then(
    (r) => r.exitCode === 0,
    () => false,
  );

/** The backend auto picks on this system; undefined: none installed. */
export async function detectBackend(runner: CommandRunner): Promise<'nftables' | 'iptables' | undefined> {
  if (await present(runner, 'nft', ['--version'])) return 'nftables';
  if (await present(runner, 'iptables-restore', ['--version'])) return 'iptables';
  return undefined;
}

/** The PeerPolicy for WG_FIREWALL; the backend is chosen at the first sync (start). */
export function firewallPolicy(o: FirewallOptions): PeerPolicy {
  const conntrack = new Conntrack({ runner: o.runner, logger: o.logger });
  let backend: PeerPolicy | undefined;
  let chosen = false;
  const choose = async (): Promise<PeerPolicy | undefined> => {
    if (chosen) return backend;
    chosen = true;
    const kind = o.setting === 'auto' ? await detectBackend(o.runner) : o.setting;
    if (kind === undefined) {
      o.logger.warn(
        'neither nftables (nft) nor iptables found: per-peer profiles are NOT enforced by this Pi, only written into client configs (set WG_FIREWALL=off to silence this)',
      );
      return undefined;
    }
    o.logger.info(`per-peer firewall: ${kind}`);
    const common = { runner: o.runner, settings: o.settings, conntrack };
    backend = kind === 'nftables' ? new NftPeerPolicy(common) : new IptablesPeerPolicy(common);
    return backend;
  };
  return {
    async sync(peers: readonly PolicyPeer[]) {
      await (await choose())?.sync(peers);
    },
    apply: (peer) => backend?.apply(peer) ?? Promise.resolve(),
    remove: (addresses) => backend?.remove(addresses) ?? Promise.resolve(),
    close: () => backend?.close?.() ?? Promise.resolve(),
    cutsConnections: () => (backend ? conntrack.available : undefined),
  };
}
