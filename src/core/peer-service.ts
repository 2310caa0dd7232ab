/**
 * The peers of one WireGuard interface: the interface config file decides which peers exist, the
 * database adds what the file cannot hold (owner, creation time, client keys), and the live interface
 * follows the file one peer at a time.
 *
 * Every change is a PeerChange value (peer-change.ts), serialised, and journaled: its intent is recorded
 * first, then it is applied to the database, the file, the live interface and the firewall (the peer's
 * profile, peer-profiles.ts) at once, then it is marked done. A failure applies the inverse change to
 * whatever had been changed; a crash is finished at the next start from the journal (a change marked done
 * is never applied again). Differences found otherwise, at
 * start or when the file changes while running, were made by hand: reported and adopted, never undone.
 */
import { randomBytes } from 'node:crypto';
import { addressForV4, allocateFromUsed, usedHostAddresses } from './allocate.js';
import { formatEndpoint, renderClientConfig } from './client-config.js';
import type { BotDb, TrashItem } from './database.js';
import { diskFaultOf, UserError, type DiskFault } from './errors.js';
import { generateKeyPair, generatePresharedKey } from './keys.js';
import { isAddressableName, validatePeerName } from './names.js';
import { ADMINS_OWNER, type InterfaceLiveState, type PeerEntry, type PeerLiveState, type PeerMeta } from './peer.js';
import { databaseEdit, describeChange, inverse, profileOf, withProfile, type PeerChange } from './peer-change.js';
import { applyToPolicy, clientRoutes, policyPeers, tunnelAddresses } from './peer-profiles.js';
import type { ChangeJournal, InterfaceDocument, LiveInterface, PeerFileMirror, PeerPolicy, PolicyPeer } from './ports.js';
import { formatProfile, parseProfile } from './profile.js';
import { listPeers, unmanagedPeers } from './server-config.js';
import type { Logger } from '../log/logger.js';

export interface PeerSettings {
  /** Host or IP clients dial, optionally with :port (WG_ENDPOINT, else the DDNS hostname). */
  endpoint?: string;
  /** WG_PORT: what clients dial when the endpoint has no port; else the file's ListenPort, else 51820. */
  port?: number;
  /** WG_SUBNET / WG_SUBNET6 override the file's [Interface] Address (used by the interface document). */
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
  /** Human-readable findings for the log, doctor and /status (operator-facing detail, not translated). */
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
  document: InterfaceDocument;
  /** undefined in offline mode: configs are written, no live interface is touched. */
  live?: LiveInterface;
  db: BotDb;
  journal: ChangeJournal;
  settings: PeerSettings;
  mirror?: PeerFileMirror;
  /** The Pi's per-peer firewall (profiles): the fourth target of every change; undefined: none (offline mode). */
  policy?: PeerPolicy;
  logger: Logger;
  now?: () => Date;
  /** A change failed for the disk (full, read-only, I/O error): told once until a change succeeds again. */
  onDiskFault?: (fault: DiskFault, error: unknown) => void;
  /** Throws (an ENOSPC error) when the disks lack room for the writes of a change. */
  ensureRoom?: () => Promise<void>;
  /** Called at every step boundary of a change (begun, db, file, live, done…): crash tests kill the process there. */
  onStep?: (step: string) => void;
  /** Hand edits found while running (at start they are in the DriftReport). */
  onHandEdits?: (findings: string[]) => void;
}

type Target = 'db' | 'file' | 'live' | 'policy';

export class PeerService {
  private lock: Promise<unknown> = Promise.resolve();
  /** The last "done" mark, written after the reply (see commit). */
  private marking: Promise<unknown> = Promise.resolve();
  private drift: DriftReport = { findings: [], applied: 0 };
  private diskFault: DiskFault | undefined;
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

  /** Resolves once every journal write of the changes so far is on disk (before stopping). */
  async idle(): Promise<void> {
    await this.lock;
    await this.marking;
  }

  /** Set while changes fail for the disk (the bot then serves read-only commands). */
  get storageFault(): DiskFault | undefined {
    return this.diskFault;
  }

