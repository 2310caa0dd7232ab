/**
 * The peers of one WireGuard interface: the interface config file decides which peers exist, the
 * database adds what the file cannot hold (owner, creation time, client keys), and the live interface
 * follows the file one `wg set` at a time.
 *
 * Every change is serialised and ordered for crash safety: database first (with the change recorded as
 * pending), then the config file (atomic), then the live interface. A kill -9 anywhere leaves a readable
 * database, and the next start finishes the pending change.
 */
import { randomBytes } from 'node:crypto';
import { formatIPv4, formatIPv6 } from './ip.js';
import { addressForV4, allocateFromUsed, tunnelSubnetFromAddresses, tunnelSubnetFromCidr, usedHostAddresses, type TunnelSubnet } from './allocate.js';
import { appendChunks } from './chunks.js';
import { formatEndpoint, renderClientConfig } from './client-config.js';
import { ConfigError, UserError } from './errors.js';
import { generateKeyPair, generatePresharedKey, publicKeyFromPrivate } from './keys.js';
import { isAddressableName, validatePeerName } from './names.js';
import type { InterfaceLiveState, PeerEntry, PeerLiveState, PeerMeta } from './peer.js';
import type { InterfaceConfigFile, LiveInterface, PeerFileMirror, PeerPolicy, PolicyPeer } from './ports.js';
import { clientAllowedIps, formatProfile, parseProfile } from './profile.js';
import {
  addPeer as addPeerToDoc,
  allAllowedIps,
  listPeers,
  parseServerConfig,
  removePeer as removePeerFromDoc,
  renderServerConfig,
  setPeerEnabled,
  unmanagedPeers,
  type ServerConfigDoc,
} from './server-config.js';
import type { BotDb, PendingChange, TrashItem } from '../store/bot-db.js';
import type { Logger } from '../log/logger.js';

export interface PeerSettings {
  /** Host or IP clients dial, optionally with :port (WG_ENDPOINT, else the DDNS hostname). */
  endpoint?: string;
  /** WG_PORT: what clients dial when the endpoint has no port; else the file's ListenPort, else 51820. */
  port?: number;
  /** WG_SUBNET / WG_SUBNET6 override the file's [Interface] Address. */
  subnet?: string;
  subnet6?: string;
  dns: string[];
  clientAllowedIps: string[];
  persistentKeepalive: number;
  mtu?: number;
  keepClientKeys: boolean;
  undoSeconds: number;
  /** WG_DEFAULT_PROFILE (canonical profile text); "full" when unset. */
  defaultProfile?: string;
  /** The LAN a "lan" profile reaches (LAN_SUBNETS or the Pi's LAN interfaces). */
  lanSubnets?: string[];
}

export interface PeerView {
  entry: PeerEntry;
  meta?: PeerMeta;
}

export interface PeerWithLive extends PeerView {
  live?: PeerLiveState;
}

export interface DriftReport {
  /** Human-readable findings for the log and /status (not translated: operator-facing detail). */
  findings: string[];
  /** Peers re-applied to the live interface at start. */
  applied: number;
}

export interface AddResult<X> {
  entry: PeerEntry;
  meta: PeerMeta;
  clientConfig: string;
  /** What the caller computed from the client config while the change was committed (e.g. the QR PNG). */
  extra: X;
  /** False when the interface is not up: the peer is in the file and goes live when the interface starts. */
  live: boolean;
}

interface Deps {
  file: InterfaceConfigFile;
  /** undefined in offline mode: configs are written, no live interface is touched. */
  live?: LiveInterface;
  db: BotDb;
  settings: PeerSettings;
  mirror?: PeerFileMirror;
  /** The Pi's per-peer firewall (profiles); undefined: none (offline mode, tests). */
  policy?: PeerPolicy;
  logger: Logger;
  now?: () => Date;
}

export class PeerService {
  private doc!: ServerConfigDoc;
  private indexed: DocIndex | undefined;
  /** The content last read (text) or written (chunks of bytes), and the document it belongs to. */
  private content: { doc: ServerConfigDoc; content: string | Buffer[] } | undefined;
  private docStamp = '';
  private subnet!: TunnelSubnet;
  private serverPublicKey = '';
  private lock: Promise<unknown> = Promise.resolve();
  private drift: DriftReport = { findings: [], applied: 0 };
  private readonly now: () => Date;

