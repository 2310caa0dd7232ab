/**
 * What PeerService answers without changing anything: the peers as the config file and the database
 * describe them, the live interface's view, and each peer's client config. The changes are PeerService's.
 */
import type { TrashItem } from './database.js';
import type { InterfaceLiveState, PeerEntry, PeerMeta } from './peer.js';
import { clientEndpoint, renderPeerClient } from './peer-client.js';
import { profileOf } from './peer-change.js';
import { policyPeers, tunnelAddresses } from './peer-profiles.js';
import type { InterfaceDocument, LiveInterface, PolicyPeer } from './ports.js';
import { unmanagedPeers } from './server-config.js';
import type { BotDb } from './database.js';
import type { PeerSettings, PeerView, PeerWithLive } from './peer-types.js';

export interface ReadDeps {
  document: InterfaceDocument;
  db: BotDb;
  live?: LiveInterface;
  settings: PeerSettings;
}

export class PeerReads {
  /** withEnds() as of a database revision and an index of the file (asked several times per change by the expiry clock). */
  private ends: { revision: number; index: object; views: PeerView[] } | undefined;

  constructor(
    private readonly reads: ReadDeps,
    protected readonly now: () => Date,
  ) {}

  list(): PeerView[] {
    return this.reads.document.index().list.map((entry) => ({ entry, meta: this.metaFor(entry) }));
  }
  /** How many peers the config file has (no list is built). */
  count(): number {
    return this.reads.document.index().list.length;
  }
  /**
   * The peers that have an end (what the expiry clock watches, after every change): 10,000 peers without one
   * build no views, and the answer is kept until the database or the file changes.
   */
  withEnds(): PeerView[] {
    const index = this.reads.document.index();
    const cached = this.ends;
    if (cached && cached.revision === this.reads.db.revision && cached.index === index) return cached.views;
    const views: PeerView[] = [];
    // Along the file's list (an array), not the records' keys: listing a 10,000-key dictionary costs 20 times more.
    const peers = this.reads.db.data.peers;
    for (const entry of index.list) {
      const meta = peers[entry.name];
      if (meta?.expiresAt && meta.publicKey === entry.publicKey) views.push({ entry, meta });
    }
    this.ends = { revision: this.reads.db.revision, index, views };
    return views;
  }
  /** Peers written by hand in the config file, outside any `### begin NAME ###` block. */
  unmanagedCount(): number {
    return unmanagedPeers(this.reads.document.doc).length;
  }
  get(name: string): PeerView | undefined {
    const entry = this.findManaged(name);
    return entry ? { entry, meta: this.metaFor(entry) } : undefined;
  }
  async listWithLive(): Promise<{ peers: PeerWithLive[]; iface: InterfaceLiveState | undefined }> {
    const iface = await this.liveState();
    const byKey = new Map(iface?.peers.map((p) => [p.publicKey, p]));
    return { peers: this.list().map((v) => ({ ...v, live: byKey.get(v.entry.publicKey) })), iface };
  }
  async liveState(): Promise<InterfaceLiveState | undefined> {
    return this.reads.live ? this.reads.live.state() : undefined;
  }
  countOwnedBy(owner: string): number {
    return this.list().filter((p) => p.meta?.owner === owner).length;
  }
  trashItem(token: string): TrashItem | undefined {
    const item = this.reads.db.data.trash[token];
    return item && Date.parse(item.expiresAt) > this.now().getTime() ? item : undefined;
  }
  hasName(name: string): boolean {
    return this.findManaged(name) !== undefined;
  }
  endpoint(): string | undefined {
    return clientEndpoint(this.reads.settings.endpoint, this.listenPort());
  }
  listenPort(): number {
    return this.reads.settings.port ?? this.reads.document.doc.iface.listenPort ?? 51820;
  }
  /** The client config of a peer whose private key the bot kept (KEEP_CLIENT_KEYS). */
  clientConfigFor(name: string): string | undefined {
    const view = this.get(name);
    if (!view?.meta?.privateKey) return undefined;
    return this.renderClient(view.entry, view.meta.privateKey, profileOf(view.meta));
  }
  /** The tunnel's networks and the Pi's own tunnel addresses (after start). */
  tunnel(): { networks: string[]; serverAddresses: string[] } {
    return tunnelAddresses(this.reads.document.subnet);
  }
  /** Every enabled peer as the firewall sees it (what policy.sync writes at start). */
  policyPeers(): PolicyPeer[] {
    return policyPeers(this.list(), unmanagedPeers(this.reads.document.doc));
  }

  protected renderClient(entry: PeerEntry, privateKey: string, profile: string): string {
    const server = { subnet: this.reads.document.subnet, publicKey: this.reads.document.serverPublicKey, endpoint: this.endpoint() };
    return renderPeerClient(this.reads.settings, server, entry, privateKey, profile);
  }

  protected metaFor(entry: PeerEntry): PeerMeta | undefined {
    const meta = this.reads.db.data.peers[entry.name];
    // A record for a different key under the same name is stale (peer replaced by hand).
    return meta && meta.publicKey === entry.publicKey ? meta : undefined;
  }

  protected findManaged(name: string): PeerEntry | undefined {
    return this.reads.document.index().byName.get(name);
  }
}