  /**
   * Load the config file, finish an interrupted change, adopt hand edits, bring the live interface in line.
   * Writes nothing when nothing differs. A full disk does not stop it: read-only commands keep working.
   * `askedLiveState`: the interface's state if the caller asked for it already (see app.ts).
   */
  start(askedLiveState?: Promise<InterfaceLiveState | undefined>, beforeReconcile?: (enabledOf: (name: string) => boolean | undefined) => void): Promise<DriftReport> {
    return this.serialised(async () => {
      // Asked first: the interface prepares its answer (3 MB at 10,000 peers) while the file is read and parsed.
      const liveState = this.deps.live ? (askedLiveState ?? this.deps.live.state()) : undefined;
      liveState?.catch(() => undefined); // awaited below; never unhandled if loading fails first
      await this.deps.document.load();
      // E.g. PiVPN's peers taken over in memory, with their state in the file.
      beforeReconcile?.((name) => this.findManaged(name)?.enabled);
      const findings: string[] = [];
      const recovered = await this.settle(findings, ['db', 'file', 'live']).catch(async (error) => {
        this.storageFailed(error, findings, 'finishing the interrupted change');
        // Still to be finished (next change or start): not a hand edit.
        return (await this.deps.journal.last().catch(() => undefined))?.change;
      });
      await this.adoptHandEdits(findings, recovered?.entry.name);
      const applied = await this.reconcileLive(findings, this.touchedLive ? this.deps.live?.state() : liveState);
      this.touchedLive = false;
      this.drift = { findings, applied };
      for (const f of findings) this.deps.logger.warn(`reconcile: ${f}`);
      return this.drift;
    });
  }

  /**
   * Re-read the config file if it changed on disk (a cheap stat otherwise), adopting and reporting what
   * was edited by hand. Called before every command, so /peers and /status show a `pivpn -r` at once.
   */
  refresh(): Promise<void> {
    return this.serialised(() => this.refreshNow());
  }

  // ---- reading ----------------------------------------------------------------------------

  list(): PeerView[] {
    return this.deps.document.index().list.map((entry) => ({ entry, meta: this.metaFor(entry) }));
  }

  /** Peers written by hand in the config file, outside any `### begin NAME ###` block. */
  unmanagedCount(): number {
    return unmanagedPeers(this.deps.document.doc).length;
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
    return this.deps.settings.port ?? this.deps.document.doc.iface.listenPort ?? 51820;
  }

  /** The client config of a peer whose private key the bot kept (KEEP_CLIENT_KEYS). */
  clientConfigFor(name: string): string | undefined {
    const view = this.get(name);
    if (!view?.meta?.privateKey) return undefined;
    return this.renderClient(view.entry, view.meta.privateKey, profileOf(view.meta));
  }

  /** The tunnel's networks and the Pi's own tunnel addresses (after start). */
  tunnel(): { networks: string[]; serverAddresses: string[] } {
    return tunnelAddresses(this.deps.document.subnet);
  }