  constructor(private readonly deps: Deps) {
    this.now = deps.now ?? (() => new Date());
  }

  get offline(): boolean {
    return this.deps.live === undefined;
  }

  get interfaceName(): string | undefined {
    return this.deps.live?.name;
  }

  get driftReport(): DriftReport {
    return this.drift;
  }

  /**
   * Load the config file, finish an interrupted change, bring the live interface in line. Writes nothing otherwise.
   * `askedLiveState`: the interface's state if the caller asked for it already (see app.ts).
   */
  async start(askedLiveState?: Promise<InterfaceLiveState | undefined>): Promise<DriftReport> {
    // Asked first: the interface prepares its answer (3 MB at 10,000 peers) while the file is read and parsed.
    const liveState = this.deps.live ? (askedLiveState ?? this.deps.live.state()) : undefined;
    liveState?.catch(() => undefined); // awaited in reconcileLive; never unhandled if loading fails first
    await this.loadDoc(true);
    const findings: string[] = [];
    const pending = this.deps.db.data.pending;
    if (pending) await this.finishPending(pending, findings);

    const known = this.deps.db.data.peers;
    for (const name of Object.keys(known)) {
      if (this.findManaged(name)) continue;
      findings.push(`the database knows peer "${name}" (${known[name]?.publicKey.slice(0, 8)}…) but ${this.deps.file.path} does not: removed by hand? It is ignored.`);
    }
    const applied = await this.reconcileLive(findings, pending, liveState);
    this.drift = { findings, applied };
    for (const f of findings) this.deps.logger.warn(`reconcile: ${f}`);
    return this.drift;
  }

  // ---- reading ----------------------------------------------------------------------------

  list(): PeerView[] {
    return this.index().list.map((entry) => ({ entry, meta: this.metaFor(entry) }));
  }

  /** Peers written by hand in the config file, outside any `### begin NAME ###` block. */
  unmanagedCount(): number {
    return unmanagedPeers(this.doc).length;
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
    return this.deps.live ? this.deps.live.state() : undefined;
  }

  countOwnedBy(owner: string): number {
    return this.list().filter((p) => p.meta?.owner === owner).length;
  }

  trashItem(token: string): TrashItem | undefined {
    const item = this.deps.db.data.trash[token];
    return item && Date.parse(item.expiresAt) > this.now().getTime() ? item : undefined;
  }

  hasName(name: string): boolean {
    return this.findManaged(name) !== undefined;
  }

  endpoint(): string | undefined {
    const { endpoint } = this.deps.settings;
    if (!endpoint) return undefined;
    if (/^\[.*\]:\d+$/.test(endpoint) || /^[^:]+:\d+$/.test(endpoint)) return endpoint;
    return formatEndpoint(endpoint.replace(/^\[|\]$/g, ''), this.listenPort());
  }

  listenPort(): number {
    return this.deps.settings.port ?? this.doc.iface.listenPort ?? 51820;
  }

  /** The client config of a peer whose private key the bot kept (KEEP_CLIENT_KEYS). */
  clientConfigFor(name: string): string | undefined {
    const view = this.get(name);
    if (!view?.meta?.privateKey) return undefined;
    return this.renderClient(view.entry, view.meta.privateKey, this.profileOf(view.meta));
  }

  // ---- changes ----------------------------------------------------------------------------

