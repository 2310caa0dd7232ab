import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { dueActions, endChange, expireChange, nextDue, reminderAt, switchChange, type PeerState } from '../../src/core/expiry.js';
import { databaseEdit, inverse } from '../../src/core/peer-change.js';
import type { PeerMeta } from '../../src/core/peer.js';
import { emptyBotData } from '../../src/store/bot-db.js';

const H = 3600_000;
const D = 24 * H;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

function peer(name: string, o: { setAt?: number; end?: number; enabled?: boolean; reminded?: boolean; reason?: 'expired' } = {}): PeerState {
  const meta: PeerMeta = {
    name,
    publicKey: `${name}-key`,
    owner: `test:${name}-owner`,
    createdAt: iso(o.setAt ?? T0),
    ...(o.end !== undefined ? { expiresAt: iso(o.end), expirySetAt: iso(o.setAt ?? T0) } : {}),
    ...(o.reminded && o.end !== undefined ? { remindedFor: iso(o.end) } : {}),
    ...(o.enabled === false ? { disabled: true as const, ...(o.reason ? { disabledReason: o.reason } : {}) } : {}),
  };
  return { entry: { name, publicKey: meta.publicKey, allowedIps: ['10.6.0.2/32'], enabled: o.enabled ?? true }, meta };
}

describe('expiry decisions', () => {
  it('reminds a day before for a week or more, at half the time for shorter ones', () => {
    expect(reminderAt(peer('a', { end: T0 + 7 * D }).meta!)).toBe(T0 + 6 * D);
    expect(reminderAt(peer('a', { end: T0 + 30 * D }).meta!)).toBe(T0 + 29 * D);
    expect(reminderAt(peer('a', { end: T0 + 10_000 }).meta!)).toBe(T0 + 5_000);
    expect(reminderAt(peer('a', { end: T0 + 2 * D }).meta!)).toBe(T0 + D);
    expect(reminderAt(peer('a').meta!)).toBeUndefined();
  });

  it('what is due: switch-offs for ends passed (also long ago), one reminder per end, nothing for disabled peers', () => {
    const peers = [
      peer('past', { end: T0 + H }),
      peer('soon', { end: T0 + 10 * D }),
      peer('reminded', { end: T0 + 10 * D, reminded: true }),
      peer('off', { end: T0 + H, enabled: false }),
      peer('forever'),
      peer('shortPassed', { end: T0 + 10_000 }),
    ];
    const at = T0 + 9.5 * D;
    expect(dueActions(peers, new Date(at)).map((a) => `${a.kind}:${a.name}`)).toEqual(['expire:past', 'remind:soon', 'expire:shortPassed']);
    expect(nextDue(peers, new Date(at))).toBe(T0 + 10 * D);
    expect(nextDue(peers, new Date(T0))).toBe(T0 + 5_000);
    expect(nextDue([peer('forever')], new Date(T0))).toBeUndefined();
  });

  it('property: acting on what is due leaves nothing due at that instant (nothing fires twice)', () => {
    const arbPeer = fc.record({
      end: fc.option(fc.integer({ min: 1, max: 40 * D }), { nil: undefined }),
      enabled: fc.boolean(),
      reminded: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbPeer, { maxLength: 12 }), fc.integer({ min: 0, max: 45 * D }), (specs, offset) => {
        let peers = specs.map((s, i) => peer(`p${i}`, { ...(s.end !== undefined ? { end: T0 + s.end } : {}), enabled: s.enabled, reminded: s.reminded }));
        const now = new Date(T0 + offset);
        for (const a of dueActions(peers, now)) {
          const endAt = Date.parse(a.expiresAt);
          expect(a.kind === 'expire' ? endAt <= now.getTime() : endAt > now.getTime()).toBe(true);
          peers = peers.map((p) => {
            if (p.entry.name !== a.name) return p;
            if (a.kind === 'remind') return { ...p, meta: { ...p.meta!, remindedFor: a.expiresAt } };
            const change = expireChange(p, p.entry.publicKey, now)!;
            expect(change).toMatchObject({ op: 'disable', reason: 'expired' });
            return { entry: change.entry, meta: { ...p.meta!, disabled: true as const, disabledReason: 'expired' as const } };
          });
        }
        expect(dueActions(peers, now)).toEqual([]);
        const next = nextDue(peers, now);
        if (next !== undefined) expect(next).toBeGreaterThan(now.getTime());
      }),
    );
  });

  it('/enable of a peer whose end passed is refused with advice; /expire brings it back in one change', () => {
    const expired = peer('guest', { end: T0 + H, enabled: false, reason: 'expired' });
    const now = new Date(T0 + 2 * H);
    expect(() => switchChange(expired, true, now, 'UTC')).toThrow(UserError);
    try {
      switchChange(expired, true, now, 'UTC');
    } catch (error) {
      expect((error as UserError).key).toBe('expiry.enableExpired');
      expect((error as UserError).params).toEqual({ name: 'guest', end: '2026-06-01 01:00' });
    }
    const back = endChange(expired, new Date(T0 + 9 * D), now)!;
    expect(back).toMatchObject({ op: 'enable', entry: { enabled: true }, end: { expiresAt: iso(T0 + 9 * D) } });
    // The database record after it: enabled, the new end, no reason, no old reminder; its inverse restores the record.
    const data = emptyBotData();
    data.peers.guest = expired.meta!;
    databaseEdit(data, back, now)!(data);
    expect(data.peers.guest).toMatchObject({ expiresAt: iso(T0 + 9 * D), expirySetAt: now.toISOString() });
    expect(data.peers.guest.disabled).toBeUndefined();
    expect(data.peers.guest.disabledReason).toBeUndefined();
    databaseEdit(data, inverse(back), now)!(data);
    expect(data.peers.guest).toEqual(expired.meta);
    // "never" on an enabled peer with an end: an expiry change, whose inverse puts the end back.
    const withEnd = peer('laptop', { end: T0 + 3 * D, reminded: true });
    const clear = endChange(withEnd, undefined, now)!;
    expect(clear.op).toBe('expiry');
    databaseEdit(data, { op: 'add', entry: withEnd.entry, meta: withEnd.meta! }, now)!(data);
    databaseEdit(data, clear, now)!(data);
    expect(data.peers.laptop!.expiresAt).toBeUndefined();
    databaseEdit(data, inverse(clear), now)!(data);
    expect(data.peers.laptop!.expiresAt).toBe(iso(T0 + 3 * D));
    // Nothing to do when the end is already that.
    expect(endChange(peer('x'), undefined, now)).toBeUndefined();
  });

  it('the clock switches off only a peer still due (same key, still enabled, end passed)', () => {
    const p = peer('guest', { end: T0 + H });
    expect(expireChange(p, 'guest-key', new Date(T0))).toBeUndefined();
    expect(expireChange(p, 'other-key', new Date(T0 + 2 * H))).toBeUndefined();
    expect(expireChange(p, 'guest-key', new Date(T0 + 2 * H))).toMatchObject({
      op: 'disable',
      reason: 'expired',
      entry: { enabled: false },
    });
  });
});
