/**
 * When peers end, as pure decisions: which changes /enable, /disable, /expire and the expiry clock make
 * to a peer, and, for all peers at a given instant, what is due (switch off, remind the owner) and when the
 * next thing falls due. The clock (expiry-clock.ts) only asks these again and again.
 */
import { formatEnd } from './duration.js';
import { UserError } from './errors.js';
import { ADMINS_OWNER, type DisableReason, type PeerEntry, type PeerMeta } from './peer.js';
import { withEnd, type PeerChange, type PeerEnd } from './peer-change.js';

export interface PeerState {
  entry: PeerEntry;
  meta?: PeerMeta;
}

export type DueAction = { kind: 'expire' | 'remind'; name: string; publicKey: string; owner: string; expiresAt: string };

const DAY = 86_400_000;

/** A record for a peer the bot has none for (written by hand, imported): owned by the admins. */
export function recordOf(view: PeerState, now: Date): PeerMeta {
  return view.meta ?? { name: view.entry.name, publicKey: view.entry.publicKey, owner: ADMINS_OWNER, createdAt: now.toISOString() };
}

/** /enable, /disable: a peer whose end has passed is not switched on (its end moves first, with /expire). */
export function switchChange(view: PeerState, enabled: boolean, now: Date, timeZone: string, reason?: Exclude<DisableReason, 'admin'>): PeerChange | undefined {
  const { entry, meta } = view;
  if (entry.enabled === enabled) return undefined;
  if (enabled && meta?.expiresAt && Date.parse(meta.expiresAt) <= now.getTime()) {
    throw new UserError('expiry.enableExpired', { name: entry.name, end: formatEnd(new Date(meta.expiresAt), timeZone) });
  }
  const updated = { ...entry, enabled };
  if (enabled) return { op: 'enable', entry: updated, ...(meta ? { meta } : {}) };
  return { op: 'disable', entry: updated, ...(meta ? { meta } : {}), ...(reason ? { reason } : {}) };
}

/**
 * /expire NAME END (`at` undefined: never). A peer its end had switched off comes back on in the same
 * change; any other peer keeps its state. Undefined when the end is already that.
 */
export function endChange(view: PeerState, at: Date | undefined, now: Date): PeerChange | undefined {
  const meta = recordOf(view, now);
  const end: PeerEnd = { setAt: now.toISOString(), ...(at ? { expiresAt: at.toISOString() } : {}) };
  if (!view.entry.enabled && meta.disabledReason === 'expired') return { op: 'enable', entry: { ...view.entry, enabled: true }, meta, end };
  if (view.meta && withEnd(meta, end).expiresAt === meta.expiresAt) return undefined;
  return { op: 'expiry', entry: view.entry, meta, end };
}

/** The clock's switch-off: only while the peer is still enabled, the same key, and its end has passed. */
export function expireChange(view: PeerState, publicKey: string, now: Date): PeerChange | undefined {
  const { entry, meta } = view;
  if (!entry.enabled || entry.publicKey !== publicKey || !meta?.expiresAt || Date.parse(meta.expiresAt) > now.getTime()) return undefined;
  return { op: 'disable', entry: { ...entry, enabled: false }, meta, reason: 'expired' };
}

/** When the owner is reminded: a day before for an access of 7 days or more, else at half its time. */
export function reminderAt(meta: PeerMeta): number | undefined {
  if (!meta.expiresAt) return undefined;
  const end = Date.parse(meta.expiresAt);
  const setAt = Date.parse(meta.expirySetAt ?? meta.createdAt);
  const lasting = end - setAt;
  if (!(lasting > 0)) return undefined;
  return lasting >= 7 * DAY ? end - DAY : setAt + Math.floor(lasting / 2);
}

/**
 * What is due at `now`: every enabled peer whose end has passed is switched off (also when it passed while
 * the bot was down); the others are reminded once, when their reminder time has come. A peer whose end
 * passed before its reminder was sent gets only the switch-off notice.
 */
export function dueActions(peers: readonly PeerState[], now: Date): DueAction[] {
  const t = now.getTime();
  const due: DueAction[] = [];
  for (const { entry, meta } of peers) {
    if (!entry.enabled || !meta?.expiresAt) continue;
    const base = { name: entry.name, publicKey: entry.publicKey, owner: meta.owner, expiresAt: meta.expiresAt };
    if (Date.parse(meta.expiresAt) <= t) due.push({ kind: 'expire', ...base });
    else if (meta.remindedFor !== meta.expiresAt && (reminderAt(meta) ?? Infinity) <= t) due.push({ kind: 'remind', ...base });
  }
  return due;
}

/** The next instant (ms) something falls due after `now`, or undefined when nothing will. */
export function nextDue(peers: readonly PeerState[], now: Date): number | undefined {
  const t = now.getTime();
  let next: number | undefined;
  for (const { entry, meta } of peers) {
    if (!entry.enabled || !meta?.expiresAt) continue;
    const end = Date.parse(meta.expiresAt);
    const remind = meta.remindedFor === meta.expiresAt ? undefined : reminderAt(meta);
    for (const at of [end, remind]) if (at !== undefined && at > t && (next === undefined || at < next)) next = at;
  }
  return next;
}