  /**
   * Create a peer. `whileCommitting` receives the client config as soon as keys and address are chosen and
   * runs while the database, file and interface are written (the QR image is made there, off the critical path).
   */
  add<X = undefined>(request: { name: string; owner: string; profile?: string }, whileCommitting?: (clientConfig: string) => Promise<X>): Promise<AddResult<X>> {
    return this.serialised(async () => {
      const name = validatePeerName(request.name);
      const profile = formatProfile(parseProfile(request.profile ?? this.deps.settings.defaultProfile ?? 'full'));
      await this.loadDoc(false);
      if (this.findManaged(name)) throw new UserError('peer.exists', { name });
      const endpoint = this.endpoint();
      if (!endpoint) throw new UserError('peer.noEndpoint');
      const address = allocateFromUsed(this.subnet, this.index().used);
      const keys = generateKeyPair();
      this.deps.logger.addSecret(keys.privateKey);
      const entry: PeerEntry = { name, publicKey: keys.publicKey, presharedKey: generatePresharedKey(), allowedIps: address.allowedIps, enabled: true };
      this.deps.logger.addSecret(entry.presharedKey);
      const meta: PeerMeta = {
        name,
        publicKey: keys.publicKey,
        owner: request.owner,
        createdAt: this.now().toISOString(),
        ...(profile === 'full' ? {} : { profile }),
        ...(this.deps.settings.keepClientKeys ? { privateKey: keys.privateKey } : {}),
      };
      const clientConfig = this.renderClient(entry, keys.privateKey, profile);
      // Started on the next turn of the event loop, so its CPU work overlaps the commit's disk and `wg` waits.
      const extra = whileCommitting ? new Promise<void>((r) => setImmediate(r)).then(() => whileCommitting(clientConfig)) : Promise.resolve(undefined as X);
      extra.catch(() => undefined); // awaited below; never an unhandled rejection if the commit fails first
      const live = await this.withPolicyAlongside(entry, profile, () => this.commitAdd(entry, meta, { privateKey: keys.privateKey, config: clientConfig }));
      return { entry, meta, clientConfig, extra: await extra, live };
    });
  }

  /** Remove a peer; returns the undo token (valid for UNDO_SECONDS). */
  revoke(name: string, by: string): Promise<TrashItem> {
    return this.serialised(async () => {
      await this.loadDoc(false);
      const entry = this.requireManaged(name);
      const now = this.now();
      const item: TrashItem = {
        token: randomBytes(6).toString('base64url'),
        entry,
        meta: this.deps.db.data.peers[entry.name],
        revokedAt: now.toISOString(),
        revokedBy: by,
        expiresAt: new Date(now.getTime() + this.deps.settings.undoSeconds * 1000).toISOString(),
      };
      await this.deps.db.update((d) => {
        for (const [token, t] of Object.entries(d.trash)) if (Date.parse(t.expiresAt) <= now.getTime()) delete d.trash[token];
        if (this.deps.settings.undoSeconds > 0) d.trash[item.token] = item;
        delete d.peers[entry.name];
        d.pending = { op: 'remove', name: entry.name, publicKey: entry.publicKey };
      });
      await this.writeDoc(removePeerFromDoc(this.doc, entry.name), { removed: entry });
      if (entry.enabled) await this.applyLive((live) => live.removePeer(entry.publicKey));
      await this.deps.mirror?.removed(entry);
      await this.deps.policy?.remove(entry.allowedIps).catch((error) => this.deps.logger.error(`firewall rules of ${entry.name} not removed`, { error }));
      return item;
    });
  }

  /** Restore a revoked peer with the same keys and address. */
  undo(token: string): Promise<PeerView> {
    return this.serialised(async () => {
      const item = this.deps.db.data.trash[token];
      if (!item || Date.parse(item.expiresAt) <= this.now().getTime()) throw new UserError('peer.undoExpired');
      await this.loadDoc(false);
      if (this.findManaged(item.entry.name)) throw new UserError('peer.exists', { name: item.entry.name });
      if (this.collides(item.entry)) throw new UserError('peer.undoAddressTaken', { name: item.entry.name });
      const meta = item.meta ?? { name: item.entry.name, publicKey: item.entry.publicKey, owner: item.revokedBy, createdAt: item.revokedAt };
      await this.withPolicy(item.entry, this.profileOf(meta), () =>
        this.commitAdd(item.entry, meta, { privateKey: meta.privateKey, createdAt: new Date(meta.createdAt) }, (d) => delete d.trash[token]),
      );
      return { entry: item.entry, meta };
    });
  }

  setEnabled(name: string, enabled: boolean): Promise<{ entry: PeerEntry; changed: boolean }> {
    return this.serialised(async () => {
      await this.loadDoc(false);
      const entry = this.requireManaged(name);
      if (entry.enabled === enabled) return { entry, changed: false };
      await this.deps.db.update((d) => {
        d.pending = { op: enabled ? 'enable' : 'disable', name: entry.name };
      });
      const updated = { ...entry, enabled };
      await this.writeDoc(setPeerEnabled(this.doc, entry.name, enabled), { updated });
      await this.applyLive((live) => (enabled ? live.setPeer(this.livePeer(updated)) : live.removePeer(entry.publicKey)));
      await this.deps.mirror?.enabledChanged(updated);
      return { entry: updated, changed: true };
    });
  }

