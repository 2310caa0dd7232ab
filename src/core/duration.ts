/**
 * When a peer's access ends, as people type it: a duration from now (`30s`, `10m`, `12h`, `7d`, `2w`), a
 * date (`2026-12-31`: the end of that day in the bot's time zone), or `never`. Pure: the clock and the
 * time zone are given. Bad input is a UserError (translated) and nothing is changed.
 */
import type { ArgKind } from './args.js';
import { UserError } from './errors.js';

export type PeerEnd = { kind: 'never' } | { kind: 'at'; at: Date };

/** What was typed, checked for form but not yet against the clock (an argument kind's value). */
export type EndText =
  { kind: 'never' } | { kind: 'after'; seconds: number; item: string } | { kind: 'date'; year: number; month: number; day: number; item: string };

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 7 * 86_400 };

/** Ten years: anything further is a typo (an extra zero), not a guest's access. */
export const MAX_END_DAYS = 3650;
const MAX_SECONDS = MAX_END_DAYS * 86_400;

/**
 * Whether a word is meant as an end (an /addpeer option), even if it turns out wrong: never, a number with
 * a unit (7d, 5y, 1.5h, -5d) or a date. Not a profile: those are addresses (10.0.0.1, fd00::1, 10.0.0.0/24).
 */
export function looksLikeEnd(word: string): boolean {
  const w = word.trim().toLowerCase();
  return w === 'never' || /^-?\d+(\.\d+)?[a-z]+$/.test(w) || /^-\d+$/.test(w) || /^\d{4}-\d{1,2}-\d{1,2}$/.test(w);
}

/** Check the form of an end: a known unit, a whole positive amount, a real calendar date. */
export function parseEndText(text: string): EndText {
  const word = text.trim().toLowerCase();
  const item = text.trim().slice(0, 40);
  if (word === 'never') return { kind: 'never' };
  const date = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(word);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const probe = new Date(Date.UTC(year, month - 1, day));
    if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) throw new UserError('duration.badDate', { item });
    return { kind: 'date', year, month, day, item };
  }
  const m = /^([+-]?)(\d+(?:\.\d+)?)([a-z]*)$/.exec(word);
  if (!m) throw new UserError('duration.unknown', { item });
  const [, sign, digits, unit] = m as unknown as [string, string, string, string];
  if (unit === '') throw new UserError('duration.noUnit', { item });
  const perUnit = UNIT_SECONDS[unit];
  if (perUnit === undefined) throw new UserError('duration.unit', { item, unit: unit.slice(0, 10) });
  if (digits.includes('.')) throw new UserError('duration.whole', { item });
  const amount = Number(digits);
  if (sign === '-' || amount === 0) throw new UserError('duration.notPositive', { item });
  if (digits.length > 12 || amount * perUnit > MAX_SECONDS) throw new UserError('duration.tooLong', { item, max: MAX_END_DAYS });
  return { kind: 'after', seconds: amount * perUnit, item };
}

/** The instant an end names, at `now` in `timeZone`: a date already over, or too far away, is refused. */
export function resolveEnd(end: EndText, now: Date, timeZone: string): PeerEnd {
  if (end.kind === 'never') return end;
  if (end.kind === 'after') return { kind: 'at', at: new Date(now.getTime() + end.seconds * 1000) };
  return { kind: 'at', at: endOfDate(end.year, end.month, end.day, now, timeZone, end.item) };
}

export function parseEnd(text: string, now: Date, timeZone: string): PeerEnd {
  return resolveEnd(parseEndText(text), now, timeZone);
}

/** The argument kind of /expire and /addpeer's end option (its value is resolved against the clock by the handler). */
export const duration: ArgKind<EndText> = { label: 'duration', claims: looksLikeEnd, parse: parseEndText };

/** The last second of a calendar day in `timeZone` (23:59:59 there, whatever the offset or DST). */
function endOfDate(year: number, month: number, day: number, now: Date, timeZone: string, item: string): Date {
  const at = new Date(zonedMidnight(year, month - 1, day + 1, timeZone) - 1000);
  if (at.getTime() <= now.getTime()) throw new UserError('duration.past', { item });
  if (at.getTime() - now.getTime() > MAX_SECONDS * 1000) throw new UserError('duration.tooLong', { item, max: MAX_END_DAYS });
  return at;
}

/**
 * The instant of 00:00 on that day in `timeZone`. Written here because Intl (built into Node, with the
 * IANA zone data) converts instants to wall time but not back; two rounds settle a DST change.
 */
function zonedMidnight(year: number, monthIndex: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, monthIndex, day);
  let t = wall - offsetAt(wall, timeZone);
  t = wall - offsetAt(t, timeZone);
  return t;
}

/** How far `timeZone`'s wall clock is ahead of UTC at instant `t` (ms); undefined = the system's zone. */
export function offsetAt(t: number, timeZone: string | undefined): number {
  const parts = wallClock(timeZone).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(t / 1000) * 1000;
}

/** One formatter per zone: making one costs far more than using it (a /peers list of 10,000 ends made 10,000). */
const clocks = new Map<string | undefined, Intl.DateTimeFormat>();
function wallClock(timeZone: string | undefined): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone);
  if (!clock) {
    const numeric = 'numeric';
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: numeric,
      month: numeric,
      day: numeric,
      hour: numeric,
      minute: numeric,
      second: numeric,
    });
    clocks.set(timeZone, clock);
  }
  return clock;
}

/** "2026-12-31 23:59" in `timeZone`: how /peers, /status and notices show an end. */
export function formatEnd(at: Date, timeZone: string): string {
  const local = new Date(at.getTime() + offsetAt(at.getTime(), timeZone));
  return local.toISOString().slice(0, 16).replace('T', ' ');
}

/** Whether `timeZone` is a zone Intl knows (checked once, when the settings are read). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The system's own time zone (when TZ is not set). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** "45s", "20m", "23h", "6d": how long until an end, compact for a phone screen. */
export function formatLeft(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 2 * 86_400) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}
