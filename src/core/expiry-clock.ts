/**
 * The shell around the pure expiry decisions (expiry.ts): it asks "what is due now?" at start, whenever it
 * is poked (a change was committed), when the next thing falls due, and when the wall clock jumped.
 *
 * Timers run on the monotonic clock, but ends are wall-clock instants: on a Pi without a real-time clock,
 * NTP moves the wall clock by hours after boot, and a timer armed before would fire hours late. So the
 * clock never sleeps longer than a heartbeat, and on every wake compares how far the wall clock moved with
 * how far the monotonic one did; a difference is a jump, and everything is evaluated again at once. What
 * was done is stored by the actions themselves (a peer switched off, a reminder noted), so a restart or a
 * second evaluation never does it twice.
 */
import { dueActions, nextDue, type DueAction, type PeerState } from './expiry.js';
import type { Logger } from '../log/logger.js';

export interface ClockDeps {
  peers: () => readonly PeerState[];
  /** Carry out one due action (idempotent: it checks again under the peer lock). */
  act: (action: DueAction) => Promise<void>;
  /** The wall clock. */
  now: () => Date;
  /** A monotonic clock in ms (performance.now()): it never jumps. */
  monotonic: () => number;
  setTimer: (run: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  logger: Logger;
  /** The longest sleep, i.e. how soon a jump of the wall clock is noticed (default 30 s). */
  heartbeatMs?: number;
  /** A difference between the clocks above this is a jump (default 2 s: timers may be late by some). */
  jumpToleranceMs?: number;
}

export class ExpiryClock {
  private timer: unknown;
  private poked: unknown;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private plannedFor: number | undefined;
  private last: { wall: number; mono: number } | undefined;
  /** An action failed (e.g. a full disk): evaluated again at the next wake. */
  private retry = false;
  /** What the last evaluation carried out (or tried). */
  private readonly attempted = new Set<string>();

  constructor(private readonly deps: ClockDeps) {}

  /** Evaluate now (a peer whose end passed while the bot was down is switched off here), then keep watch. */
  async start(): Promise<void> {
    this.stopped = false;
    this.mark();
    await this.evaluate();
  }

  stop(): void {
    this.stopped = true;
    for (const handle of [this.timer, this.poked]) if (handle !== undefined) this.deps.clearTimer(handle);
    this.timer = this.poked = undefined;
  }

  /**
   * Something changed (an end set, a peer added or enabled): evaluate and plan again, on a later turn (off
   * the reply's path; a burst of changes is one evaluation).
   */
  poke(): void {
    if (this.stopped || this.poked !== undefined) return;
    this.poked = this.deps.setTimer(() => {
      this.poked = undefined;
      void this.evaluate();
    }, 0);
  }

  /** Resolves when no evaluation is running (tests, stop). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private evaluate(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        this.retry = false;
        this.attempted.clear();
        for (const action of dueActions(this.deps.peers(), this.deps.now())) {
          this.attempted.add(actionKey(action));
          await this.deps.act(action).catch((error) => {
            this.retry = true;
            this.deps.logger.warn(`expiry: could not ${action.kind} ${action.name}; tried again later`, { error });
          });
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
      this.plan();
    });
    return this.running;
  }

  private plan(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.deps.clearTimer(this.timer);
    const at = this.deps.now();
    const now = at.getTime();
    const peers = this.deps.peers();
    // Something fell due while the evaluation ran (slow disk): at once. A failed action, or one still due
    // after it was carried out (it must not spin), waits a heartbeat.
    const overdue = !this.retry && dueActions(peers, at).some((a) => !this.attempted.has(actionKey(a)));
    this.plannedFor = overdue ? now : nextDue(peers, at);
    const heartbeat = this.deps.heartbeatMs ?? 30_000;
    const sleep = this.plannedFor === undefined ? heartbeat : Math.max(0, Math.min(heartbeat, this.plannedFor - now));
    this.timer = this.deps.setTimer(() => this.wake(), sleep);
  }

  private wake(): void {
    this.timer = undefined;
    const jumped = this.jumped();
    const due = this.plannedFor !== undefined && this.deps.now().getTime() >= this.plannedFor;
    if (jumped || due || this.retry || this.attempted.size > 0) void this.evaluate();
    else this.plan();
  }

  /** Whether the wall clock moved differently from the monotonic one since the last wake (and by how much). */
  private jumped(): boolean {
    const before = this.last;
    this.mark();
    if (!before) return false;
    const drift = this.last!.wall - before.wall - (this.last!.mono - before.mono);
    if (Math.abs(drift) <= (this.deps.jumpToleranceMs ?? 2000)) return false;
    this.deps.logger.info(
      `expiry: the wall clock jumped ${drift > 0 ? 'forward' : 'back'} by ${Math.round(Math.abs(drift) / 1000)} s; checking the peers' ends again`,
    );
    return true;
  }

  private mark(): void {
    this.last = { wall: this.deps.now().getTime(), mono: this.deps.monotonic() };
  }
}

function actionKey(a: DueAction): string {
  return `${a.kind} ${a.name} ${a.publicKey} ${a.expiresAt}`;
}