  /**
   * Change what a peer may reach (/route). The firewall changes first; the record only when that worked, so a
   * failure changes nothing. Returns the new client config when the bot kept the peer's private key.
   */
  setProfile(name: string, profileText: string): Promise<{ entry: PeerEntry; profile: string; clientConfig?: string; allowedIps: string[] }> {
    return this.serialised(async () => {
      const profile = formatProfile(parseProfile(profileText));
      await this.loadDoc(false);
      const entry = this.requireManaged(name);
      const old = this.metaFor(entry) ?? { name: entry.name, publicKey: entry.publicKey, owner: 'admins', createdAt: this.now().toISOString() };
      const { profile: _dropped, ...rest } = old;
      const meta: PeerMeta = profile === 'full' ? rest : { ...rest, profile };
      await this.deps.policy?.apply({ addresses: entry.allowedIps, profile });
      try {
        await this.deps.db.update((d) => {
          d.peers[entry.name] = meta; // replaced whole (the encoder keys records by identity)
        });
      } catch (error) {
        await this.deps.policy?.apply({ addresses: entry.allowedIps, profile: this.profileOf(old) }).catch(() => undefined);
        throw error;
      }
      const allowedIps = this.clientRoutes(profile);
      return { entry, profile, allowedIps, ...(meta.privateKey ? { clientConfig: this.renderClient(entry, meta.privateKey, profile) } : {}) };
    });
  }

  /** The tunnel's networks and the Pi's own tunnel addresses (after start). */
  tunnel(): { networks: string[]; serverAddresses: string[] } {
    const { v4, v6 } = this.subnet;
    return {
      networks: [`${formatIPv4(v4.network)}/${v4.prefix}`, ...(v6 ? [`${formatIPv6(v6.network)}/${v6.prefix}`] : [])],
      serverAddresses: [`${formatIPv4(v4.server)}/32`, ...(v6 ? [`${formatIPv6(v6.server)}/128`] : [])],
    };
  }

  /** A peer's profile text ("full" for peers the bot did not create, e.g. adopted from PiVPN). */
  profileOf(meta: PeerMeta | undefined): string {
    return meta?.profile ?? 'full';
  }

  /** Every enabled peer as the firewall sees it (hand-written and adopted peers: full, as before). */
  policyPeers(): PolicyPeer[] {
    const managed = this.list().filter((v) => v.entry.enabled).map((v) => ({ addresses: v.entry.allowedIps, profile: this.profileOf(v.meta) }));
    const unmanaged = unmanagedPeers(this.doc).filter((p) => p.enabled && p.allowedIps.length > 0).map((p) => ({ addresses: p.allowedIps, profile: 'full' }));
    return [...managed, ...unmanaged];
  }

  // ---- internals --------------------------------------------------------------------------

  /** Firewall rules first (harmless for an address nobody holds yet), removed again when the change fails. */
  private async withPolicy<T>(entry: PeerEntry, profile: string, change: () => Promise<T>): Promise<T> {
    await this.deps.policy?.apply({ addresses: entry.allowedIps, profile });
    try {
      return await change();
    } catch (error) {
      await this.deps.policy?.remove(entry.allowedIps).catch((e) => this.deps.logger.error(`firewall rules of ${entry.name} not rolled back`, { error: e }));
      throw error;
    }
  }

  /**
   * The same, with the firewall written while the add commits (nft's kernel transaction and the file/interface
   * writes overlap). Safe meanwhile: an address without rules is dropped by the table's default. If the rules
   * fail, the committed add is taken back, so nothing changes.
   */
  private async withPolicyAlongside<T>(entry: PeerEntry, profile: string, change: () => Promise<T>): Promise<T> {
    const policy = this.deps.policy;
    if (!policy) return change();
    const rules = policy.apply({ addresses: entry.allowedIps, profile });
    rules.catch(() => undefined); // awaited below
    let result: T;
    try {
      result = await change();
    } catch (error) {
      await rules.then(
        () => policy.remove(entry.allowedIps).catch((e) => this.deps.logger.error(`firewall rules of ${entry.name} not rolled back`, { error: e })),
        () => undefined,
      );
      throw error;
    }
    try {
      await rules;
    } catch (error) {
      await this.takeBackAdd(entry).catch((e) => this.deps.logger.error(`taking back the add of ${entry.name} failed`, { error: e }));
      throw error;
    }
    return result;
  }

