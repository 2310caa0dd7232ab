/**
 * A peer change as a value. One function per target applies it (the database here, the config file in
 * src/wireguard/interface-document.ts, the live interface in peer-service.ts); every one of them is
 * idempotent, so the same change serves the commit, the rollback (its inverse) and the recovery at start.
 */
import type { BotData, TrashItem } from './database.js';
import type { PeerEntry, PeerMeta } from './peer.js';

export type PeerChange =
  /** `restoring`: the trash item an /undo takes the peer from (put back by the inverse). */
  | { op: 'add'; entry: PeerEntry; meta?: PeerMeta; restoring?: TrashItem }
  /** `trash`: kept for /undo (taken out again by the inverse). */
  | { op: 'remove'; entry: PeerEntry; meta?: PeerMeta; trash?: TrashItem }
  /** `entry` as it is after the change; `meta` the record before it (the database notes `disabled`); `reason`: why (a disable by /disable has none). */
  | { op: 'enable' | 'disable'; entry: PeerEntry; meta?: PeerMeta; reason?: 'admin' | 'expired' | 'quota' }
  /** /route: `meta` the record before the change, `profile` what the peer may reach after it (canonical text). */
  | { op: 'route'; entry: PeerEntry; meta: PeerMeta; profile: string };

export function inverse(change: PeerChange): PeerChange {
  switch (change.op) {
    case 'add':
      return { op: 'remove', entry: change.entry, ...(change.meta ? { meta: change.meta } : {}), ...(change.restoring ? { trash: change.restoring } : {}) };
    case 'remove':
      return { op: 'add', entry: change.entry, ...(change.meta ? { meta: change.meta } : {}), ...(change.trash ? { restoring: change.trash } : {}) };
    case 'route':
      return { op: 'route', entry: change.entry, meta: withProfile(change.meta, change.profile), profile: profileOf(change.meta) };
    case 'enable':
    case 'disable': {
      const enabled = change.op === 'disable';
      return { op: enabled ? 'enable' : 'disable', entry: { ...change.entry, enabled }, ...(change.meta ? { meta: change.meta } : {}) };
    }
  }
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
  const { disabled: _was, ...rest } = change.meta;
  return change.entry.enabled ? rest : { ...rest, disabled: true };
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
      if (change.op === 'add' || change.op === 'route' || current) edits.push((d) => (d.peers[name] = wanted));
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
