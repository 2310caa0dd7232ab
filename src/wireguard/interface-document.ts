/**
 * The interface config file (wg0.conf) as a document: loaded and checked, re-read when it changes on
 * disk (a hand edit, `pivpn -a/-r/-off`), and changed by PeerChange values.
 *
 * Per-change work must not grow with the number of peers beyond copying bytes: the index of peers and
 * used addresses is kept up to date change by change, and a change writes the bytes written last time with
 * only the changed block encoded (reusing them spares rendering and encoding 10,000 peers again).
 */
import { tunnelSubnetFromAddresses, tunnelSubnetFromCidr, usedHostAddresses, type TunnelSubnet } from '../core/allocate.js';
import { byteLengthOf, spliceChunks } from '../core/chunks.js';
import { ConfigError } from '../core/errors.js';
import { formatIPv4 } from '../core/ip.js';
import { publicKeyFromPrivate } from '../core/keys.js';
import type { PeerEntry } from '../core/peer.js';
import type { PeerChange } from '../core/peer-change.js';
import type { InterfaceConfigFile, InterfaceDocument, PeerIndex } from '../core/ports.js';
import {
  addPeer,
  allAllowedIps,
  listPeers,
  parseServerConfig,
  removePeer,
  renderServerConfig,
  setPeerEnabled,
  type ServerConfigDoc,
} from '../core/server-config.js';

export interface DocumentOptions {
  /** WG_SUBNET / WG_SUBNET6 override the file's [Interface] Address. */
  subnet?: string;
  subnet6?: string;
  /** Told every secret the file holds (the server's private key), so logs mask it. */
  addSecret?: (secret: string) => void;
}

type Edit = { added?: PeerEntry; removed?: PeerEntry; updated?: PeerEntry };

export function interfaceDocument(file: InterfaceConfigFile, options: DocumentOptions = {}): InterfaceDocument {
  let doc!: ServerConfigDoc;
  let subnet!: TunnelSubnet;
  let serverPublicKey = '';
  let indexed: (PeerIndex & { doc: ServerConfigDoc }) | undefined;
  /** The content last read (text) or written (chunks of bytes), and the document it belongs to. */
  let content: { doc: ServerConfigDoc; content: string | Buffer[] } | undefined;
  let stamp = '';

  const index = (): PeerIndex => {
    if (indexed?.doc !== doc) {
      const list = listPeers(doc);
      indexed = { doc, list, byName: new Map(list.map((p) => [p.name, p])), used: usedHostAddresses(subnet, allAllowedIps(doc)) };
    }
    return indexed;
  };

  const load = async (): Promise<void> => {
    const before = await file.stamp();
    const text = await file.read();
    if (text === undefined) {
      throw new ConfigError(
        'WG_CONFIG_DIR',
        `${file.path} does not exist: run "wg-chatops install", or point WG_CONFIG_DIR/WG_INTERFACE at your WireGuard config`,
      );
    }
    let parsed: ServerConfigDoc;
    try {
      parsed = parseServerConfig(text);
    } catch (error) {
      throw new ConfigError(file.path, (error as Error).message, { cause: error });
    }
    if (!parsed.iface.privateKey) throw new ConfigError(file.path, 'has no [Interface] PrivateKey');
    let nextSubnet: TunnelSubnet;
    try {
      nextSubnet = options.subnet ? tunnelSubnetFromCidr(options.subnet, options.subnet6) : tunnelSubnetFromAddresses(parsed.iface.addresses);
    } catch (error) {
      throw new ConfigError(options.subnet ? 'WG_SUBNET' : file.path, `cannot tell the tunnel subnet: ${(error as Error).message} (set WG_SUBNET)`, {
        cause: error,
      });
    }
    const duplicate = findDuplicate(parsed, nextSubnet);
    if (duplicate) throw new ConfigError(`${file.path}:${duplicate.line}`, duplicate.message);
    options.addSecret?.(parsed.iface.privateKey);
    serverPublicKey = publicKeyFromPrivate(parsed.iface.privateKey);
    doc = parsed;
    subnet = nextSubnet;
    content = { doc, content: text };
    // The stamp from before the read: an edit during the read shows as a change next time.
    stamp = before;
  };

  const write = async (next: ServerConfigDoc, edit: Edit, beforeReplace?: Promise<unknown>): Promise<void> => {
    const chunks = contentAfter(next);
    await file.write(chunks, beforeReplace);
    content = { doc: next, content: chunks };
    const old = indexed?.doc === doc ? indexed : undefined;
    doc = next;
    stamp = await file.stamp();
    if (!old) return; // rebuilt from the document on next use
    // The old index belongs to the replaced document: update it in place.
    const list = edit.removed ? old.list.filter((p) => p.name !== edit.removed!.name) : old.list;
    const { byName, used } = old;
    if (edit.removed) {
      byName.delete(edit.removed.name);
      for (const a of usedHostAddresses(subnet, edit.removed.allowedIps)) used.delete(a);
    }
    if (edit.added) {
      list.push(edit.added);
      byName.set(edit.added.name, edit.added);
      for (const a of usedHostAddresses(subnet, edit.added.allowedIps)) used.add(a);
    }
    if (edit.updated) {
      const i = list.findIndex((p) => p.name === edit.updated!.name);
      if (i >= 0) list[i] = edit.updated;
      byName.set(edit.updated.name, edit.updated);
    }
    indexed = { doc: next, list, byName, used };
  };

  /**
   * The bytes of `next`, from those last written: the segments before and after the ones that changed (an add,
   * a remove, an enable) are the same objects, so their bytes are kept as views and only the changed segments
   * are encoded. Rendering the whole file for each remove cost, at 10 revokes a second and 600 peers, 1.2 MB a
   * second of strings and buffers that lived long enough to be freed only by full collections (RSS rose by
   * several MiB once revokes began).
   */
  const contentAfter = (next: ServerConfigDoc): Buffer[] => {
    const previous = content;
    if (previous?.doc !== doc) return [Buffer.from(renderServerConfig(next))];
    const old = previous.doc.segments;
    const now = next.segments;
    const shortest = Math.min(old.length, now.length);
    let head = 0;
    while (head < shortest && old[head] === now[head]) head++;
    let tail = 0;
    while (tail < shortest - head && old[old.length - 1 - tail] === now[now.length - 1 - tail]) tail++;
    const bytes = typeof previous.content === 'string' ? [Buffer.from(previous.content)] : previous.content;
    const total = byteLengthOf(bytes);
    const sum = (from: number, to: number) => {
      let n = 0;
      for (let i = from; i < to; i++) n += Buffer.byteLength(old[i]!.text);
      return n;
    };
    // Counted from the nearer end: an add (at the end) costs nothing, a remove at most half the file's segments.
    const changed = sum(head, old.length - tail);
    const start = head <= tail ? sum(0, head) : total - sum(old.length - tail, old.length) - changed;
    const inserted = now
      .slice(head, now.length - tail)
      .map((segment) => segment.text)
      .join('');
    return spliceChunks(bytes, start, start + changed, inserted ? [Buffer.from(inserted)] : []);
  };

  return {
    path: file.path,
    get doc() {
      return doc;
    },
    get subnet() {
      return subnet;
    },
    get serverPublicKey() {
      return serverPublicKey;
    },
    index,
    load,
    async refresh() {
      if ((await file.stamp()) === stamp) return false;
      await load();
      return true;
    },
    async apply(change: PeerChange, beforeReplace?: Promise<unknown>) {
      const { entry } = change;
      if (change.op === 'route' || change.op === 'expiry') return false; // profiles and ends live in the database (and the firewall), not in the file
      const current = index().byName.get(entry.name);
      if (change.op === 'add') {
        if (current) {
          if (current.publicKey === entry.publicKey) return false;
          throw new Error(`${file.path} already has another peer named "${entry.name}"`);
        }
        const used = index().used;
        if ([...usedHostAddresses(subnet, entry.allowedIps)].some((a) => used.has(a))) {
          throw new Error(`${file.path}: the address ${entry.allowedIps[0]} of "${entry.name}" is held by another peer`);
        }
        await write(addPeer(doc, entry), { added: entry }, beforeReplace);
        return true;
      }
      if (!current || current.publicKey !== entry.publicKey) return false;
      if (change.op === 'remove') {
        await write(removePeer(doc, entry.name), { removed: current }, beforeReplace);
        return true;
      }
      const enabled = change.op === 'enable';
      if (current.enabled === enabled) return false;
      const updated = { ...current, enabled };
      await write(setPeerEnabled(doc, entry.name, enabled), { updated }, beforeReplace);
      return true;
    },
  };
}

