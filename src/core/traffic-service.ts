/**
 * The traffic sampler: every TRAFFIC_SAMPLE_SECONDS it reads the interface's counters, adds each peer's
 * delta (src/core/traffic.ts) to its totals, month usage and history, checks quotas (quota.ts) and
 * connect/disconnect notices (presence.ts). Totals are saved after every sample that counted something;
 * the history rings are flushed every TRAFFIC_FLUSH_SECONDS and at stop (a crash in between loses no
 * bytes: traffic-unwritten.ts adds what the rings miss when they are next read). Never on the /addpeer path: it only reads.
 */
import type { Notifier } from './notifier.js';
import type { InterfaceLiveState, PeerEntry, PeerMeta } from './peer.js';
import { initialPresence, presenceReply, stepPresence, type PresenceSample, type PresenceSettings, type PresenceState } from './presence.js';
import { stepQuota, type Quota } from './quota.js';
import { TrafficNotices } from './traffic-notices.js';
import { UnwrittenTraffic } from './traffic-unwritten.js';
import { counterDelta, quotaMonthKey, zoneOffsetMinutes, type PeerTraffic, type TrafficRings, type TrafficState, type TrafficStore } from './traffic.js';
import type { Logger } from '../log/logger.js';

/** What the sampler needs of the peers (PeerService). */
export interface TrafficPeers {
  /** No live interface (trial mode): nothing to sample. */
  readonly offline: boolean;
  list(): { entry: PeerEntry; meta?: PeerMeta }[];
  liveState(): Promise<InterfaceLiveState | undefined>;
  setEnabled(name: string, enabled: boolean, reason?: 'quota'): Promise<{ changed: boolean }>;
}

export interface TrafficSettings {
  sampleSeconds: number;
  flushSeconds: number;
  quotaResetDay: number;
  /** TZ: the time zone of charts and quota months (undefined: the system's). */
  timeZone?: string;
  presence: PresenceSettings;
}

interface Deps {
  store: TrafficStore;
  peers: TrafficPeers;
  notifier?: Notifier;
  settings: TrafficSettings;
  logger: Logger;
  now?: () => Date;
}

/** How long the history of a peer that is gone is kept (longer than any undo window). */
export const FORGET_GONE_SECONDS = 7 * 86_400;

export class TrafficService {
  private state: TrafficState = { version: 1, notifyAll: false, peers: {} };
  private presence = new Map<string, PresenceState>();
  /** Unix seconds of the last sample in which each peer sent bytes (a sign of life besides handshakes). */
  private receivedAt = new Map<string, number>();
  private fresh = true;
  private lastFlush = 0;
  private queue: Promise<unknown> = Promise.resolve();
  readonly now: () => Date;

  private readonly notices: TrafficNotices;
  /** Counted, not yet in the ring files. */
  private readonly unwritten: UnwrittenTraffic;

  constructor(private readonly deps: Deps) {
    this.notices = new TrafficNotices(deps.notifier, deps.logger);
    this.unwritten = new UnwrittenTraffic(deps.store);
    this.now = deps.now ?? (() => new Date());
  }

  get settings(): TrafficSettings {
    return this.deps.settings;
  }

  /** Load the saved totals (no ring file is read: see traffic-unwritten.ts). */
  start(): Promise<void> {
    return this.serial(async () => {
      const saved = await this.deps.store.load();
      if (!saved) return;
      this.state = saved;
      this.fresh = false;
      this.unwritten.restarted(saved.peers);
      this.lastFlush = this.nowSeconds();
    });
  }

  /** One sample. Returns the number of peers that moved bytes. */
  sample(): Promise<number> {
    return this.serial(() => this.sampleNow());
  }

  flush(): Promise<void> {
    return this.serial(() => this.flushNow());
  }

  private async sampleNow(): Promise<number> {
    const now = this.nowSeconds();
    const live = await this.deps.peers.liveState();
    const views = this.deps.peers.list();
    const byKey = new Map(live?.peers.map((p) => [p.publicKey, p]));
    const monthKey = quotaMonthKey(now * 1000, this.deps.settings.quotaResetDay, (ms) => zoneOffsetMinutes(this.deps.settings.timeZone, ms));
    let moved = 0;
    let changed = false;
    const quotaWork: (() => Promise<void>)[] = [];
    for (const view of views) {
      const key = view.entry.publicKey;
      const lp = byKey.get(key);
      let rec = this.state.peers[key];
      if (!rec) {
        rec = { name: view.entry.name, total: { rx: 0, tx: 0 }, lastAt: now, month: { key: monthKey, used: 0 } };
        // The very first sample of a new installation starts counting from what the interface shows now.
        if (this.fresh && lp) rec.last = { rx: lp.rxBytes, tx: lp.txBytes };
        this.state.peers[key] = rec;
        changed = true;
      }
      if (rec.name !== view.entry.name) rec.name = view.entry.name;
      if (rec.month.key !== monthKey) {
        rec.month = { key: monthKey, used: 0 };
        changed = true;
      }
      if (!lp) {
        // Not on the interface (disabled, or the interface is down): its counters restart from 0.
        if (rec.last) changed = true;
        delete rec.last;
      } else {
        const delta = counterDelta(rec.last, { rx: lp.rxBytes, tx: lp.txBytes });
        rec.last = { rx: lp.rxBytes, tx: lp.txBytes };
        if (delta.rx > 0 || delta.tx > 0) {
          rec.total = { rx: rec.total.rx + delta.rx, tx: rec.total.tx + delta.tx };
          rec.month.used += delta.rx + delta.tx;
          rec.lastAt = now;
          this.unwritten.add(key, now, delta);
          moved++;
          changed = true;
        }
        if (delta.rx > 0) this.receivedAt.set(key, now);
        this.watchPresence(
          key,
          rec,
          view,
          { lastSeen: Math.max(lp.latestHandshake, this.receivedAt.get(key) ?? 0), ...(lp.endpoint ? { endpoint: lp.endpoint } : {}) },
          now,
        );
      }
      if (rec.quota) {
        const used = rec.quota.period === 'month' ? rec.month.used : rec.total.rx + rec.total.tx;
        const step = stepQuota(rec.quota, rec.quotaFlags, rec.quota.period === 'month' ? monthKey : 'total', used, view.entry.enabled);
        if (JSON.stringify(step.flags) !== JSON.stringify(rec.quotaFlags)) changed = true;
        rec.quotaFlags = step.flags;
        for (const action of step.actions) quotaWork.push(() => this.quotaAction(action, view, rec.quota!, used));
      }
    }
    this.fresh = false;
    if (changed) await this.deps.store.saveState(this.state);
    if (now - this.lastFlush >= this.deps.settings.flushSeconds) await this.flushNow();
    for (const work of quotaWork) await work().catch((error) => this.deps.logger.error('traffic: a quota action failed', { error }));
    return moved;
  }

