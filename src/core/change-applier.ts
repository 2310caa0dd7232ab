/**
 * One journaled peer change, applied to its targets: the database, the interface config file, the live
 * interface and the firewall. Intent first, all targets at once, then completion; a failure applies the
 * inverse to whatever had changed; an unfinished change is finished from the journal (forward when it had
 * begun, backward when its rollback had begun). A change marked done or undone is never applied again.
 */
import type { BotDb } from './database.js';
import { diskFaultOf, UserError, type DiskFault } from './errors.js';
import type { PeerEntry } from './peer.js';
import { databaseEdit, describeChange, inverse, type PeerChange } from './peer-change.js';
import { applyToPolicy } from './peer-profiles.js';
import type { ChangeJournal, InterfaceDocument, LiveInterface, LivePeer, PeerPolicy } from './ports.js';
import type { Logger } from '../log/logger.js';

export type Target = 'db' | 'file' | 'live' | 'policy';

export interface ApplierDeps {
  document: InterfaceDocument;
  live?: LiveInterface;
  db: BotDb;
  journal: ChangeJournal;
  policy?: PeerPolicy;
  logger: Logger;
  now: () => Date;
  onDiskFault?: (fault: DiskFault, error: unknown) => void;
  ensureRoom?: () => Promise<void>;
  onStep?: (step: string) => void;
  /** Told after every change that was committed (e.g. the expiry clock plans again). */
  onCommitted?: (change: PeerChange) => void;
}

interface Outcome {
  changed: Target[];
  failed: { target: Target; error: unknown }[];
  live: boolean;
}

export function livePeer(entry: Pick<PeerEntry, 'publicKey' | 'presharedKey' | 'allowedIps'>): LivePeer {
  return { publicKey: entry.publicKey, ...(entry.presharedKey ? { presharedKey: entry.presharedKey } : {}), allowedIps: entry.allowedIps };
}

export class ChangeApplier {
  /** The last "done" mark, written after the reply (see commit). */
  private marking: Promise<unknown> = Promise.resolve();
  private fault: DiskFault | undefined;
  /** A recovery changed the live interface (its state asked for before is stale). */
  touchedLive = false;

  constructor(private readonly deps: ApplierDeps) {}

  /** Set while changes fail for the disk (the bot then serves read-only commands). */
  get diskFault(): DiskFault | undefined {
    return this.fault;
  }

  /** The targets of a change: the firewall too when there is one. */
  get targets(): readonly Target[] {
    return this.deps.policy ? ['db', 'file', 'live', 'policy'] : ['db', 'file', 'live'];
  }

  /** Resolves once the last "done" mark is on disk. */
  idle(): Promise<unknown> {
    return this.marking;
  }

  /** Intent, all targets at once, completion; on a failure the inverse for what had changed. True when live. */
  async commit(change: PeerChange): Promise<boolean> {
    await this.settle([], this.targets).catch((error) => this.refuse(error));
    await this.deps.ensureRoom?.().catch((error) => this.refuse(error));
    this.step('begin');
    // The intent is written while the targets write their new files beside the old ones: no file is replaced,
    // and neither the interface nor the firewall is touched, before the intent is on disk (one fsync less to wait for).
    const begun = this.deps.journal.begin(change);
    begun.then(
      () => this.step('begun'),
      () => undefined,
    );
    const outcome = await this.applyTo(change, this.targets, begun);
    const seq = await begun.catch((error) => this.refuse(error)); // then every target failed on it: nothing changed
    if (outcome.failed.length === 0) {
      this.fault = undefined;
      // Off the reply's path: the journal writes it before the next change's intent. If it is lost (a crash
      // first), the next start applies the change again: idempotent, so nothing differs.
      this.marking = this.deps.journal
        .mark(seq, 'done')
        .then(() => this.step('done'))
        .catch((error) => this.deps.logger.warn(`journal: could not mark the ${describeChange(change)} done`, { error }));
      this.deps.onCommitted?.(change);
      return outcome.live;
    }
    const firstError = outcome.failed[0]!.error;
    try {
      await this.deps.journal.mark(seq, 'undoing');
      const back = await this.applyTo(inverse(change), outcome.changed);
      if (back.failed.length > 0) throw back.failed[0]!.error;
      await this.deps.journal.mark(seq, 'undone');
    } catch (error) {
      // Left as "undoing" (or "begun"): the next change, or the next start, finishes the rollback.
      this.deps.logger.error(`rolling back the ${describeChange(change)} failed; it is finished later from the journal`, { error });
    }
    return this.refuse(firstError);
  }

