/** A WireGuard peer as the bot knows it: what the interface config file holds, plus what only the database holds. */
export interface PeerEntry {
  name: string;
  publicKey: string;
  presharedKey?: string;
  /** The peer's tunnel addresses, e.g. ["10.6.0.2/32", "fd11:5ee:bad:c0de::a06:2/128"]. */
  allowedIps: string[];
  enabled: boolean;
}

/** Owner of peers nobody asked for through the bot (imported from PiVPN, written by hand): the admins. */
export const ADMINS_OWNER = 'admins';

/** What the database adds to a peer (the file cannot hold these). */
export interface PeerMeta {
  name: string;
  publicKey: string;
  /** "platform:id" of the person the peer belongs to; admins own imported peers. */
  owner: string;
  createdAt: string;
  /** What the peer may reach (canonical profile text, src/core/profile.ts); absent: full. */
  profile?: string;
  /** Base64 client private key, kept only when KEEP_CLIENT_KEYS is true (so /qr can resend). */
  privateKey?: string;
  /** Set while the peer is disabled (the file says so too): a `#[disabled] ` added by hand shows as a difference. */
  disabled?: true;
  /** Why it is disabled, when not by an admin or by hand: its end passed, or its data quota was used up. */
  disabledReason?: Exclude<DisableReason, 'admin'>;
  /** When its access ends (ISO instant); absent: never. */
  expiresAt?: string;
  /** When that end was set (ISO): a short access is reminded at half its time. */
  expirySetAt?: string;
  /** The end (expiresAt) whose reminder the owner got: once per end. */
  remindedFor?: string;
}

/** Why a peer is switched off: by an admin (/disable), its end passed (/expire), its quota was used up. */
export type DisableReason = 'admin' | 'expired' | 'quota';

/** Live state of a peer, parsed from `wg show IFACE dump`. */
export interface PeerLiveState {
  publicKey: string;
  endpoint?: string;
  allowedIps: string[];
  /** Unix seconds; 0 = never. */
  latestHandshake: number;
  rxBytes: number;
  txBytes: number;
  persistentKeepalive?: number;
}

export interface InterfaceLiveState {
  privateKeyPresent: boolean;
  publicKey: string;
  listenPort: number;
  peers: PeerLiveState[];
}