  /** Undo a committed add (its firewall rules failed): out of the database, the file and the interface. */
  private async takeBackAdd(entry: PeerEntry): Promise<void> {
    await this.deps.db.update((d) => {
      delete d.peers[entry.name];
      d.pending = { op: 'remove', name: entry.name, publicKey: entry.publicKey };
    });
    await this.writeDoc(removePeerFromDoc(this.doc, entry.name), { removed: entry });
    if (entry.enabled) await this.applyLive((live) => live.removePeer(entry.publicKey));
    await this.deps.mirror?.removed(entry);
  }

  private clientRoutes(profile: string): string[] {
    const s = this.deps.settings;
    return clientAllowedIps(parseProfile(profile), { fullAllowedIps: s.clientAllowedIps, lanSubnets: s.lanSubnets ?? [], serverAddresses: this.tunnel().serverAddresses });
  }

  private async commitAdd(
    entry: PeerEntry,
    meta: PeerMeta,
    client: { privateKey?: string; config?: string; createdAt?: Date },
    alsoInDb?: (d: BotDb['data']) => void,
  ): Promise<boolean> {
    const before = { doc: this.doc, meta: this.deps.db.data.peers[entry.name] };
    await this.deps.db.update((d) => {
      d.peers[entry.name] = meta;
      d.pending = { op: 'add', name: entry.name, entry };
      alsoInDb?.(d);
    });
    // The database holds the whole change now (a crash is finished at the next start), so the file and the
    // live interface can be written at the same time: their waits overlap instead of adding up.
    const [file, live] = await Promise.allSettled([
      this.writeDoc(addPeerToDoc(this.doc, entry), { added: entry }),
      entry.enabled ? this.applyLive((l) => l.setPeer(this.livePeer(entry))) : Promise.resolve(true),
    ]);
    if (file.status === 'rejected' || live.status === 'rejected') {
      await this.rollbackAdd(entry, before, file.status === 'fulfilled', live.status === 'fulfilled' && live.value);
      throw file.status === 'rejected' ? file.reason : (live as PromiseRejectedResult).reason;
    }
    await this.deps.mirror?.added(entry, { privateKey: client.privateKey, config: client.config, createdAt: client.createdAt ?? new Date(meta.createdAt) });
    return live.value;
  }

  /** A failed add leaves nothing behind: not in the file, not live, not in the database (best effort, logged). */
  private async rollbackAdd(entry: PeerEntry, before: { doc: ServerConfigDoc; meta: PeerMeta | undefined }, fileWritten: boolean, liveAdded: boolean): Promise<void> {
    const undo = async (what: string, step: () => Promise<unknown>) =>
      step().catch((error) => this.deps.logger.error(`rolling back the add of ${entry.name}: ${what} failed`, { error }));
    if (liveAdded) await undo('live removal', () => this.deps.live!.removePeer(entry.publicKey));
    if (fileWritten) await undo('config file', () => this.writeDoc(removePeerFromDoc(this.doc, entry.name), { removed: entry }));
    await undo('database', () =>
      this.deps.db.update((d) => {
        if (before.meta) d.peers[entry.name] = before.meta;
        else delete d.peers[entry.name];
        d.pending = undefined;
      }),
    );
  }

  /** Run a live change; false (and a log line) when the interface is not up: the file change still stands. */
  private async applyLive(change: (live: LiveInterface) => Promise<boolean>): Promise<boolean> {
    if (!this.deps.live) return false;
    const done = await change(this.deps.live);
    if (!done) this.deps.logger.warn(`interface ${this.deps.live.name} is not up: the change is in ${this.deps.file.path} and takes effect when it starts`);
    return done;
  }

  private livePeer(entry: PeerEntry) {
    return { publicKey: entry.publicKey, presharedKey: entry.presharedKey, allowedIps: entry.allowedIps };
  }

