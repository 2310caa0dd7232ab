/**
 * The peers of one WireGuard interface: the interface config file decides which peers exist, the
 * database adds what the file cannot hold (owner, creation time, client keys, profile, end), and the
 * live interface follows the file one peer at a time.
 *
 * Every change is a PeerChange value (peer-change.ts), serialised here and journaled by the
 * ChangeApplier (change-applier.ts): intent, all targets at once, completion; rollback and recovery are
 * the same change again. Differences found otherwise, at start or when the file changes while running,
 * were made by hand (hand-edits.ts): reported and adopted, never undone.
 */
import { allocateFromUsed, usedHostAddresses } from './allocate.js';
import { ChangeApplier, type ApplierDeps } from './change-applier.js';
import { FileFollower } from './file-follower.js';
import type { TrashItem } from './database.js';
import { UserError, type DiskFault } from './errors.js';
import { endChange, expireChange, recordOf, switchChange } from './expiry.js';
import { isAddressableName, validatePeerName } from './names.js';
import type { DisableReason, InterfaceLiveState, PeerEntry } from './peer.js';
import { newPeer, trashItemFor, trashOverflow, UNDO_KEEP } from './peer-client.js';
import { profileOf, type PeerChange } from './peer-change.js';
import { clientRoutes } from './peer-profiles.js';
import type { PeerFileMirror } from './ports.js';
import { formatProfile, parseProfile } from './profile.js';
import { PeerReads } from './peer-reads.js';
import type { AddResult, DriftReport, PeerSettings, PeerView } from './peer-types.js';
export type { AddResult, DriftReport, PeerSettings, PeerView, PeerWithLive } from './peer-types.js';

/** The ChangeApplier's ports (the four targets, the journal), plus: */
export interface PeerServiceDeps extends Omit<ApplierDeps, 'now' | 'onCommitted'> {
  settings: PeerSettings;
  mirror?: PeerFileMirror;
  now?: () => Date;
  /** Hand edits found while running (at start they are in the DriftReport). */
  onHandEdits?: (findings: string[]) => void;
}

export class PeerService extends PeerReads {
  private lock: Promise<unknown> = Promise.resolve();
  private readonly applier: ChangeApplier;
  private readonly follower: FileFollower;
  private readonly committed: ((change: PeerChange) => void)[] = [];

  constructor(private readonly deps: PeerServiceDeps) {
    super(deps, deps.now ?? (() => new Date()));
    const onCommitted = (change: PeerChange) => this.committed.forEach((listener) => listener(change));
    this.applier = new ChangeApplier({ ...deps, now: this.now, onCommitted });
    this.follower = new FileFollower({ ...deps, now: this.now, applier: this.applier, policyPeers: () => this.policyPeers() });
  }

  /** Told after every committed change (the expiry clock, built after this service, plans again). */
  whenCommitted(listener: (change: PeerChange) => void): void {
    this.committed.push(listener);
  }

  get offline(): boolean {
    return this.deps.live === undefined;
  }
  get interfaceName(): string | undefined {
    return this.deps.live?.name;
  }
  get driftReport(): DriftReport {
    return this.follower.drift;
  }
  /** Set while changes fail for the disk (the bot then serves read-only commands). */
  get storageFault(): DiskFault | undefined {
    return this.applier.diskFault;
  }
  get timeZone(): string {
    return this.deps.settings.timeZone ?? 'UTC';
  }

  /** Resolves once every journal write of the changes so far is on disk (before stopping). */
  async idle(): Promise<void> {
    await this.lock;
    await this.applier.idle();
  }

  /**
   * Load the config file (a ConfigError when it is wrong: the program stops), finish an interrupted change,
   * adopt hand edits, bring the live interface in line. Writes nothing when nothing differs; a full disk
   * does not stop it. `askedLiveState`: the interface's state if the caller asked for it already (app.ts).
   */
  start(
    askedLiveState?: Promise<InterfaceLiveState | undefined>,
    beforeReconcile?: (enabledOf: (name: string) => boolean | undefined) => void,
  ): Promise<DriftReport> {
    return this.serialised(() => {
      // Asked first: the interface prepares its answer (3 MB at 10,000 peers) while the file is read and parsed.
      const liveState = this.deps.live ? (askedLiveState ?? this.deps.live.state()) : undefined;
      liveState?.catch(() => undefined); // awaited by the follower; never unhandled if loading fails first
      // E.g. PiVPN's peers taken over in memory, with their state in the file.
      return this.follower.start(liveState, () => beforeReconcile?.((name) => this.findManaged(name)?.enabled));
    });
  }

