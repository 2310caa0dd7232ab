/** A WireGuard interface in memory for PeerService tests: up or down, and able to fail the way `wg` does. */
import { ToolError } from '../../src/core/errors.js';
import type { InterfaceLiveState } from '../../src/core/peer.js';
import type { LiveInterface, LivePeer } from '../../src/core/ports.js';

export class MemoryInterface implements LiveInterface {
  readonly name = 'wgmem';
  up = true;
  failNext = false;
  /** `peers`: what the interface holds at first (a crashed run's interface, say). */
  constructor(readonly peers = new Map<string, LivePeer>()) {}
  async state(): Promise<InterfaceLiveState | undefined> {
    if (!this.up) return undefined;
    return {
      privateKeyPresent: true,
      publicKey: 'x',
      listenPort: 51820,
      peers: [...this.peers.values()].map((p) => ({
        publicKey: p.publicKey,
        allowedIps: p.allowedIps,
        latestHandshake: 0,
        rxBytes: 0,
        txBytes: 0,
      })),
    };
  }
  async setPeer(peer: LivePeer) {
    if (this.failNext) {
      this.failNext = false;
      throw new ToolError('wg set on wgmem failed: Invalid argument');
    }
    if (!this.up) return false;
    this.peers.set(peer.publicKey, peer);
    return true;
  }
  async removePeer(key: string) {
    if (!this.up) return false;
    this.peers.delete(key);
    return true;
  }
}
