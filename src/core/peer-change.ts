/**
 * A peer change as a value. One function per target applies it (the database here, the config file in
 * src/wireguard/interface-document.ts, the live interface in peer-service.ts); every one of them is
 * idempotent, so the same change serves the commit, the rollback (its inverse) and the recovery at start.
 */
import type { BotData, TrashItem } from './database.js';
import type { DisableReason, PeerEntry, PeerMeta } from './peer.js';

export type PeerChange =
  /** `restoring`: the trash item an /undo takes the peer from (put back by the inverse). */
  | { op: 'add'; entry: PeerEntry; meta?: PeerMeta; restoring?: TrashItem }
  /** `trash`: kept for /undo (taken out again by the inverse). */
  | { op: 'remove'; entry: PeerEntry; meta?: PeerMeta; trash?: TrashItem }
  /**
   * `entry` as it is after the change; `meta` the record before it (the database notes `disabled`).
   * `end`: a new end set with it (/expire of an expired peer switches it back on in one change).
   */
  | { op: 'enable'; entry: PeerEntry; meta?: PeerMeta; end?: PeerEnd }
  /** `reason`: why (absent: an admin's /disable). */
  | { op: 'disable'; entry: PeerEntry; meta?: PeerMeta; reason?: DisableReason }
  /** /route: `meta` the record before the change, `profile` what the peer may reach after it (canonical text). */
  | { op: 'route'; entry: PeerEntry; meta: PeerMeta; profile: string }
  /** /expire: `meta` the record before the change, `end` the peer's end after it (the database only). */
  | { op: 'expiry'; entry: PeerEntry; meta: PeerMeta; end: PeerEnd };

/** A peer's end as a change carries it: `expiresAt` absent = never. */
export interface PeerEnd {
  expiresAt?: string;
  /** When it was set (ISO). */
  setAt: string;
}

export function inverse(change: PeerChange): PeerChange {
  switch (change.op) {
    case 'add':
      return {
        op: 'remove',
        entry: change.entry,
        ...(change.meta ? { meta: change.meta } : {}),
        ...(change.restoring ? { trash: change.restoring } : {}),
      };
    case 'remove':
      return {
        op: 'add',
        entry: change.entry,
        ...(change.meta ? { meta: change.meta } : {}),
        ...(change.trash ? { restoring: change.trash } : {}),
      };
    case 'route':
      return { op: 'route', entry: change.entry, meta: withProfile(change.meta, change.profile), profile: profileOf(change.meta) };
    case 'expiry':
      return { op: 'expiry', entry: change.entry, meta: withEnd(change.meta, change.end), end: endOf(change.meta) };
    case 'disable':
      return { op: 'enable', entry: { ...change.entry, enabled: true }, ...(change.meta ? { meta: change.meta } : {}) };
    case 'enable': {
      // Back to the record before: disabled for the reason it had (its end, if changed, is in `meta`).
      const reason = change.meta?.disabledReason;
      return {
        op: 'disable',
        entry: { ...change.entry, enabled: false },
        ...(change.meta ? { meta: change.meta } : {}),
        ...(reason ? { reason } : {}),
      };
    }
  }
}

/** The end a record holds, as a change carries it. */
export function endOf(meta: PeerMeta): PeerEnd {
  return { setAt: meta.expirySetAt ?? meta.createdAt, ...(meta.expiresAt ? { expiresAt: meta.expiresAt } : {}) };
}

/** The record without an end (and without the reminder that belonged to it). */
export function withoutEnd(meta: PeerMeta): PeerMeta {
  const { expiresAt: _a, expirySetAt: _b, remindedFor: _c, ...rest } = meta;
  return rest;
}

/** The record with `end` (none stored for "never"); replaced whole, never edited in place. */
export function withEnd(meta: PeerMeta, end: PeerEnd): PeerMeta {
  const rest = withoutEnd(meta);
  return end.expiresAt ? { ...rest, expiresAt: end.expiresAt, expirySetAt: end.setAt } : rest;
}

/** The record of an enabled peer (no `disabled`, no reason). */
export function withoutDisabled(meta: PeerMeta): PeerMeta {
  const { disabled: _was, disabledReason: _why, ...rest } = meta;
  return rest;
}

/** A peer's profile ("full" when its record names none, e.g. a peer adopted from PiVPN). */
export function profileOf(meta: PeerMeta | undefined): string {
  return meta?.profile ?? 'full';
}

/** The record with `profile` (none stored for "full"); replaced whole, never edited in place. */
export function withProfile(meta: PeerMeta, profile: string): PeerMeta {
  const { profile: _was, ...rest } = meta;
  return profile === 'full' ? rest : { ...rest, profile };
}

export function describeChange(change: PeerChange): string {
  return `${change.op} of ${change.entry.name}`;
}

/** The peer record a database holds after `change`, or undefined when it holds none. */
function metaAfter(change: PeerChange): PeerMeta | undefined {
  if (change.op === 'remove' || !change.meta) return undefined;
  if (change.op === 'route') return withProfile(change.meta, change.profile);
  if (change.op === 'expiry') return withEnd(change.meta, change.end);
  const rest = withoutDisabled(change.meta);
  if (change.op === 'enable') return change.end ? withEnd(rest, change.end) : rest;
  if (change.op === 'add') return change.entry.enabled ? rest : { ...change.meta, disabled: true };
  const reason = change.reason && change.reason !== 'admin' ? change.reason : undefined;
  return { ...rest, disabled: true, ...(reason ? { disabledReason: reason } : {}) };
}

/**
 * The edit `change` makes to the database, or undefined when the database already shows it (nothing to
 * write: a recovery of a change that had reached the database writes nothing).
 */
export function databaseEdit(data: BotData, change: PeerChange, now: Date): ((d: BotData) => void) | undefined {
  const { name, publicKey } = change.entry;
  const current = data.peers[name];
  const edits: ((d: BotData) => void)[] = [];
  if (change.op === 'remove') {
    if (current && current.publicKey === publicKey) edits.push((d) => delete d.peers[name]);
    const trash = change.trash;
    if (trash && !data.trash[trash.token]) {
      edits.push((d) => {
        for (const [token, t] of Object.entries(d.trash)) if (Date.parse(t.expiresAt) <= now.getTime()) delete d.trash[token];
        d.trash[trash.token] = trash;
      });
    }
  } else {
    const wanted = metaAfter(change);
    // A record for another key under this name belongs to another peer: a change never overwrites it.
    if (wanted && (!current || (current.publicKey === publicKey && !sameMeta(current, wanted)))) {
      if (change.op === 'add' || change.op === 'route' || change.op === 'expiry' || current) edits.push((d) => (d.peers[name] = wanted));
    }
    if (change.op === 'add' && change.restoring && data.trash[change.restoring.token]) {
      const token = change.restoring.token;
      edits.push((d) => delete d.trash[token]);
    }
  }
  if (edits.length === 0) return undefined;
  return (d) => {
    for (const edit of edits) edit(d);
  };
}

function sameMeta(a: PeerMeta, b: PeerMeta): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a as unknown as Record<string, unknown>)[k] !== (b as unknown as Record<string, unknown>)[k]) return false;
  return true;
}