  /**
   * Re-read the config file if it changed on disk (a cheap stat otherwise), adopting and reporting what
   * was edited by hand. Called before every command, so /peers and /status show a `pivpn -r` at once.
   * A file broken while running is logged; reads go on with the last good one, changes are refused.
   */
  refresh(): Promise<void> {
    return this.serialised(() => this.follower.refresh(false));
  }

  // ---- changes ----------------------------------------------------------------------------

  /**
   * Create a peer (`end`: when its access ends). `whileCommitting` receives the client config as soon as keys
   * and address are chosen and runs while the change is committed (the QR image is made there).
   */
  add<X = undefined>(
    request: { name: string; owner: string; profile?: string; end?: Date },
    whileCommitting?: (clientConfig: string) => Promise<X>,
  ): Promise<AddResult<X>> {
    return this.serialised(async () => {
      const name = validatePeerName(request.name);
      const profile = formatProfile(parseProfile(request.profile ?? this.deps.settings.defaultProfile ?? 'full'));
      await this.follower.refresh(true);
      if (this.findManaged(name)) throw new UserError('peer.exists', { name });
      if (!this.endpoint()) throw new UserError('peer.noEndpoint');
      const address = allocateFromUsed(this.deps.document.subnet, this.deps.document.index().used);
      const { entry, meta, privateKey } = newPeer({
        ...request,
        name,
        profile,
        allowedIps: address.allowedIps,
        keepKey: this.deps.settings.keepClientKeys,
        now: this.now(),
      });
      for (const secret of [privateKey, entry.presharedKey]) this.deps.logger.addSecret(secret);
      const clientConfig = this.renderClient(entry, privateKey, profile);
      // Started on the next turn of the event loop, so its CPU work overlaps the commit's disk and `wg` waits.
      const extra = whileCommitting ? new Promise<void>((r) => setImmediate(r)).then(() => whileCommitting(clientConfig)) : Promise.resolve(undefined as X);
      extra.catch(() => undefined); // awaited below; never an unhandled rejection if the commit fails first
      const live = await this.applier.commit({ op: 'add', entry, meta });
      await this.deps.mirror?.added(entry, { privateKey, config: clientConfig, createdAt: new Date(meta.createdAt) });
      return { entry, meta, clientConfig, extra: await extra, live };
    });
  }

  /** Remove a peer; returns the undo token (valid for UNDO_SECONDS). */
  revoke(name: string, by: string): Promise<TrashItem> {
    return this.serialised(async () => {
      const { entry, meta } = await this.forChange(name);
      const item = trashItemFor(entry, meta, by, this.now(), this.deps.settings.undoSeconds);
      await this.applier.commit({
        op: 'remove',
        entry,
        ...(meta ? { meta } : {}),
        ...(this.deps.settings.undoSeconds > 0 ? { trash: item } : {}),
      });
      await this.deps.mirror?.removed(entry);
      await this.trimTrash();
      return item;
    });
  }

  /** After the commit, so a revoke that failed and was rolled back never costs an older one its /undo. */
  private async trimTrash(): Promise<void> {
    const overflow = trashOverflow(this.deps.db.data.trash, UNDO_KEEP);
    if (overflow.length === 0) return;
    await this.deps.db
      .update((d) => {
        for (const token of overflow) delete d.trash[token];
      })
      .catch((error: unknown) => this.deps.logger.warn('trimming the /undo trash failed (tried again at the next revoke)', { error }));
  }

  /** Restore a revoked peer with the same keys and address. */
  undo(token: string): Promise<PeerView> {
    return this.serialised(async () => {
      const item = this.deps.db.data.trash[token];
      if (!item || Date.parse(item.expiresAt) <= this.now().getTime()) throw new UserError('peer.undoExpired');
      await this.follower.refresh(true);
      if (this.findManaged(item.entry.name)) throw new UserError('peer.exists', { name: item.entry.name });
      const used = this.deps.document.index().used;
      if ([...usedHostAddresses(this.deps.document.subnet, item.entry.allowedIps)].some((a) => used.has(a))) {
        throw new UserError('peer.undoAddressTaken', { name: item.entry.name });
      }
      const meta = item.meta ?? {
        name: item.entry.name,
        publicKey: item.entry.publicKey,
        owner: item.revokedBy,
        createdAt: item.revokedAt,
      };
      await this.applier.commit({ op: 'add', entry: item.entry, meta, restoring: item });
      await this.deps.mirror?.added(item.entry, { privateKey: meta.privateKey, createdAt: new Date(meta.createdAt) });
      return { entry: item.entry, meta };
    });
  }

