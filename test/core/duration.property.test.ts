import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatEnd, formatLeft, isTimeZone, looksLikeEnd, MAX_END_DAYS, offsetAt, parseEnd } from '../../src/core/duration.js';
import { UserError } from '../../src/core/errors.js';

const NOW = new Date('2026-06-15T12:34:56.789Z');
const ZONES = ['UTC', 'Asia/Tokyo', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns'];
const UNIT = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

const refused = (text: string, now = NOW, tz = 'UTC'): string => {
  try {
    parseEnd(text, now, tz);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).key;
  }
  throw new Error(`accepted ${text}`);
};

describe('parseEnd', () => {
  it('reads durations, dates and never', () => {
    expect(parseEnd('30s', NOW, 'UTC')).toEqual({ kind: 'at', at: new Date(NOW.getTime() + 30_000) });
    expect(parseEnd('7D', NOW, 'UTC')).toEqual({ kind: 'at', at: new Date(NOW.getTime() + 7 * 86_400_000) });
    expect(parseEnd(' never ', NOW, 'UTC')).toEqual({ kind: 'never' });
    // The end of that day where the bot is: 23:59:59 in Tokyo is 14:59:59 UTC.
    expect(parseEnd('2026-12-31', NOW, 'Asia/Tokyo')).toEqual({ kind: 'at', at: new Date('2026-12-31T14:59:59.000Z') });
    expect(parseEnd('2026-12-31', NOW, 'UTC')).toEqual({ kind: 'at', at: new Date('2026-12-31T23:59:59.000Z') });
    // A day with a DST change (New York springs forward on 2026-03-08): 23:59:59 EDT = 03:59:59 UTC.
    expect(parseEnd('2026-03-08', new Date('2026-03-01T00:00:00Z'), 'America/New_York')).toEqual({
      kind: 'at',
      at: new Date('2026-03-09T03:59:59.000Z'),
    });
    // Today is still good until its end.
    expect(parseEnd('2026-06-15', NOW, 'UTC')).toEqual({ kind: 'at', at: new Date('2026-06-15T23:59:59.000Z') });
  });

  it('refuses bad input with its own message', () => {
    expect(refused('yesterday')).toBe('duration.unknown');
    expect(refused('2026-06-14')).toBe('duration.past');
    expect(refused('2026-02-30')).toBe('duration.badDate');
    expect(refused('0s')).toBe('duration.notPositive');
    expect(refused('-5d')).toBe('duration.notPositive');
    expect(refused('5y')).toBe('duration.unit');
    expect(refused('5')).toBe('duration.noUnit');
    expect(refused('1.5h')).toBe('duration.whole');
    expect(refused('99999w')).toBe('duration.tooLong');
    expect(refused('9999999999999999999999s')).toBe('duration.tooLong');
    expect(refused('2040-01-01')).toBe('duration.tooLong');
    expect(refused('')).toBe('duration.unknown');
  });

  it('property: N units from now, whatever the case and the zone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(UNIT) as (keyof typeof UNIT)[])),
        fc.integer({ min: 1, max: 100_000 }),
        fc.boolean(),
        fc.constantFrom(...ZONES),
        (unit, n, upper, tz) => {
          const text = `${n}${upper ? unit.toUpperCase() : unit}`;
          if (n * UNIT[unit] > MAX_END_DAYS * 86_400) {
            expect(refused(text, NOW, tz)).toBe('duration.tooLong');
            return;
          }
          const end = parseEnd(text, NOW, tz);
          expect(end).toEqual({ kind: 'at', at: new Date(NOW.getTime() + n * UNIT[unit] * 1000) });
          expect(looksLikeEnd(text)).toBe(true);
        },
      ),
    );
  });

  it('property: a future date ends at 23:59:59 of that day in the zone, after now', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.constantFrom(...ZONES), (days, tz) => {
        const day = new Date(NOW.getTime() + days * 86_400_000);
        const text = day.toISOString().slice(0, 10);
        let end;
        try {
          end = parseEnd(text, NOW, tz);
        } catch (error) {
          // Only "today" in UTC can already be over in a zone ahead of UTC (or not yet begun behind it).
          expect(days).toBeLessThanOrEqual(1);
          expect((error as UserError).key).toBe('duration.past');
          return;
        }
        expect(end.kind).toBe('at');
        const at = (end as { at: Date }).at;
        expect(at.getTime()).toBeGreaterThan(NOW.getTime());
        expect(formatEnd(at, tz)).toBe(`${text} 23:59`);
        // One second later it is the next day there.
        expect(formatEnd(new Date(at.getTime() + 1000), tz).slice(11)).toBe('00:00');
      }),
    );
  });

  it('property: anything else is refused with a duration message and never throws another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.constantFrom(...ZONES), (text, tz) => {
        try {
          const end = parseEnd(text, NOW, tz);
          if (end.kind === 'at') expect(end.at.getTime()).toBeGreaterThan(NOW.getTime());
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as UserError).key).toMatch(/^duration\./);
          expect(JSON.stringify((error as UserError).params).length).toBeLessThan(200);
        }
      }),
    );
  });

  it('property: zero and negative amounts are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 0 }), fc.constantFrom('s', 'm', 'h', 'd', 'w'), (n, unit) => {
        expect(refused(`${n}${unit}`)).toBe('duration.notPositive');
      }),
    );
  });

  it('knows time zones, offsets and compact times left', () => {
    expect(isTimeZone('Asia/Tokyo')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(offsetAt(Date.parse('2026-01-01T00:00:00Z'), 'Asia/Tokyo')).toBe(9 * 3600_000);
    expect(formatEnd(new Date('2026-12-31T14:59:59Z'), 'Asia/Tokyo')).toBe('2026-12-31 23:59');
    expect([formatLeft(45_000), formatLeft(20 * 60_000), formatLeft(23 * 3600_000), formatLeft(6 * 86_400_000)]).toEqual(['45s', '20m', '23h', '6d']);
  });
});

describe('looksLikeEnd (the /addpeer option claim)', () => {
  it('claims ends, never profiles', () => {
    for (const w of ['7d', '30s', '2W', 'never', '2026-12-31', '5y', '1.5h', '-5d']) expect(looksLikeEnd(w), w).toBe(true);
    for (const w of ['full', 'lan', '10.0.0.1', '192.168.1.0/24', '192.168.1.10:445/tcp', 'fd00::10', '[fd00::10]:445/tcp', 'ab', '10'])
      expect(looksLikeEnd(w), w).toBe(false);
  });
});