  /** Every enabled peer as the firewall sees it (what policy.sync writes at start). */
  policyPeers(): PolicyPeer[] {
    return policyPeers(this.list(), unmanagedPeers(this.deps.document.doc));
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
      await this.refreshNow();
      if (this.findManaged(name)) throw new UserError('peer.exists', { name });
      const endpoint = this.endpoint();
      if (!endpoint) throw new UserError('peer.noEndpoint');
      const address = allocateFromUsed(this.deps.document.subnet, this.deps.document.index().used);
      const keys = generateKeyPair();
      this.deps.logger.addSecret(keys.privateKey);
      const entry: PeerEntry = { name, publicKey: keys.publicKey, presharedKey: generatePresharedKey(), allowedIps: address.allowedIps, enabled: true };
      this.deps.logger.addSecret(entry.presharedKey!);
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
      const live = await this.commit({ op: 'add', entry, meta });
      await this.deps.mirror?.added(entry, { privateKey: keys.privateKey, config: clientConfig, createdAt: new Date(meta.createdAt) });
      return { entry, meta, clientConfig, extra: await extra, live };
    });
  }

  /** Remove a peer; returns the undo token (valid for UNDO_SECONDS). */
  revoke(name: string, by: string): Promise<TrashItem> {
    return this.serialised(async () => {
      await this.refreshNow();
      const entry = this.requireManaged(name);
      const now = this.now();
      const meta = this.metaFor(entry);
      const item: TrashItem = {
        token: randomBytes(6).toString('base64url'),
        entry,
        ...(meta ? { meta } : {}),
        revokedAt: now.toISOString(),
        revokedBy: by,
        expiresAt: new Date(now.getTime() + this.deps.settings.undoSeconds * 1000).toISOString(),
      };
      await this.commit({ op: 'remove', entry, ...(meta ? { meta } : {}), ...(this.deps.settings.undoSeconds > 0 ? { trash: item } : {}) });
      await this.deps.mirror?.removed(entry);
      return item;
    });
  }

  /** Restore a revoked peer with the same keys and address. */
  undo(token: string): Promise<PeerView> {
    return this.serialised(async () => {
      const item = this.deps.db.data.trash[token];
      if (!item || Date.parse(item.expiresAt) <= this.now().getTime()) throw new UserError('peer.undoExpired');
      await this.refreshNow();
      if (this.findManaged(item.entry.name)) throw new UserError('peer.exists', { name: item.entry.name });
      const used = this.deps.document.index().used;
      if ([...usedHostAddresses(this.deps.document.subnet, item.entry.allowedIps)].some((a) => used.has(a))) {
        throw new UserError('peer.undoAddressTaken', { name: item.entry.name });
      }
      const meta = item.meta ?? { name: item.entry.name, publicKey: item.entry.publicKey, owner: item.revokedBy, createdAt: item.revokedAt };
      await this.commit({ op: 'add', entry: item.entry, meta, restoring: item });
      await this.deps.mirror?.added(item.entry, { privateKey: meta.privateKey, createdAt: new Date(meta.createdAt) });
      return { entry: item.entry, meta };
    });
  }

  setEnabled(name: string, enabled: boolean, reason?: 'admin' | 'expired' | 'quota'): Promise<{ entry: PeerEntry; changed: boolean }> {
    return this.serialised(async () => {
      await this.refreshNow();
      const entry = this.requireManaged(name);
      if (entry.enabled === enabled) return { entry, changed: false };
      const updated = { ...entry, enabled };
      const meta = this.metaFor(entry);
      await this.commit({ op: enabled ? 'enable' : 'disable', entry: updated, ...(meta ? { meta } : {}), ...(reason ? { reason } : {}) });
      await this.deps.mirror?.enabledChanged(updated);
      return { entry: updated, changed: true };
    });
  }

  /**
   * Change what a peer may reach (/route): journaled like any change (database and firewall), so a failure or
   * a crash changes nothing. Returns the new client config when the bot kept the peer's private key.
   */
  setProfile(name: string, profileText: string): Promise<{ entry: PeerEntry; profile: string; clientConfig?: string; allowedIps: string[] }> {
    return this.serialised(async () => {
      const profile = formatProfile(parseProfile(profileText));
      await this.refreshNow();
      const entry = this.requireManaged(name);
      const stored = this.metaFor(entry);
      const meta = stored ?? { name: entry.name, publicKey: entry.publicKey, owner: ADMINS_OWNER, createdAt: this.now().toISOString() };
      if (!stored || profileOf(stored) !== profile) await this.commit({ op: 'route', entry, meta, profile });
      const after = withProfile(meta, profile);
      const allowedIps = clientRoutes(profile, this.deps.settings, this.deps.document.subnet);
      return { entry, profile, allowedIps, ...(after.privateKey ? { clientConfig: this.renderClient(entry, after.privateKey, profile) } : {}) };
    });
  }

  // ---- the journaled change ---------------------------------------------------------------

  /** The targets of a change: the firewall too when there is one. */
  private get targets(): readonly Target[] {
    return this.deps.policy ? ['db', 'file', 'live', 'policy'] : ['db', 'file', 'live'];
  }

  /** Intent, all targets at once, completion; on a failure the inverse for what had changed. True when live. */
  private async commit(change: PeerChange): Promise<boolean> {
    await this.settle([], this.targets).catch((error) => this.refuse(error));
    await this.deps.ensureRoom?.().catch((error) => this.refuse(error));
    this.step('begin');
    const seq = await this.deps.journal.begin(change).catch((error) => this.refuse(error));
    this.step('begun');
    const outcome = await this.applyTo(change, this.targets);
    if (outcome.failed.length === 0) {
      this.diskFault = undefined;
      // Off the reply's path: the journal writes it before the next change's intent. If it is lost (a crash
      // first), the next start applies the change again: idempotent, so nothing differs.
      this.marking = this.deps.journal
        .mark(seq, 'done')
        .then(() => this.step('done'))
        .catch((error) => this.deps.logger.warn(`journal: could not mark the ${describeChange(change)} done`, { error }));
      return outcome.live;
    }
    const firstError = outcome.failed[0]!.error;
    const undo = inverse(change);
    try {
      await this.deps.journal.mark(seq, 'undoing');
      const back = await this.applyTo(undo, outcome.changed);
      if (back.failed.length > 0) throw back.failed[0]!.error;
      await this.deps.journal.mark(seq, 'undone');
    } catch (error) {
      // Left as "undoing" (or "begun"): the next change, or the next start, finishes the rollback.
      this.deps.logger.error(`rolling back the ${describeChange(change)} failed; it is finished later from the journal`, { error });
    }
    return this.refuse(firstError);
  }

  /** Apply a change to some targets at once (each idempotent); which ones it changed, which failed. */
  private async applyTo(change: PeerChange, targets: readonly Target[]): Promise<{ changed: Target[]; failed: { target: Target; error: unknown }[]; live: boolean }> {
    const apply = (target: Target): Promise<boolean> => {
      if (target === 'db') return this.applyToDb(change);
      if (target === 'file') return this.deps.document.apply(change);
      if (target === 'policy') return applyToPolicy(this.deps.policy!, change);
      return this.applyToLive(change);
    };
    const run = async (target: Target): Promise<boolean> => {
      const result = await apply(target);
      this.step(target);
      return result;
    };
    const results = await Promise.allSettled(targets.map(run));
    const changed: Target[] = [];
    const failed: { target: Target; error: unknown }[] = [];
    let live = false;
    results.forEach((r, i) => {
      const target = targets[i]!;
      if (r.status === 'rejected') failed.push({ target, error: r.reason });
      else {
        // The live target counts as changed even when it reported "not up" (its inverse is then harmless).
        changed.push(target);
        if (target === 'live') live = r.value;
      }
    });
    return { changed, failed, live };
  }

  private async applyToDb(change: PeerChange): Promise<boolean> {
    const edit = databaseEdit(this.deps.db.data, change, this.now());
    if (!edit) return false;
    await this.deps.db.update(edit);
    return true;
  }

  /** False (and a log line) when the interface is not up: the file change still stands. */
  private async applyToLive(change: PeerChange): Promise<boolean> {
    const live = this.deps.live;
    if (!live) return false;
    if (change.op === 'route') return true; // the interface does not know profiles (the firewall does)
    const { entry } = change;
    const wanted = change.op !== 'remove' && entry.enabled;
    const done = wanted ? await live.setPeer(this.livePeer(entry)) : await live.removePeer(entry.publicKey);
    if (!done) this.deps.logger.warn(`interface ${live.name} is not up: the change is in ${this.deps.document.path} and takes effect when it starts`);
    return done;
  }

  /**
   * Finish the newest journaled change if it did not finish: forward when it had begun, backward when its
   * rollback had begun. A change marked done or undone is never applied again. At start the firewall is
   * left out: it is written whole from the result afterwards (policy.sync).
   */
  private async settle(findings: string[], targets: readonly Target[]): Promise<PeerChange | undefined> {
    const record = await this.deps.journal.last();
    if (!record || record.state === 'done' || record.state === 'undone') return undefined;
    const forward = record.state === 'begun';
    const change = forward ? record.change : inverse(record.change);
    this.touchedLive = true;
    const outcome = await this.applyTo(change, targets);
    if (outcome.failed.length > 0) {
      const error = outcome.failed[0]!.error;
      if (diskFaultOf(error)) throw error; // tried again by the next change or start
      // E.g. the address was given to a peer added by hand meanwhile: the hand edit wins, the change is dropped.
      findings.push(`could not finish the interrupted ${describeChange(record.change)} (${(error as Error).message}); dropped, the config file as edited is kept`);
      this.deps.logger.warn(`journal: dropping the interrupted ${describeChange(record.change)}`, { error });
      await this.deps.journal.mark(record.seq, 'undone');
      return undefined;
    }
    await this.deps.journal.mark(record.seq, forward ? 'done' : 'undone');
    if (outcome.changed.length > 0) findings.push(forward ? `finished an interrupted ${describeChange(record.change)}` : `rolled back a failed ${describeChange(record.change)}`);
    return change;
  }

  private step(name: string): void {
    this.deps.onStep?.(name);
  }

  private refuse(error: unknown): never {
    const fault = diskFaultOf(error);
    if (!fault) throw error;
    if (this.diskFault !== fault) {
      this.diskFault = fault;
      this.deps.onDiskFault?.(fault, error);
    }
    this.deps.logger.error(`a peer change failed for the disk (${fault}); nothing was changed`, { error });
    throw new UserError(fault === 'full' ? 'storage.full' : fault === 'readOnly' ? 'storage.readOnly' : 'storage.io', {}, { cause: error });
  }

  private storageFailed(error: unknown, findings: string[], what: string): void {
    const fault = diskFaultOf(error);
    if (!fault) throw error;
    this.diskFault = fault;
    findings.push(`${what} failed: the disk is ${fault === 'full' ? 'full' : fault === 'readOnly' ? 'read-only' : 'failing (I/O error)'}; read-only commands keep working`);
    this.deps.onDiskFault?.(fault, error);
  }

  // ---- hand edits ------------------------------------------------------------------------

  private async refreshNow(): Promise<void> {
    if (!(await this.deps.document.refresh())) return;
    const findings: string[] = [];
    await this.adoptHandEdits(findings);
    // The live interface follows the file (`pivpn` reloads it itself; a plain editor does not).
    const liveFindings: string[] = [];
    await this.reconcileLive(liveFindings, this.deps.live?.state()).catch((error) => this.deps.logger.warn('bringing the interface in line after a hand edit failed', { error }));
    // So does the firewall: a peer added with `pivpn -a` gets the rules of `full` (as at start), a removed one none.
    await this.deps.policy?.sync(this.policyPeers()).catch((error) => this.deps.logger.error('bringing the firewall in line after a hand edit failed', { error }));
    if (findings.length === 0) return;
    for (const f of findings) this.deps.logger.warn(`hand edit: ${f}`);
    this.drift = { findings: [...this.drift.findings, ...findings], applied: this.drift.applied };
    this.deps.onHandEdits?.(findings);
  }

  /**
   * The file is the truth for which peers exist and whether they are enabled; the database follows:
   * a block removed by hand = revoked, `#[disabled] ` added or removed = disabled or enabled, a block added
   * = adopted (owned by the admins). Reported; written in one database update (none when nothing differs).
   */
  private async adoptHandEdits(findings: string[], justApplied?: string): Promise<void> {
    const { db } = this.deps;
    const file = this.deps.document.index().byName;
    const edits: ((d: typeof db.data) => void)[] = [];
    const path = this.deps.document.path;
    for (const [name, meta] of Object.entries(db.data.peers)) {
      const entry = file.get(name);
      if (entry && entry.publicKey === meta.publicKey) {
        if (entry.enabled === !meta.disabled) continue;
        findings.push(`peer "${name}" was ${entry.enabled ? 'enabled' : 'disabled'} by hand in ${path}: kept`);
        const { disabled: _was, ...rest } = meta;
        const next: PeerMeta = entry.enabled ? rest : { ...rest, disabled: true };
        edits.push((d) => (d.peers[name] = next));
        continue;
      }
      if (entry) continue; // another key under this name: the block below is adopted in its place
      findings.push(`peer "${name}" (${meta.publicKey.slice(0, 8)}…) was removed from ${path} by hand: treated as revoked`);
      this.revokedByHand.add(meta.publicKey);
      edits.push((d) => delete d.peers[name]);
    }
    for (const entry of file.values()) {
      const meta = db.data.peers[entry.name];
      if (meta && meta.publicKey === entry.publicKey) continue;
      if (entry.name === justApplied) continue;
      findings.push(`peer "${entry.name}" (${entry.publicKey.slice(0, 8)}…) was added to ${path} by hand: adopted, owned by the admins`);
      const adopted: PeerMeta = { name: entry.name, publicKey: entry.publicKey, owner: ADMINS_OWNER, createdAt: this.now().toISOString(), ...(entry.enabled ? {} : { disabled: true as const }) };
      edits.push((d) => (d.peers[entry.name] = adopted));
    }
    if (edits.length === 0) return;
    await db
      .update((d) => {
        for (const edit of edits) edit(d);
      })
      .catch((error) => this.storageFailed(error, findings, 'recording the hand edits in the database'));
  }

  private async reconcileLive(findings: string[], liveState: Promise<InterfaceLiveState | undefined> | undefined): Promise<number> {
    const live = this.deps.live;
    if (!live || !liveState) return 0;
    const state = await liveState;
    if (!state) {
      findings.push(`interface ${live.name} is not up (start it with: systemctl start wg-quick@${live.name})`);
      return 0;
    }
    const current = new Map(state.peers.map((p) => [p.publicKey, p]));
    const doc = this.deps.document.doc;
    const wanted = [...listPeers(doc), ...unmanagedPeers(doc).map((p) => ({ ...p, name: '' }))];
    const inFile = new Set(wanted.map((p) => p.publicKey));
    // Keys the bot gave out (trash, journal): live without a block means revoked, so they go.
    const ours = new Set([...Object.values(this.deps.db.data.trash).map((t) => t.entry.publicKey)]);
    const last = await this.deps.journal.last().catch(() => undefined);
    if (last) ours.add(last.change.entry.publicKey);
    let applied = 0;
    for (const peer of wanted) {
      const now = current.get(peer.publicKey);
      if (!peer.enabled) {
        if (now) {
          await live.removePeer(peer.publicKey);
          applied++;
        }
        continue;
      }
      if (!now || !sameSet(now.allowedIps, peer.allowedIps)) {
        await live.setPeer(this.livePeer(peer));
        applied++;
      }
    }
    for (const key of current.keys()) {
      if (inFile.has(key)) continue;
      if (ours.has(key) || this.revokedByHand.has(key)) {
        await live.removePeer(key);
        applied++;
      } else {
        findings.push(`peer ${key.slice(0, 8)}… is live on ${live.name} but not in ${this.deps.document.path} (added by hand with wg set?); left alone`);
      }
    }
    return applied;
  }

  private readonly revokedByHand = new Set<string>();
  /** A recovery changed the live interface after its state was asked for at start: ask again. */
  private touchedLive = false;

  // ---- helpers ---------------------------------------------------------------------------

  private livePeer(entry: PeerEntry) {
    return { publicKey: entry.publicKey, ...(entry.presharedKey ? { presharedKey: entry.presharedKey } : {}), allowedIps: entry.allowedIps };
  }

  private renderClient(entry: PeerEntry, privateKey: string, profile: string): string {
    const s = this.deps.settings;
    const subnetAddresses = addressForV4(this.deps.document.subnet, entry.allowedIps[0]!.split('/')[0]!).clientAddresses;
    return renderClientConfig({
      privateKey,
      addresses: subnetAddresses,
      dns: s.dns,
      serverPublicKey: this.deps.document.serverPublicKey,
      presharedKey: entry.presharedKey,
      endpoint: this.endpoint() ?? '',
      allowedIps: clientRoutes(profile, s, this.deps.document.subnet),
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
    return this.deps.document.index().byName.get(name);
  }

  private requireManaged(name: string): PeerEntry {
    if (!isAddressableName(name)) throw new UserError('peer.notFound', { name: name.slice(0, 20) });
    const entry = this.findManaged(name);
    if (!entry) throw new UserError('peer.notFound', { name });
    return entry;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