  /** /enable and /disable (and the quota's switch-off). A peer whose end has passed is not enabled (its end must move first: /expire). */
  async setEnabled(name: string, enabled: boolean, reason?: Exclude<DisableReason, 'admin'>): Promise<{ entry: PeerEntry; changed: boolean }> {
    const { entry, change } = await this.changePeer(name, (view, now) => switchChange(view, enabled, now, this.timeZone, reason));
    return { entry: change?.entry ?? entry, changed: change !== undefined };
  }

  /**
   * Change what a peer may reach (/route): journaled like any change (database and firewall), so a failure or
   * a crash changes nothing. Returns the new client config when the bot kept the peer's private key.
   */
  async setProfile(name: string, profileText: string): Promise<{ entry: PeerEntry; profile: string; clientConfig?: string; allowedIps: string[] }> {
    const profile = formatProfile(parseProfile(profileText));
    const { entry, meta } = await this.changePeer(name, (view, now) => {
      const meta = recordOf(view, now);
      return view.meta && profileOf(view.meta) === profile ? undefined : { op: 'route', entry: view.entry, meta, profile };
    });
    const privateKey = meta?.privateKey;
    const allowedIps = clientRoutes(profile, this.deps.settings, this.deps.document.subnet);
    return { entry, profile, allowedIps, ...(privateKey ? { clientConfig: this.renderClient(entry, privateKey, profile) } : {}) };
  }

  /** Set or clear a peer's end (/expire; `at` undefined: never); one its end had switched off comes back on. */
  async setEnd(name: string, at: Date | undefined): Promise<{ entry: PeerEntry; enabled: boolean }> {
    const { entry, change } = await this.changePeer(name, (view, now) => endChange(view, at, now));
    return { entry, enabled: change?.op === 'enable' };
  }

  /** Switch off a peer whose end has passed (the expiry clock); undefined when it is no longer due. */
  async expire(name: string, publicKey: string): Promise<PeerView | undefined> {
    if (!this.hasName(name)) return undefined;
    const done = await this.changePeer(name, (view, now) => expireChange(view, publicKey, now));
    return done.change ? done : undefined;
  }

  /** Note that the owner was reminded of the end `expiresAt` (so it is never sent twice). */
  markReminded(name: string, expiresAt: string): Promise<void> {
    return this.serialised(async () => {
      const meta = this.deps.db.data.peers[name];
      if (!meta || meta.expiresAt !== expiresAt || meta.remindedFor === expiresAt) return;
      await this.deps.db.update((d) => (d.peers[name] = { ...meta, remindedFor: expiresAt }));
    });
  }

  // ---- helpers ---------------------------------------------------------------------------

  /**
   * One change to one peer: the file re-read, `decide` sees the peer as it is now and returns the change to
   * commit (undefined: nothing to do). Returns the peer as it is after it.
   */
  private changePeer(name: string, decide: (view: PeerView, now: Date) => PeerChange | undefined): Promise<PeerView & { change?: PeerChange }> {
    return this.serialised(async () => {
      const view = await this.forChange(name);
      const change = decide(view, this.now());
      if (!change) return view;
      await this.applier.commit(change);
      if (change.op === 'enable' || change.op === 'disable') await this.deps.mirror?.enabledChanged(change.entry);
      return { ...this.get(name)!, change };
    });
  }

  /** The file re-read, then the named peer (a UserError when there is none). */
  private async forChange(name: string): Promise<PeerView & { entry: PeerEntry }> {
    await this.follower.refresh(true);
    if (!isAddressableName(name)) throw new UserError('peer.notFound', { name: name.slice(0, 20) });
    const entry = this.findManaged(name);
    if (!entry) throw new UserError('peer.notFound', { name });
    return { entry, meta: this.metaFor(entry) };
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }
}
