import type { ApprovalRequest } from '../core/approval.js';
import type { PeerEntry, PeerMeta } from '../core/peer.js';
import type { Locale } from '../core/user.js';
import { openJsonStore, type JsonStore } from './json-store.js';

export const SCHEMA_VERSION = 1;

export interface ApprovedUser {
  key: string;
  name: string;
  approvedBy: string;
  approvedAt: string;
}

export interface Profile {
  name: string;
  username?: string;
  locale: Locale;
}

/** A revoked peer kept for a few minutes so /undo can restore it exactly. */
export interface TrashItem {
  token: string;
  entry: PeerEntry;
  meta?: PeerMeta;
  revokedAt: string;
  revokedBy: string;
  expiresAt: string;
}

/**
 * A peer change whose file and live steps may not have finished (the database is written first).
 * Mutations are serialised, so there is at most one; the next mutation replaces it.
 */
export type PendingChange =
  | { op: 'add'; name: string; entry: PeerEntry }
  | { op: 'remove'; name: string; publicKey: string }
  | { op: 'enable' | 'disable'; name: string };

export interface BotData {
  version: number;
  /** By peer name. What the interface config file cannot hold. Replace a record, never edit it in place. */
  peers: Record<string, PeerMeta>;
  users: Record<string, ApprovedUser>;
  requests: Record<string, ApprovalRequest>;
  trash: Record<string, TrashItem>;
  profiles: Record<string, Profile>;
  pending?: PendingChange;
}

export type BotDb = JsonStore<BotData>;

/**
 * Records keyed by what people type (request ids, undo tokens, user keys) have no prototype, so a key
 * such as "__proto__" or "constructor" finds nothing instead of Object's own properties.
 */
function dictionary<T>(from: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, from);
}

export const emptyBotData = (): BotData => ({ version: SCHEMA_VERSION, peers: dictionary(), users: dictionary(), requests: dictionary(), trash: dictionary(), profiles: dictionary() });

export function migrateBotData(raw: unknown): BotData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('database is not a JSON object');
  const data = raw as Partial<BotData>;
  const version = data.version ?? 0;
  if (version > SCHEMA_VERSION) {
    throw new Error(`database schema version ${version} is newer than this program understands (${SCHEMA_VERSION}); upgrade wg-chatops`);
  }
  // Version 1 is the first; later versions add their steps here.
  return {
    ...emptyBotData(),
    ...data,
    version: SCHEMA_VERSION,
    peers: dictionary(data.peers),
    users: dictionary(data.users),
    requests: dictionary(data.requests),
    trash: dictionary(data.trash),
    profiles: dictionary(data.profiles),
  };
}

export function openBotDb(path: string): Promise<BotDb> {
  // Peer records are always replaced whole (never edited in place), so their encodings can be reused.
  return openJsonStore(path, emptyBotData, migrateBotData, ['peers']);
}
