/**
 * Health of the machine the bot runs on: pure decisions. The probes (src/health) observe; decideAlerts
 * turns (state, observation, now) into the next state and the messages to send, so that each problem is
 * announced once, repeated at most daily while it lasts, and cleared with a "resolved" message.
 */

export type ProblemId = string;

/** Something wrong now. `key`/`params`: the message catalogue entry describing it. */
export interface Problem {
  id: ProblemId;
  key: string;
  params: Record<string, string | number>;
}

export interface Observation {
  /** Conditions that hold now. A check that could not be made reports nothing (never a false alarm). */
  problems: Problem[];
  /** One-off events (the bot restarted after a crash): announced once, never "resolved". */
  events: Problem[];
}

export interface ActiveProblem extends Problem {
  /** ISO times. */
  since: string;
  lastSent: string;
}

export interface HealthState {
  active: Record<ProblemId, ActiveProblem>;
}

export type HealthAction =
  { kind: 'alert'; problem: Problem; repeat: boolean } | { kind: 'event'; problem: Problem } | { kind: 'resolved'; problem: Problem; since: string };

export const RESEND_MS = 24 * 3600 * 1000;

export const emptyHealthState = (): HealthState => ({ active: {} });

export function decideAlerts(state: HealthState, observation: Observation, now: Date): { state: HealthState; actions: HealthAction[] } {
  const iso = now.toISOString();
  const active: Record<ProblemId, ActiveProblem> = {};
  const actions: HealthAction[] = [];
  for (const p of observation.problems) {
    if (active[p.id]) continue; // one message per problem even if observed twice
    const known = state.active[p.id];
    if (!known) {
      active[p.id] = { ...p, since: iso, lastSent: iso };
      actions.push({ kind: 'alert', problem: p, repeat: false });
    } else if (now.getTime() - Date.parse(known.lastSent) >= RESEND_MS) {
      active[p.id] = { ...p, since: known.since, lastSent: iso };
      actions.push({ kind: 'alert', problem: p, repeat: true });
    } else {
      active[p.id] = { ...p, since: known.since, lastSent: known.lastSent };
    }
  }
  for (const [id, known] of Object.entries(state.active)) {
    if (!active[id]) actions.push({ kind: 'resolved', problem: { id, key: known.key, params: known.params }, since: known.since });
  }
  for (const e of observation.events) actions.push({ kind: 'event', problem: e });
  return { state: { active }, actions };
}

// ---- pure checks on what the probes read ------------------------------------------------------

export const DISK_MIN_FREE_BYTES = 200 * 1024 * 1024;
export const DISK_MIN_FREE_RATIO = 0.05;

/** statfs figures of the partition holding `path`. */
export function diskProblem(path: string, s: { blockSize: number; blocks: number; availableBlocks: number }): Problem | undefined {
  const total = s.blocks * s.blockSize;
  const free = s.availableBlocks * s.blockSize;
  if (total <= 0) return undefined;
  if (free >= DISK_MIN_FREE_BYTES && free / total >= DISK_MIN_FREE_RATIO) return undefined;
  return {
    id: `disk:${path}`,
    key: 'health.disk',
    params: { path, freeMb: Math.floor(free / 1024 / 1024), percent: Math.floor((free / total) * 1000) / 10 },
  };
}

/** Whether the mount holding `path` (longest mount point containing it in /proc/self/mounts) is read-only. */
export function mountReadOnly(mounts: string, path: string): { mountPoint: string; readOnly: boolean } | undefined {
  let best: { mountPoint: string; readOnly: boolean } | undefined;
  for (const line of mounts.split('\n')) {
    const f = line.split(' ');
    const point = f[1]?.replace(/\\040/g, ' ');
    if (!point || !f[3]) continue;
    const inside = point === '/' || path === point || path.startsWith(`${point}/`);
    // Later lines cover earlier ones at the same point.
    if (inside && (!best || point.length >= best.mountPoint.length)) best = { mountPoint: point, readOnly: f[3].split(',').includes('ro') };
  }
  return best;
}

export const TEMPERATURE_LIMIT_C = 80;

/** Highest of /sys/class/thermal/thermal_zone*\/temp (millidegrees). */
export function temperatureProblem(milliCelsius: readonly number[]): Problem | undefined {
  const valid = milliCelsius.filter((v) => Number.isFinite(v) && v > -50_000 && v < 200_000);
  if (valid.length === 0) return undefined;
  const c = Math.max(...valid) / 1000;
  return c > TEMPERATURE_LIMIT_C
    ? { id: 'temperature', key: 'health.temperature', params: { celsius: Math.round(c * 10) / 10, limit: TEMPERATURE_LIMIT_C } }
    : undefined;
}

/**
 * `vcgencmd get_throttled` → "throttled=0x50005". Bits now: 0 under-voltage, 1 frequency capped,
 * 2 throttled, 3 soft temperature limit (16–19: the same, at some time since boot, not alerted).
 */
export function throttledProblems(output: string): Problem[] | undefined {
  const m = /throttled=0x([0-9a-fA-F]+)/.exec(output);
  if (!m) return undefined;
  const bits = parseInt(m[1]!, 16);
  const out: Problem[] = [];
  if (bits & 0x1) out.push({ id: 'under-voltage', key: 'health.underVoltage', params: {} });
  if (bits & 0x6) out.push({ id: 'throttled', key: 'health.throttled', params: { flags: `0x${m[1]!.toLowerCase()}` } });
  if (bits & 0x8 && !(bits & 0x6)) out.push({ id: 'soft-temp-limit', key: 'health.softTempLimit', params: {} });
  return out;
}

/** `timedatectl show -p NTPSynchronized --value` → yes/no. */
export function clockSynchronised(timedatectl: string | undefined, syncFlagFile: boolean): boolean | undefined {
  if (syncFlagFile) return true;
  const v = timedatectl?.trim().toLowerCase();
  if (v === 'yes') return true;
  if (v === 'no') return false;
  return undefined;
}