  /**
   * Finish the newest journaled change if it did not finish. At start the firewall is left out: it is
   * written whole from the result afterwards (policy.sync). Returns the change applied, if any.
   */
  async settle(findings: string[], targets: readonly Target[]): Promise<PeerChange | undefined> {
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
      findings.push(
        `could not finish the interrupted ${describeChange(record.change)} (${(error as Error).message}); dropped, the config file as edited is kept`,
      );
      this.deps.logger.warn(`journal: dropping the interrupted ${describeChange(record.change)}`, { error });
      await this.deps.journal.mark(record.seq, 'undone');
      return undefined;
    }
    await this.deps.journal.mark(record.seq, forward ? 'done' : 'undone');
    if (outcome.changed.length > 0)
      findings.push(forward ? `finished an interrupted ${describeChange(record.change)}` : `rolled back a failed ${describeChange(record.change)}`);
    return change;
  }

  /** A disk fault becomes the plain "nothing was changed" answer (and one alert); anything else is thrown as is. */
  refuse(error: unknown): never {
    const fault = diskFaultOf(error);
    if (!fault) throw error;
    if (this.fault !== fault) {
      this.fault = fault;
      this.deps.onDiskFault?.(fault, error);
    }
    this.deps.logger.error(`a peer change failed for the disk (${fault}); nothing was changed`, { error });
    throw new UserError(fault === 'full' ? 'storage.full' : fault === 'readOnly' ? 'storage.readOnly' : 'storage.io', {}, { cause: error });
  }

  /** At start or for a hand edit: a disk fault is reported and tolerated (read-only commands keep working). */
  storageFailed(error: unknown, findings: string[], what: string): void {
    const fault = diskFaultOf(error);
    if (!fault) throw error;
    this.fault = fault;
    findings.push(
      `${what} failed: the disk is ${fault === 'full' ? 'full' : fault === 'readOnly' ? 'read-only' : 'failing (I/O error)'}; read-only commands keep working`,
    );
    this.deps.onDiskFault?.(fault, error);
  }

  /**
   * Apply a change to some targets at once (each idempotent); which ones it changed, which failed. With `intent`,
   * nothing takes effect before it resolves (and nothing at all if it fails).
   */
  private async applyTo(change: PeerChange, targets: readonly Target[], intent?: Promise<unknown>): Promise<Outcome> {
    const run = async (target: Target): Promise<boolean> => {
      const result = await this.applyOne(change, target, intent);
      await intent; // a target with nothing to write is done only once the intent is (its step comes after "begun")
      this.step(target);
      return result;
    };
    const results = await Promise.allSettled(targets.map(run));
    const outcome: Outcome = { changed: [], failed: [], live: false };
    results.forEach((r, i) => {
      const target = targets[i]!;
      if (r.status === 'rejected') outcome.failed.push({ target, error: r.reason });
      else {
        // The live target counts as changed even when it reported "not up" (its inverse is then harmless).
        outcome.changed.push(target);
        if (target === 'live') outcome.live = r.value;
      }
    });
    return outcome;
  }

  private async applyOne(change: PeerChange, target: Target, intent?: Promise<unknown>): Promise<boolean> {
    if (target === 'file') return this.deps.document.apply(change, intent);
    if (target === 'db') {
      const edit = databaseEdit(this.deps.db.data, change, this.deps.now());
      if (!edit) return false;
      await this.deps.db.update(edit, intent ? { beforeReplace: intent } : {});
      return true;
    }
    await intent;
    return target === 'policy' ? applyToPolicy(this.deps.policy!, change) : this.applyToLive(change);
  }

  /** False (and a log line) when the interface is not up: the file change still stands. */
  private async applyToLive(change: PeerChange): Promise<boolean> {
    const live = this.deps.live;
    if (!live) return false;
    if (change.op === 'route' || change.op === 'expiry') return true; // the interface knows neither profiles nor ends
    const { entry } = change;
    const wanted = change.op !== 'remove' && entry.enabled;
    const done = wanted ? await live.setPeer(livePeer(entry)) : await live.removePeer(entry.publicKey);
    if (!done) this.deps.logger.warn(`interface ${live.name} is not up: the change is in ${this.deps.document.path} and takes effect when it starts`);
    return done;
  }

  private step(name: string): void {
    this.deps.onStep?.(name);
  }
}
