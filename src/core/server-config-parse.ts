/**
 * The server's interface file (wg0.conf) as a list of segments whose texts concatenate back to the file,
 * byte for byte. The bot edits only PiVPN-style blocks ("### begin NAME ###" … "### end NAME ###");
 * everything else, hand-written [Peer] sections included, is kept verbatim. This part: the model and the parser.
 */
import { isWireGuardKey } from './keys.js';
import type { PeerEntry } from './peer.js';
import { classifyLine, parseDecimal, splitList } from './conf-lines.js';

export interface InterfaceSection {
  privateKey?: string;
  listenPort?: number;
  addresses: string[];
  mtu?: number;
}

export type UnmanagedPeer = Omit<PeerEntry, 'name' | 'enabled'> & { enabled: true };

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'managed'; name: string; entry: PeerEntry; text: string }
  | { kind: 'unmanaged'; entry: UnmanagedPeer; text: string };

export interface ServerConfigDoc {
  iface: InterfaceSection;
  segments: Segment[];
}

/** What PiVPN's disableCONF.sh puts in front of every line of a disabled block. */
export const DISABLED_PREFIX = '#[disabled] ';

// ---------------------------------------------------------------------------------------------------------
// Parsing

const BEGIN_MARKER = /^### begin (\S+) ###[ \t]*$/;
const END_MARKER = /^### end (\S+) ###[ \t]*$/;

interface PeerFields {
  publicKey?: string;
  presharedKey?: string;
  allowedIps: string[];
}

class ParseError extends Error {
  constructor(lineNumber: number, message: string) {
    super(`wg config line ${lineNumber}: ${message}`);
  }
}

/** Applies one [Peer] key; wg allows AllowedIPs to repeat, and we keep every occurrence. */
function applyPeerKey(fields: PeerFields, key: string, value: string, lineNumber: number): void {
  if (key === 'publickey') {
    if (!isWireGuardKey(value)) throw new ParseError(lineNumber, `PublicKey is not a WireGuard key`);
    fields.publicKey = value;
  } else if (key === 'presharedkey') {
    if (!isWireGuardKey(value)) throw new ParseError(lineNumber, `PresharedKey is not a WireGuard key`);
    fields.presharedKey = value;
  } else if (key === 'allowedips') {
    fields.allowedIps.push(...splitList(value));
  }
}

function peerEntryFields(fields: PeerFields, lineNumber: number, what: string): Omit<PeerEntry, 'name' | 'enabled'> {
  if (fields.publicKey === undefined) throw new ParseError(lineNumber, `${what} has no PublicKey`);
  const entry: Omit<PeerEntry, 'name' | 'enabled'> = { publicKey: fields.publicKey, allowedIps: fields.allowedIps };
  if (fields.presharedKey !== undefined) entry.presharedKey = fields.presharedKey;
  return entry;
}

function applyInterfaceKey(iface: InterfaceSection, key: string, value: string, lineNumber: number): void {
  try {
    if (key === 'privatekey') iface.privateKey = value;
    else if (key === 'address') iface.addresses.push(...splitList(value));
    else if (key === 'listenport') iface.listenPort = parseDecimal(value, 0, 65535, 'ListenPort');
    else if (key === 'mtu') iface.mtu = parseDecimal(value, 576, 65535, 'MTU');
  } catch (error) {
    throw new ParseError(lineNumber, (error as Error).message);
  }
}

/** Parser state: where the line being read belongs. Offsets index the original text, which segments slice. */
type Context =
  | { kind: 'top' } // before any section
  | { kind: 'interface' }
  | { kind: 'otherSection' }
  | { kind: 'afterBlock'; name: string }
  | { kind: 'unmanaged'; startLine: number; start: number; lastEntryEnd: number; fields: PeerFields }
  | { kind: 'managed'; name: string; disabled: boolean; startLine: number; start: number; sawPeer: boolean; fields: PeerFields };