  private async flushNow(): Promise<void> {
    await this.forgetGonePeers();
    await this.unwritten.flush((key) => this.state.peers[key]?.total);
    this.lastFlush = this.nowSeconds();
  }

  /**
   * The history of a peer that has been gone (revoked, removed by hand) for longer than FORGET_GONE_SECONDS is
   * deleted, so the files stay bounded by the peers there are, not by every peer there ever was. An /undo within
   * its window finds the history still there.
   */
  private async forgetGonePeers(): Promise<void> {
    const current = new Set(this.deps.peers.list().map((v) => v.entry.publicKey));
    const now = this.nowSeconds();
    const gone = Object.entries(this.state.peers).filter(([key, rec]) => !current.has(key) && now - rec.lastAt > FORGET_GONE_SECONDS);
    if (gone.length === 0) return;
    // The files first: a crash in between leaves a record without history, which the next flush forgets again.
    for (const [key] of gone) {
      this.unwritten.forget(key);
      await this.deps.store.removeRings(key);
    }
    const peers = { ...this.state.peers };
    for (const [key] of gone) delete peers[key];
    await this.deps.store.saveState({ ...this.state, peers });
    this.state = { ...this.state, peers };
  }

  /** The rings of a peer with what was counted since the last flush (a copy; nothing is written). */
  history(publicKey: string): Promise<TrafficRings> {
    return this.serial(() => this.unwritten.rings(publicKey));
  }

  record(publicKey: string): PeerTraffic | undefined {
    return this.state.peers[publicKey];
  }

  online(publicKey: string): boolean | undefined {
    return this.presence.get(publicKey)?.online;
  }

  get notifyAll(): boolean {
    return this.state.notifyAll;
  }

  /** /quota: undefined clears it. A new quota starts with fresh warnings. */
  setQuota(view: { entry: PeerEntry }, quota: Quota | undefined): Promise<PeerTraffic> {
    return this.edit(view.entry, (rec) => {
      delete rec.quotaFlags;
      if (quota) rec.quota = quota;
      else delete rec.quota;
    });
  }

  setNotify(view: { entry: PeerEntry }, on: boolean): Promise<PeerTraffic> {
    return this.edit(view.entry, (rec) => {
      if (on) rec.notify = true;
      else delete rec.notify;
    });
  }

  setNotifyAll(on: boolean): Promise<void> {
    return this.serial(async () => {
      const next = { ...this.state, notifyAll: on };
      await this.deps.store.saveState(next);
      this.state = next;
    });
  }

  private edit(entry: PeerEntry, change: (rec: PeerTraffic) => void): Promise<PeerTraffic> {
    return this.serial(async () => {
      const now = this.nowSeconds();
      const was = this.state.peers[entry.publicKey];
      const rec: PeerTraffic = was ? structuredClone(was) : { name: entry.name, total: { rx: 0, tx: 0 }, lastAt: now, month: { key: '', used: 0 } };
      change(rec);
      const next = { ...this.state, peers: { ...this.state.peers, [entry.publicKey]: rec } };
      // Saved before it counts: a refused write (a full disk) changes nothing.
      await this.deps.store.saveState(next);
      this.state = next;
      return rec;
    });
  }

  private watchPresence(key: string, rec: PeerTraffic, view: { entry: PeerEntry; meta?: PeerMeta }, sample: PresenceSample, now: number): void {
    const was = this.presence.get(key);
    if (!was) {
      this.presence.set(key, initialPresence(sample, now, this.deps.settings.presence));
      return;
    }
    const { state, notices } = stepPresence(was, sample, now, this.deps.settings.presence);
    this.presence.set(key, state);
    if (notices.length === 0 || !this.deps.notifier) return;
    for (const notice of notices) {
      const build = presenceReply(rec.name, notice);
      if (rec.notify) void this.notices.toOwner(view.meta?.owner, build);
      if (this.state.notifyAll) this.notices.toAdmins(build);
    }
  }

  private async quotaAction(action: 'warn' | 'disable', view: { entry: PeerEntry; meta?: PeerMeta }, quota: Quota, used: number): Promise<void> {
    if (action === 'warn') return this.notices.quota('warn', view, quota, used);
    const { changed } = await this.deps.peers.setEnabled(view.entry.name, false, 'quota');
    if (changed) await this.notices.quota('disabled', view, quota, used);
  }

  private nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
