import type { BotData, BotDb } from '../core/database.js';
import { openJsonStore } from './json-store.js';

export const SCHEMA_VERSION = 1;

export type { ApprovedUser, BotData, BotDb, Profile, TrashItem } from '../core/database.js';

/**
 * Records keyed by what people type (request ids, undo tokens, user keys) have no prototype, so a key
 * such as "__proto__" or "constructor" finds nothing instead of Object's own properties.
 */
function dictionary<T>(from: Record<string, T> = {}): Record<string, T> {
  // A plain object just read from JSON (10,000 peers at start) loses its prototype in place instead of being copied.
  if (Object.getPrototypeOf(from) === Object.prototype) return Object.setPrototypeOf(from, null) as Record<string, T>;
  return Object.assign(Object.create(null) as Record<string, T>, from);
}

export const emptyBotData = (): BotData => ({
  version: SCHEMA_VERSION,
  peers: dictionary(),
  users: dictionary(),
  requests: dictionary(),
  trash: dictionary(),
  profiles: dictionary(),
});

export function migrateBotData(raw: unknown): BotData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('database is not a JSON object');
  const data = raw as Partial<BotData>;
  const version = data.version ?? 0;
  if (version > SCHEMA_VERSION) {
    throw new Error(`database schema version ${version} is newer than this program understands (${SCHEMA_VERSION}); upgrade wg-chatops`);
  }
  // Version 1 is the first; later versions add their steps here.
  // `pending` (before the change journal) is dropped: the journal (journal.ts) records changes now.
  const { pending: _dropped, ...rest } = data as Partial<BotData> & { pending?: unknown };
  return {
    ...emptyBotData(),
    ...rest,
    version: SCHEMA_VERSION,
    peers: dictionary(data.peers),
    users: dictionary(data.users),
    requests: dictionary(data.requests),
    trash: dictionary(data.trash),
    profiles: dictionary(data.profiles),
  };
}

export function openBotDb(path: string): Promise<BotDb> {
  // Peer and trash records are always replaced whole or deleted (never edited in place), so their encodings can
  // be reused: with UNDO_SECONDS=300 at 10 revokes a second the trash holds 3,000 records, re-encoded and copied
  // for every change otherwise.
  return openJsonStore(path, emptyBotData, migrateBotData, ['peers', 'trash']);
}