  private renderClient(entry: PeerEntry, privateKey: string, profile: string): string {
    const s = this.deps.settings;
    const subnetAddresses = addressForV4(this.subnet, entry.allowedIps[0]!.split('/')[0]!).clientAddresses;
    return renderClientConfig({
      privateKey,
      addresses: subnetAddresses,
      dns: s.dns,
      serverPublicKey: this.serverPublicKey,
      presharedKey: entry.presharedKey,
      endpoint: this.endpoint() ?? '',
      allowedIps: this.clientRoutes(profile),
      persistentKeepalive: s.persistentKeepalive,
      mtu: s.mtu,
    });
  }

  private metaFor(entry: PeerEntry): PeerMeta | undefined {
    const meta = this.deps.db.data.peers[entry.name];
    // A record for a different key under the same name is stale (peer replaced by hand).
    return meta && meta.publicKey === entry.publicKey ? meta : undefined;
  }

  private findManaged(name: string): PeerEntry | undefined {
    return this.index().byName.get(name);
  }

  /**
   * Peers of the current document and the addresses they hold. Built once from the file, then kept up to
   * date change by change, so an add at 10,000 peers neither re-lists nor re-parses them.
   */
  private index(): DocIndex {
    if (this.indexed?.doc !== this.doc) {
      const list = listPeers(this.doc);
      this.indexed = { doc: this.doc, list, byName: new Map(list.map((p) => [p.name, p])), used: usedHostAddresses(this.subnet, allAllowedIps(this.doc)) };
    }
    return this.indexed;
  }

  private collides(entry: PeerEntry): boolean {
    const used = this.index().used;
    return [...usedHostAddresses(this.subnet, entry.allowedIps)].some((a) => used.has(a));
  }

  private requireManaged(name: string): PeerEntry {
    if (!isAddressableName(name)) throw new UserError('peer.notFound', { name: name.slice(0, 20) });
    const entry = this.findManaged(name);
    if (!entry) throw new UserError('peer.notFound', { name });
    return entry;
  }

  private async finishPending(pending: PendingChange, findings: string[]): Promise<void> {
    let doc = this.doc;
    const entry = this.findManaged(pending.name);
    if (pending.op === 'add' && !entry) {
      // Interrupted after the database write, before the file write: the database holds the whole entry.
      const used = new Set(allAllowedIps(doc));
      if (this.deps.db.data.peers[pending.name] && !pending.entry.allowedIps.some((ip) => used.has(ip))) doc = addPeerToDoc(doc, pending.entry);
    } else if (pending.op === 'remove' && entry && entry.publicKey === pending.publicKey) {
      doc = removePeerFromDoc(doc, pending.name);
    } else if ((pending.op === 'enable' || pending.op === 'disable') && entry && entry.enabled !== (pending.op === 'enable')) {
      doc = setPeerEnabled(doc, pending.name, pending.op === 'enable');
    }
    if (doc !== this.doc) {
      await this.writeDoc(doc);
      findings.push(`finished an interrupted ${pending.op} of ${pending.name}`);
    }
  }

  private async reconcileLive(findings: string[], pending: PendingChange | undefined, liveState: Promise<InterfaceLiveState | undefined> | undefined): Promise<number> {
    if (!this.deps.live || !liveState) return 0;
    const state = await liveState;
    if (!state) {
      findings.push(`interface ${this.deps.live.name} is not up (start it with: systemctl start wg-quick@${this.deps.live.name})`);
      return 0;
    }
    const live = new Map(state.peers.map((p) => [p.publicKey, p]));
    const inFile = new Set<string>();
    let applied = 0;
    const wanted = [...listPeers(this.doc), ...unmanagedPeers(this.doc).map((p) => ({ ...p, name: '' }))];
    for (const peer of wanted) {
      inFile.add(peer.publicKey);
      const current = live.get(peer.publicKey);
      if (!peer.enabled) {
        if (current) {
          await this.deps.live.removePeer(peer.publicKey);
          applied++;
        }
        continue;
      }
      if (!current || !sameSet(current.allowedIps, peer.allowedIps)) {
        await this.deps.live.setPeer(this.livePeer(peer));
        applied++;
      }
    }
    for (const key of live.keys()) {
      if (inFile.has(key)) continue;
      if (pending?.op === 'remove' && pending.publicKey === key) {
        await this.deps.live.removePeer(key);
        applied++;
      } else {
        findings.push(`peer ${key.slice(0, 8)}… is live on ${this.deps.live.name} but not in ${this.deps.file.path} (added by hand with wg set?); left alone`);
      }
    }
    return applied;
  }

