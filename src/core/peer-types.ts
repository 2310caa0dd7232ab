/** What PeerService takes and gives (its settings and views), apart from the class itself. */
import type { PeerEntry, PeerLiveState, PeerMeta } from './peer.js';
import type { ClientSettings } from './peer-client.js';

export interface PeerSettings extends ClientSettings {
  /** WG_SUBNET / WG_SUBNET6 override the file's [Interface] Address (used by the interface document). */
  subnet?: string;
  subnet6?: string;
  keepClientKeys: boolean;
  undoSeconds: number;
  /** WG_DEFAULT_PROFILE (canonical profile text); "full" when unset. */
  defaultProfile?: string;
  /** Where dates are shown and read (TZ, else the system's); UTC when unset. */
  timeZone?: string;
}

export interface PeerView {
  entry: PeerEntry;
  meta?: PeerMeta;
}

export interface PeerWithLive extends PeerView {
  live?: PeerLiveState;
}

export interface DriftReport {
  /** Human-readable findings for the log, doctor and /status (operator-facing detail, not translated). */
  findings: string[];
  /** Peers re-applied to the live interface at start. */
  applied: number;
}

export interface AddResult<X> {
  entry: PeerEntry;
  meta: PeerMeta;
  clientConfig: string;
  /** What the caller computed from the client config while the change was committed (e.g. the QR PNG). */
  extra: X;
  /** False when the interface is not up: the peer is in the file and goes live when the interface starts. */
  live: boolean;
}
