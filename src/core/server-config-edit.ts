/** Editing the server's interface file (pure: every edit returns a new document and shares untouched segments). */
import type { PeerEntry } from './peer.js';
import { splitLinesKeepEol } from './conf-lines.js';
import { DISABLED_PREFIX, type Segment, type ServerConfigDoc, type UnmanagedPeer } from './server-config-parse.js';
import { eolOf, renderPeerBlock } from './server-config-render.js';

type ManagedSegment = Extract<Segment, { kind: 'managed' }>;

function copyEntry(entry: PeerEntry): PeerEntry {
  return { ...entry, allowedIps: [...entry.allowedIps] };
}

function findManagedIndex(doc: ServerConfigDoc, name: string): number {
  return doc.segments.findIndex((segment) => segment.kind === 'managed' && segment.name === name);
}

export function getPeer(doc: ServerConfigDoc, name: string): PeerEntry | undefined {
  const segment = doc.segments[findManagedIndex(doc, name)];
  return segment?.kind === 'managed' ? copyEntry(segment.entry) : undefined;
}

/** Appends a PiVPN block at the end of the file, as makeCONF.sh does. */
export function addPeer(doc: ServerConfigDoc, entry: PeerEntry): ServerConfigDoc {
  if (findManagedIndex(doc, entry.name) !== -1) throw new Error(`a peer named "${entry.name}" already exists`);
  const eol = eolOf(doc);
  const segments = [...doc.segments];
  const lastText = segments[segments.length - 1]?.text ?? '';
  if (lastText !== '' && !lastText.endsWith('\n')) segments.push({ kind: 'text', text: eol });
  const stored = copyEntry(entry);
  segments.push({ kind: 'managed', name: entry.name, entry: stored, text: renderPeerBlock(stored, eol) });
  return { iface: doc.iface, segments };
}

export function removePeer(doc: ServerConfigDoc, name: string): ServerConfigDoc {
  const index = findManagedIndex(doc, name);
  if (index === -1) throw new Error(`no peer named "${name}" in the config`);
  return { iface: doc.iface, segments: doc.segments.filter((_, i) => i !== index) };
}

/**
 * Disables or enables a block the way PiVPN's disableCONF.sh/enableCONF.sh do: by adding or removing the
 * "#[disabled] " prefix on each of its lines, which keeps any line someone added inside the block.
 */
export function setPeerEnabled(doc: ServerConfigDoc, name: string, enabled: boolean): ServerConfigDoc {
  const index = findManagedIndex(doc, name);
  const segment = doc.segments[index];
  if (segment?.kind !== 'managed') throw new Error(`no peer named "${name}" in the config`);
  if (segment.entry.enabled === enabled) return doc;
  const lines = splitLinesKeepEol(segment.text);
  const text = enabled
    ? lines.map((line) => (line.startsWith(DISABLED_PREFIX) ? line.slice(DISABLED_PREFIX.length) : line)).join('')
    : lines.map((line) => DISABLED_PREFIX + line).join('');
  const updated: ManagedSegment = { kind: 'managed', name, entry: { ...copyEntry(segment.entry), enabled }, text };
  const segments = [...doc.segments];
  segments[index] = updated;
  return { iface: doc.iface, segments };
}

/** Managed (PiVPN-style) peers in file order, disabled ones included. */
export function listPeers(doc: ServerConfigDoc): PeerEntry[] {
  const peers: PeerEntry[] = [];
  for (const segment of doc.segments) if (segment.kind === 'managed') peers.push(copyEntry(segment.entry));
  return peers;
}

/** Hand-written [Peer] sections (no markers): the bot shows them but never edits them. */
export function unmanagedPeers(doc: ServerConfigDoc): UnmanagedPeer[] {
  const peers: UnmanagedPeer[] = [];
  for (const segment of doc.segments) {
    if (segment.kind === 'unmanaged') peers.push({ ...segment.entry, allowedIps: [...segment.entry.allowedIps] });
  }
  return peers;
}

/** Every AllowedIPs entry of every peer, enabled, disabled or hand-written: none of them may be handed out again. */
export function allAllowedIps(doc: ServerConfigDoc): string[] {
  const all: string[] = [];
  for (const segment of doc.segments) if (segment.kind !== 'text') all.push(...segment.entry.allowedIps);
  return all;
}