/**
 * A second peer with the same PublicKey or the same tunnel address: wg would keep only one of them (and
 * revoking one would cut off the other). Described with file lines and the fix, or undefined.
 */
export function findDuplicate(doc: ServerConfigDoc, subnet: TunnelSubnet): { line: number; message: string } | undefined {
  // Segment indexes only: labels and line numbers are worked out for a duplicate, not for each of 10,000 peers.
  const byKey = new Map<string, number>();
  const byAddress = new Map<string, number>();
  const { segments } = doc;
  const lineOf = (index: number) => segments.slice(0, index).reduce((line, seg) => line + seg.text.split('\n').length - 1, 1);
  const labelOf = (index: number) => {
    const segment = segments[index]!;
    return segment.kind === 'managed' ? `peer "${segment.name}"` : 'a hand-written [Peer]';
  };
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'text') continue;
    const first = byKey.get(segment.entry.publicKey);
    if (first !== undefined) {
      return {
        line: lineOf(i),
        message: `${labelOf(i)} has the same PublicKey as ${labelOf(first)} (line ${lineOf(first)}); WireGuard keeps only one of them. Remove one of the two, or give one a new key (wg genkey), then start again.`,
      };
    }
    byKey.set(segment.entry.publicKey, i);
    for (const cidr of segment.entry.allowedIps) {
      if (!isHostRoute(cidr)) continue;
      const address = cidr.slice(0, cidr.indexOf('/')).toLowerCase();
      const other = byAddress.get(address);
      if (other !== undefined) {
        return {
          line: lineOf(i),
          message: `${labelOf(i)} has the address ${address} of ${labelOf(other)} (line ${lineOf(other)}); traffic would reach only one of them. Give one a free address in ${subnetText(subnet)}, or remove it, then start again.`,
        };
      }
      byAddress.set(address, i);
    }
  }
  return undefined;
}

function isHostRoute(cidr: string): boolean {
  return /\/32$/.test(cidr) || /\/128$/.test(cidr);
}

function subnetText(subnet: TunnelSubnet): string {
  return `${formatIPv4(subnet.v4.network)}/${subnet.v4.prefix}`;
}
