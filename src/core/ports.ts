/**
 * The seams between the domain and the outside world. Implementations live in src/wireguard and
 * src/store; tests replace only these.
 */
import type { TunnelSubnet } from './allocate.js';
import type { InterfaceLiveState, PeerEntry } from './peer.js';
import type { PeerChange } from './peer-change.js';
import type { ServerConfigDoc } from './server-config.js';

/** The server's interface config file (WG_CONFIG_DIR/WG_INTERFACE.conf). */
export interface InterfaceConfigFile {
  readonly path: string;
  /** undefined when the file does not exist. */
  read(): Promise<string | undefined>;
  /**
   * Atomic replace, mode 0600, with these consecutive chunks as the content (a change passes views of the
   * bytes written last time around the changed block, so a 10,000-peer file is not encoded again).
   */
  write(chunks: readonly Uint8Array[], beforeReplace?: Promise<unknown>): Promise<void>;
  /** Cheap fingerprint (no read) that changes whenever the file is replaced or edited, e.g. by hand. */
  stamp(): Promise<string>;
}

export interface LivePeer {
  publicKey: string;
  presharedKey?: string;
  allowedIps: string[];
  persistentKeepalive?: number;
}

/** The running WireGuard interface: its control socket (wireguard-go, src/wireguard/uapi.ts), else the `wg` CLI (src/wireguard/wg-cli.ts). */
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

/** One peer as the firewall sees it: its tunnel addresses and what its profile lets it reach. */
export interface PolicyPeer {
  /** The peer's tunnel addresses (server-side AllowedIPs: "10.6.0.2/32", "fd11::a06:2/128"). */
  addresses: string[];
  /** Canonical profile text (src/core/profile.ts). */
  profile: string;
}

/**
 * The Pi's firewall for the tunnel: it enforces each peer's profile, keyed on the peer's tunnel address,
 * whatever the client's config says. Changes are per peer; `sync` makes the whole set consistent (at start).
 */
export interface PeerPolicy {
  sync(peers: readonly PolicyPeer[]): Promise<void>;
  apply(peer: PolicyPeer): Promise<void>;
  remove(addresses: readonly string[]): Promise<void>;
  /** Ends what the backend keeps running (nft's interactive process). */
  close?(): Promise<void>;
  /** Whether a profile change cuts the connections it forbids (false: conntrack is missing); undefined: unknown. */
  cutsConnections?(): boolean | undefined;
}

/** Where a journaled change stands. */
export type JournalState = 'begun' | 'done' | 'undoing' | 'undone';

export interface JournalRecord {
  seq: number;
  state: JournalState;
  change: PeerChange;
}

/**
 * Intent, then completion, of each peer change (src/store/journal.ts). Writing a record must not need
 * new disk space, so a change can still be marked failed or undone on a full disk.
 */
export interface ChangeJournal {
  /** The newest record (undefined: none yet). */
  last(): Promise<JournalRecord | undefined>;
  /** Record the intent; returns its sequence number. Throws when it cannot (nothing was changed then). */
  begin(change: PeerChange): Promise<number>;
  /** Move the record of `seq` to `state`. */
  mark(seq: number, state: Exclude<JournalState, 'begun'>): Promise<void>;
}

/** Peers of the interface config file and the addresses they hold, kept up to date change by change. */
export interface PeerIndex {
  list: PeerEntry[];
  byName: Map<string, PeerEntry>;
  /** IPv4 host addresses held by any peer (managed, disabled or hand-written). */
  used: Set<number>;
}

/**
 * The interface config file as a document (src/wireguard/interface-document.ts): loaded, checked,
 * re-read when it changed on disk, and changed by a PeerChange (writing only the bytes that changed).
 */
export interface InterfaceDocument {
  readonly path: string;
  /** The document (after load()). */
  readonly doc: ServerConfigDoc;
  readonly subnet: TunnelSubnet;
  readonly serverPublicKey: string;
  index(): PeerIndex;
  /** Read and check the file (ConfigError when it is missing or wrong). */
  load(): Promise<void>;
  /** Re-read when the file changed on disk since it was last read or written; true when it had. */
  refresh(): Promise<boolean>;
  /**
   * Apply a change to the file (idempotent); false when the file already showed it (nothing written).
   * `beforeReplace`: the new content is written meanwhile, and replaces the file only once it resolves.
   */
  apply(change: PeerChange, beforeReplace?: Promise<unknown>): Promise<boolean>;
}
