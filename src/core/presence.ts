/**
 * Connect/disconnect notices, decided by pure functions: (state, sample, now) → { state, notices }.
 * Online = a sign of life within `onlineSeconds`: a handshake (WireGuard re-handshakes every 2 minutes
 * while traffic flows) or bytes received from the peer (only authenticated packets count; a client
 * whose interface went down and up keeps its session and sends without a new handshake). Offline once
 * the last sign of life is older than that plus `graceSeconds`. In between the peer
 * keeps the state it had. At most one notice per peer per `debounceSeconds`: transitions inside that
 * window are counted, and the next notice summarises them ("4 reconnects in the last hour").
 */
import { paragraph, type Reply } from './reply.js';
import type { Translate } from './translate.js';

export interface PresenceSettings {
  onlineSeconds: number;
  graceSeconds: number;
  debounceSeconds: number;
}

export const DEFAULT_PRESENCE: PresenceSettings = { onlineSeconds: 180, graceSeconds: 120, debounceSeconds: 600 };

export interface PresenceState {
  online: boolean;
  /** What the last notice said (or what the peer was when watching began: no notice for that). */
  announced: boolean;
  /** Unix seconds of the last notice (0: none). */
  lastNoticeAt: number;
  /** The endpoint shown in the last connect notice (or seen when watching began). */
  endpoint?: string;
  /** Unix seconds of each connect within the last hour. */
  connects: number[];
}

export interface PresenceSample {
  /** Unix seconds of the last handshake or of the last sample in which the peer sent bytes; 0 = never. */
  lastSeen: number;
  endpoint?: string;
}

export type PresenceNotice = { kind: 'connect'; endpoint?: string; endpointChanged: boolean; reconnects: number } | { kind: 'disconnect'; reconnects: number };

const HOUR = 3600;

function isOnline(sample: PresenceSample, was: boolean | undefined, now: number, s: PresenceSettings): boolean {
  if (sample.lastSeen <= 0) return false;
  const age = now - sample.lastSeen;
  if (age <= s.onlineSeconds) return true;
  if (age > s.onlineSeconds + s.graceSeconds) return false;
  return was ?? false;
}

/** The first look at a peer: its state now, announced as such (no notice at start). */
export function initialPresence(sample: PresenceSample, now: number, s: PresenceSettings = DEFAULT_PRESENCE): PresenceState {
  const online = isOnline(sample, undefined, now, s);
  return { online, announced: online, lastNoticeAt: 0, ...(sample.endpoint ? { endpoint: sample.endpoint } : {}), connects: [] };
}

export function stepPresence(
  state: PresenceState,
  sample: PresenceSample,
  now: number,
  s: PresenceSettings = DEFAULT_PRESENCE,
): { state: PresenceState; notices: PresenceNotice[] } {
  const online = isOnline(sample, state.online, now, s);
  let connects = state.connects.filter((t) => now - t < HOUR);
  if (online && !state.online) connects = [...connects, now];
  const next: PresenceState = { ...state, online, connects };
  if (online === state.announced || now - state.lastNoticeAt < s.debounceSeconds) return { state: next, notices: [] };
  // Reconnects beyond the one this notice reports (1 connect = a plain connect, no flapping).
  const reconnects = connects.length > 1 ? connects.length : 0;
  next.announced = online;
  next.lastNoticeAt = now;
  if (!online) return { state: next, notices: [{ kind: 'disconnect', reconnects }] };
  const endpointChanged = !!sample.endpoint && !!state.endpoint && sample.endpoint !== state.endpoint;
  if (sample.endpoint) next.endpoint = sample.endpoint;
  return {
    state: next,
    notices: [{ kind: 'connect', ...(sample.endpoint ? { endpoint: sample.endpoint } : {}), endpointChanged, reconnects }],
  };
}

/** A notice as a reply, in the recipient's language. */
export function presenceReply(name: string, notice: PresenceNotice): (t: Translate) => Reply {
  return (t) => {
    const parts = [notice.kind === 'connect' ? t('notify.connected', { name }) : t('notify.disconnected', { name })];
    if (notice.kind === 'connect' && notice.endpoint)
      parts.push(t(notice.endpointChanged ? 'notify.newEndpoint' : 'notify.endpoint', { endpoint: notice.endpoint }));
    if (notice.reconnects > 1) parts.push(t('notify.flapping', { name, count: notice.reconnects }));
    return { blocks: [paragraph(parts.join(' '))] };
  };
}