export function parseServerConfig(text: string): ServerConfigDoc {
  const iface: InterfaceSection = { addresses: [] };
  const segments: Segment[] = [];
  const managedNames = new Set<string>();
  let interfaceCount = 0;
  /** Where the text not yet assigned to a segment begins. */
  let pendingStart = 0;
  let context: Context = { kind: 'top' };

  const flushText = (upTo: number): void => {
    if (upTo > pendingStart) segments.push({ kind: 'text', text: text.slice(pendingStart, upTo) });
    pendingStart = upTo;
  };
  /** Closes a hand-written [Peer]: it runs to its last key line; comments and blanks after it are text. */
  const closeUnmanaged = (): void => {
    if (context.kind !== 'unmanaged') return;
    const entry = peerEntryFields(context.fields, context.startLine, '[Peer] section');
    segments.push({ kind: 'unmanaged', entry: { ...entry, enabled: true }, text: text.slice(context.start, context.lastEntryEnd) });
    pendingStart = context.lastEntryEnd;
  };

  let lineNumber = 0;
  for (let lineStart = 0; lineStart < text.length;) {
    lineNumber++;
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    const contentEnd = newline > lineStart && text[newline - 1] === '\r' ? newline - 1 : newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, contentEnd);
    const thisLineStart = lineStart;
    lineStart = lineEnd;

    if (context.kind === 'managed') {
      context = readManagedLine(context, line, lineNumber, lineEnd, text, segments);
      if (context.kind !== 'managed') pendingStart = lineEnd;
      continue;
    }

    const disabled = line.startsWith(DISABLED_PREFIX);
    const markerText = disabled ? line.slice(DISABLED_PREFIX.length) : line;
    const maybeMarker = markerText.startsWith('### ');
    const begin = maybeMarker ? BEGIN_MARKER.exec(markerText) : null;
    if (begin) {
      const name = begin[1] ?? '';
      if (managedNames.has(name)) throw new ParseError(lineNumber, `a second block is named "${name}"`);
      managedNames.add(name);
      closeUnmanaged();
      flushText(thisLineStart);
      context = {
        kind: 'managed',
        name,
        disabled,
        startLine: lineNumber,
        start: thisLineStart,
        sawPeer: false,
        fields: { allowedIps: [] },
      };
      continue;
    }
    const end = maybeMarker ? END_MARKER.exec(markerText) : null;
    if (end) throw new ParseError(lineNumber, `end marker for "${end[1] ?? ''}" without its begin marker`);

    const parsed = classifyLine(line);
    switch (parsed.kind) {
      case 'blank':
      case 'comment':
        continue;
      case 'invalid':
        throw new ParseError(lineNumber, `neither a [Section], a Key = Value line nor a comment`);
      case 'section':
        closeUnmanaged();
        if (parsed.name === 'peer') {
          flushText(thisLineStart);
          context = { kind: 'unmanaged', startLine: lineNumber, start: thisLineStart, lastEntryEnd: lineEnd, fields: { allowedIps: [] } };
        } else if (parsed.name === 'interface') {
          interfaceCount++;
          if (interfaceCount > 1) throw new ParseError(lineNumber, 'a second [Interface] section');
          context = { kind: 'interface' };
        } else {
          context = { kind: 'otherSection' };
        }
        continue;
      case 'entry':
        if (context.kind === 'unmanaged') {
          applyPeerKey(context.fields, parsed.key, parsed.value, lineNumber);
          context.lastEntryEnd = lineEnd;
          continue;
        }
        if (context.kind === 'top') throw new ParseError(lineNumber, 'a key outside any [Section]');
        if (context.kind === 'afterBlock') {
          // wg would add it to the block's peer, but the block would no longer be self-contained.
          throw new ParseError(lineNumber, `a key after "### end ${context.name} ###": move it inside the block`);
        }
        if (context.kind === 'interface') applyInterfaceKey(iface, parsed.key, parsed.value, lineNumber);
        continue;
    }
  }

  if (context.kind === 'managed') {
    throw new ParseError(context.startLine, `"### begin ${context.name} ###" has no "### end ${context.name} ###"`);
  }
  closeUnmanaged();
  flushText(text.length);
  return { iface, segments };
}

/** One line inside a managed block; returns the next context (afterBlock once the end marker is read). */
function readManagedLine(
  block: Extract<Context, { kind: 'managed' }>,
  line: string,
  lineNumber: number,
  lineEnd: number,
  text: string,
  segments: Segment[],
): Context {
  const prefixed = line.startsWith(DISABLED_PREFIX);
  const unprefixed = prefixed ? line.slice(DISABLED_PREFIX.length) : line;
  if (block.disabled && !prefixed && line.trim() !== '') {
    throw new ParseError(lineNumber, `line inside disabled block "${block.name}" lacks the "${DISABLED_PREFIX.trim()}" prefix`);
  }
  const inner = block.disabled ? unprefixed : line;

  const maybeMarker = unprefixed.startsWith('### ');
  const end = maybeMarker ? END_MARKER.exec(unprefixed) : null;
  if (end) {
    // (A disabled block's unprefixed end marker was refused above.)
    if (prefixed && !block.disabled) {
      throw new ParseError(lineNumber, `end marker of "${block.name}" is disabled but its begin marker (line ${block.startLine}) is not`);
    }
    if (end[1] !== block.name) {
      throw new ParseError(lineNumber, `"### end ${end[1] ?? ''} ###" closes block "${block.name}" (begun on line ${block.startLine})`);
    }
    const entry: PeerEntry = {
      name: block.name,
      ...peerEntryFields(block.fields, block.startLine, `block "${block.name}"`),
      enabled: !block.disabled,
    };
    segments.push({ kind: 'managed', name: block.name, entry, text: text.slice(block.start, lineEnd) });
    return { kind: 'afterBlock', name: block.name };
  }
  if (maybeMarker && BEGIN_MARKER.test(unprefixed)) {
    throw new ParseError(block.startLine, `"### begin ${block.name} ###" has no "### end ${block.name} ###" before line ${lineNumber}`);
  }

  const parsed = classifyLine(inner);
  switch (parsed.kind) {
    case 'blank':
    case 'comment':
      break;
    case 'invalid':
      throw new ParseError(lineNumber, `neither a [Section], a Key = Value line nor a comment (block "${block.name}")`);
    case 'section':
      if (parsed.name !== 'peer' || block.sawPeer) {
        throw new ParseError(lineNumber, `block "${block.name}" must hold exactly one [Peer] section`);
      }
      block.sawPeer = true;
      break;
    case 'entry':
      if (!block.sawPeer) throw new ParseError(lineNumber, `a key before [Peer] in block "${block.name}"`);
      applyPeerKey(block.fields, parsed.key, parsed.value, lineNumber);
      break;
  }
  return block;
}
