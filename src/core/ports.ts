/**
 * The seams between the domain and the outside world. Implementations live in src/wireguard and
 * src/store; tests replace only these.
 */
import type { InterfaceLiveState, PeerEntry } from './peer.js';

/** The server's interface config file (WG_CONFIG_DIR/WG_INTERFACE.conf). */
export interface InterfaceConfigFile {
  readonly path: string;
  /** undefined when the file does not exist. */
  read(): Promise<string | undefined>;
  /**
   * Atomic replace, mode 0600, with these consecutive chunks as the content (an add passes the bytes
   * written last time and the new block, so a 10,000-peer file is not encoded again).
   */
  write(chunks: readonly Uint8Array[]): Promise<void>;
  /** Cheap fingerprint (no read) that changes whenever the file is replaced or edited, e.g. by hand. */
  stamp(): Promise<string>;
}

export interface LivePeer {
  publicKey: string;
  presharedKey?: string;
  allowedIps: string[];
  persistentKeepalive?: number;
}

/** The running WireGuard interface, driven through `wg`. */
export interface LiveInterface {
  readonly name: string;
  /** undefined when the interface does not exist (not up). */
  state(): Promise<InterfaceLiveState | undefined>;
  /** Add or update one peer without touching the others. False when the interface is not up. */
  setPeer(peer: LivePeer): Promise<boolean>;
  /** False when the interface is not up. */
  removePeer(publicKey: string): Promise<boolean>;
}

/** Extra files kept in step with every peer change (PiVPN's keys/, configs/, clients.txt). */
export interface PeerFileMirror {
  added(peer: PeerEntry, client: { privateKey?: string; config?: string; createdAt: Date }): Promise<void>;
  removed(peer: PeerEntry): Promise<void>;
  enabledChanged(peer: PeerEntry): Promise<void>;
}
