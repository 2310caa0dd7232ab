/**
 * The bot's database as the domain sees it: a port (implemented by src/store/bot-db.ts with lowdb), so
 * that src/core never imports src/store.
 */
import type { ApprovalRequest } from './approval.js';
import type { PeerEntry, PeerMeta } from './peer.js';
import type { Locale } from './user.js';

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

export interface BotData {
  version: number;
  /** By peer name. What the interface config file cannot hold. Replace a record, never edit it in place. */
  peers: Record<string, PeerMeta>;
  users: Record<string, ApprovedUser>;
  requests: Record<string, ApprovalRequest>;
  trash: Record<string, TrashItem>;
  profiles: Record<string, Profile>;
}

/** A JSON document on disk whose every change is serialised and written durably. */
export interface JsonStore<T> {
  readonly path: string;
  /** The current data. Treat as read-only; change it through update(). */
  readonly data: T;
  /** Counts the changes to `data` (update and stage): what a reader may cache its derived views by. */
  readonly revision: number;
  /**
   * Run one mutation at a time (never two /addpeer with the same address) and persist it. When the write
   * fails (a full disk), the data in memory is as it was before the mutation and the error is thrown.
   * `beforeReplace`: the new file is written meanwhile and replaces the old one only once it resolves.
   */
  update<R>(mutate: (data: T) => R | Promise<R>, options?: { beforeReplace?: Promise<unknown> }): Promise<R>;
  /**
   * Change something in memory only; it is saved with the next update(). For bookkeeping that must not
   * make a read-only command write to disk (e.g. remembering a user's language).
   */
  stage(mutate: (data: T) => void): void;
}

export type BotDb = JsonStore<BotData>;
