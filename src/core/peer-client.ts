/**
 * What a new peer and its client get: the endpoint clients dial, the client config, and the entry and
 * record of a peer being created. Pure (keys are given).
 */
import { randomBytes } from 'node:crypto';
import { addressForV4, type TunnelSubnet } from './allocate.js';
import type { TrashItem } from './database.js';
import { formatEndpoint, renderClientConfig } from './client-config.js';
import { generateKeyPair, generatePresharedKey } from './keys.js';
import type { PeerEntry, PeerMeta } from './peer.js';
import { clientRoutes } from './peer-profiles.js';

export interface ClientSettings {
  endpoint?: string;
  port?: number;
  dns: string[];
  clientAllowedIps: string[];
  persistentKeepalive: number;
  mtu?: number;
  lanSubnets?: string[];
}

/** What clients dial: the setting as given when it names a port, else host plus the listen port. */
export function clientEndpoint(endpoint: string | undefined, listenPort: number): string | undefined {
  if (!endpoint) return undefined;
  if (/^\[.*\]:\d+$/.test(endpoint) || /^[^:]+:\d+$/.test(endpoint)) return endpoint;
  return formatEndpoint(endpoint.replace(/^\[|\]$/g, ''), listenPort);
}

export function renderPeerClient(
  s: ClientSettings,
  server: { subnet: TunnelSubnet; publicKey: string; endpoint: string | undefined },
  entry: PeerEntry,
  privateKey: string,
  profile: string,
): string {
  return renderClientConfig({
    privateKey,
    addresses: addressForV4(server.subnet, entry.allowedIps[0]!.split('/')[0]!).clientAddresses,
    dns: s.dns,
    serverPublicKey: server.publicKey,
    presharedKey: entry.presharedKey,
    endpoint: server.endpoint ?? '',
    allowedIps: clientRoutes(profile, s, server.subnet),
    persistentKeepalive: s.persistentKeepalive,
    mtu: s.mtu,
  });
}

/** The record of a peer being created: its profile (none stored for "full"), its end, its kept key. */
export function newPeerMeta(p: { entry: PeerEntry; owner: string; now: Date; profile: string; expiresAt?: Date; privateKey?: string }): PeerMeta {
  const createdAt = p.now.toISOString();
  return {
    name: p.entry.name,
    publicKey: p.entry.publicKey,
    owner: p.owner,
    createdAt,
    ...(p.profile === 'full' ? {} : { profile: p.profile }),
    ...(p.expiresAt ? { expiresAt: p.expiresAt.toISOString(), expirySetAt: createdAt } : {}),
    ...(p.privateKey ? { privateKey: p.privateKey } : {}),
  };
}

/** What /revoke keeps for /undo (for `undoSeconds`), under a fresh token. */
export function trashItemFor(entry: PeerEntry, meta: PeerMeta | undefined, by: string, now: Date, undoSeconds: number): TrashItem {
  return {
    token: randomBytes(6).toString('base64url'),
    entry,
    ...(meta ? { meta } : {}),
    revokedAt: now.toISOString(),
    revokedBy: by,
    expiresAt: new Date(now.getTime() + undoSeconds * 1000).toISOString(),
  };
}

/**
 * /undo is for the latest revocations: at most this many wait in the trash, however many were revoked within
 * UNDO_SECONDS (a bulk clean-up would otherwise keep thousands, in memory and in every save of the database).
 */
export const UNDO_KEEP = 200;

/**
 * Tokens of the oldest trash items beyond `keep`, once the trash holds a quarter more than that (so trimming is
 * one save per `keep / 4` revokes, not one per revoke). Oldest by revocation time, then by token.
 */
export function trashOverflow(trash: Record<string, TrashItem>, keep: number): string[] {
  const items = Object.values(trash);
  if (items.length <= keep + Math.ceil(keep / 4)) return [];
  // ISO-8601 UTC times of one format sort as text.
  items.sort((a, b) => (a.revokedAt < b.revokedAt ? -1 : a.revokedAt > b.revokedAt ? 1 : a.token < b.token ? -1 : 1));
  return items.slice(0, items.length - keep).map((t) => t.token);
}

/** A new peer's keys, entry and record (`keepKey`: the record keeps the client's private key, for /qr later). */
export function newPeer(p: { name: string; owner: string; profile: string; allowedIps: string[]; keepKey: boolean; now: Date; end?: Date }): {
  entry: PeerEntry;
  meta: PeerMeta;
  privateKey: string;
} {
  const keys = generateKeyPair();
  const entry: PeerEntry = { name: p.name, publicKey: keys.publicKey, presharedKey: generatePresharedKey(), allowedIps: p.allowedIps, enabled: true };
  const meta = newPeerMeta({
    entry,
    owner: p.owner,
    now: p.now,
    profile: p.profile,
    ...(p.end ? { expiresAt: p.end } : {}),
    ...(p.keepKey ? { privateKey: keys.privateKey } : {}),
  });
  return { entry, meta, privateKey: keys.privateKey };
}