  /** (Re)parse the file when it changed on disk since we last read or wrote it (someone edited it by hand). */
  private async loadDoc(initial: boolean): Promise<void> {
    const stamp = await this.fileStamp();
    if (!initial && stamp === this.docStamp) return;
    const text = await this.deps.file.read();
    if (text === undefined) {
      throw new ConfigError('WG_CONFIG_DIR', `${this.deps.file.path} does not exist: run "wg-chatops install", or point WG_CONFIG_DIR/WG_INTERFACE at your WireGuard config`);
    }
    let doc: ServerConfigDoc;
    try {
      doc = parseServerConfig(text);
    } catch (error) {
      throw new ConfigError(this.deps.file.path, (error as Error).message, { cause: error });
    }
    if (!doc.iface.privateKey) throw new ConfigError(this.deps.file.path, 'has no [Interface] PrivateKey');
    const s = this.deps.settings;
    try {
      this.subnet = s.subnet ? tunnelSubnetFromCidr(s.subnet, s.subnet6) : tunnelSubnetFromAddresses(doc.iface.addresses);
    } catch (error) {
      throw new ConfigError(s.subnet ? 'WG_SUBNET' : this.deps.file.path, `cannot tell the tunnel subnet: ${(error as Error).message} (set WG_SUBNET)`, { cause: error });
    }
    this.deps.logger.addSecret(doc.iface.privateKey);
    this.serverPublicKey = publicKeyFromPrivate(doc.iface.privateKey);
    this.doc = doc;
    this.content = { doc, content: text };
    this.docStamp = stamp;
  }

  private async writeDoc(doc: ServerConfigDoc, change?: { added?: PeerEntry; removed?: PeerEntry; updated?: PeerEntry }): Promise<void> {
    const chunks = this.contentAfter(doc, change);
    await this.deps.file.write(chunks);
    this.content = { doc, content: chunks };
    const index = this.indexed?.doc === this.doc ? this.indexed : undefined;
    this.doc = doc;
    this.docStamp = await this.fileStamp();
    if (!index || !change) return; // rebuilt from the document on next use
    // The old index belongs to the replaced document: update it in place.
    const list = change.removed ? index.list.filter((p) => p.name !== change.removed!.name) : index.list;
    const { byName, used } = index;
    if (change.removed) {
      byName.delete(change.removed.name);
      for (const a of usedHostAddresses(this.subnet, change.removed.allowedIps)) used.delete(a);
    }
    if (change.added) {
      list.push(change.added);
      byName.set(change.added.name, change.added);
      for (const a of usedHostAddresses(this.subnet, change.added.allowedIps)) used.add(a);
    }
    if (change.updated) {
      const i = list.findIndex((p) => p.name === change.updated!.name);
      if (i >= 0) list[i] = change.updated;
      byName.set(change.updated.name, change.updated);
    }
    this.indexed = { doc, list, byName, used };
  }

  /**
   * The file content of `doc`. An add only appends segments, so the bytes we last wrote plus the new
   * block are the same as a full render; reusing them spares rendering and encoding 10,000 peers again.
   */
  private contentAfter(doc: ServerConfigDoc, change?: { added?: PeerEntry }): Buffer[] {
    const previous = this.content;
    if (change?.added && previous?.doc === this.doc && doc.segments.length > previous.doc.segments.length) {
      const head = previous.doc.segments;
      const appendedOnly = head.every((segment, i) => doc.segments[i] === segment);
      if (appendedOnly) {
        const before = typeof previous.content === 'string' ? [Buffer.from(previous.content)] : previous.content;
        return appendChunks(before, [Buffer.from(doc.segments.slice(head.length).map((segment) => segment.text).join(''))]);
      }
    }
    return [Buffer.from(renderServerConfig(doc))];
  }

  private fileStamp(): Promise<string> {
    return this.deps.file.stamp();
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

interface DocIndex {
  doc: ServerConfigDoc;
  list: PeerEntry[];
  byName: Map<string, PeerEntry>;
  /** IPv4 host addresses held by any peer (managed, disabled or hand-written). */
  used: Set<number>;
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
