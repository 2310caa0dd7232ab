/**
 * The bot's view follows the interface config file: at start it loads the file, finishes an interrupted
 * change, adopts hand edits and brings the live interface in line; while running it re-reads the file when
 * it changed on disk (a cheap stat otherwise) and adopts what was edited by hand. Serialised by its caller.
 */
import type { ApplierDeps, ChangeApplier } from './change-applier.js';
import { ConfigError, UserError } from './errors.js';
import { findHandEdits, reconcileLive } from './hand-edits.js';
import type { InterfaceLiveState } from './peer.js';
import type { DriftReport } from './peer-types.js';
import type { PolicyPeer } from './ports.js';

/** The applier's ports it reads and fixes up, plus: */
interface Deps extends Pick<ApplierDeps, 'document' | 'live' | 'db' | 'journal' | 'policy' | 'logger' | 'now'> {
  applier: ChangeApplier;
  policyPeers: () => PolicyPeer[];
  onHandEdits?: (findings: string[]) => void;
}

export class FileFollower {
  private readonly revokedByHand = new Set<string>();
  /** The last broken-file message logged (so a bad file is logged once, not before every command). */
  private brokenFile: string | undefined;
  drift: DriftReport = { findings: [], applied: 0 };

  constructor(private readonly deps: Deps) {}

  /** Load (a ConfigError when the file is wrong: the program stops there), recover, adopt, reconcile. */
  async start(liveState: Promise<InterfaceLiveState | undefined> | undefined, beforeReconcile?: () => void): Promise<DriftReport> {
    const { applier } = this.deps;
    await this.deps.document.load();
    beforeReconcile?.();
    const findings: string[] = [];
    const recovered = await applier.settle(findings, ['db', 'file', 'live']).catch(async (error) => {
      applier.storageFailed(error, findings, 'finishing the interrupted change');
      // Still to be finished (next change or start): not a hand edit.
      return (await this.deps.journal.last().catch(() => undefined))?.change;
    });
    await this.adoptHandEdits(findings, recovered?.entry.name);
    const applied = await this.reconcile(findings, applier.touchedLive ? this.deps.live?.state() : liveState);
    applier.touchedLive = false;
    this.drift = { findings, applied };
    for (const f of findings) this.deps.logger.warn(`reconcile: ${f}`);
    return this.drift;
  }

  /**
   * Re-read the file if it changed. One broken while running (a hand edit gone wrong) is logged once; reads
   * go on with the last good one, and a change (`forChange`) is refused with a plain message to the user.
   */
  async refresh(forChange: boolean): Promise<void> {
    try {
      if (!(await this.deps.document.refresh())) return;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (this.brokenFile !== error.message)
        this.deps.logger.error(`the interface config file is broken: ${error.message}; changes are refused until it is fixed`);
      this.brokenFile = error.message;
      if (forChange) throw new UserError('peer.configBroken', { path: this.deps.document.path, problem: error.message.slice(0, 300) }, { cause: error });
      return;
    }
    this.brokenFile = undefined;
    const findings: string[] = [];
    await this.adoptHandEdits(findings);
    // The live interface follows the file (`pivpn` reloads it itself; a plain editor does not).
    await this.reconcile([], this.deps.live?.state()).catch((error) =>
      this.deps.logger.warn('bringing the interface in line after a hand edit failed', { error }),
    );
    // So does the firewall: a peer added with `pivpn -a` gets the rules of `full` (as at start), a removed one none.
    await this.deps.policy
      ?.sync(this.deps.policyPeers())
      .catch((error) => this.deps.logger.error('bringing the firewall in line after a hand edit failed', { error }));
    if (findings.length === 0) return;
    for (const f of findings) this.deps.logger.warn(`hand edit: ${f}`);
    this.drift = { findings: [...this.drift.findings, ...findings], applied: this.drift.applied };
    this.deps.onHandEdits?.(findings);
  }

  private async adoptHandEdits(findings: string[], justApplied?: string): Promise<void> {
    const found = findHandEdits(this.deps.db.data, this.deps.document.index().byName, this.deps.document.path, this.deps.now(), justApplied);
    findings.push(...found.findings);
    for (const key of found.revokedKeys) this.revokedByHand.add(key);
    if (!found.edit) return;
    await this.deps.db.update(found.edit).catch((error) => this.deps.applier.storageFailed(error, findings, 'recording the hand edits in the database'));
  }

  private async reconcile(findings: string[], liveState: Promise<InterfaceLiveState | undefined> | undefined): Promise<number> {
    const live = this.deps.live;
    if (!live || !liveState) return 0;
    // Keys the bot gave out (trash, journal, revoked by hand): live without a block means revoked, so they go.
    const ours = new Set([...Object.values(this.deps.db.data.trash).map((t) => t.entry.publicKey), ...this.revokedByHand]);
    const last = await this.deps.journal.last().catch(() => undefined);
    if (last) ours.add(last.change.entry.publicKey);
    return reconcileLive(live, await liveState, this.deps.document.doc, this.deps.document.path, ours, findings);
  }
}
