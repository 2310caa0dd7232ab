/** The /undo trash is bounded: the newest UNDO_KEEP revocations wait there, older ones go once it overflows. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { TrashItem } from '../../src/core/database.js';
import { trashOverflow, UNDO_KEEP } from '../../src/core/peer-client.js';
import { admin, offlineApp, plain } from '../helpers/app.js';

const item = (token: string, revokedAt: string): TrashItem => ({
  token,
  entry: { name: `p-${token}`, publicKey: `${token}=`, allowedIps: ['10.6.0.9/32'], enabled: true },
  revokedAt,
  revokedBy: 'test:admin',
  expiresAt: '2026-12-03T18:00:00.000Z',
});
const trashOf = (...items: TrashItem[]): Record<string, TrashItem> => Object.fromEntries(items.map((t) => [t.token, t]));

describe('trashOverflow', () => {
  it('leaves a trash of up to a quarter over the limit alone', () => {
    const five = trashOf(...['a', 'b', 'c', 'd', 'e'].map((t, i) => item(t, `2026-12-03T17:00:0${i}.000Z`)));
    expect(trashOverflow(five, 4)).toEqual([]);
    expect(trashOverflow(five, 5)).toEqual([]);
  });

  it('names the oldest beyond the limit once it overflows, by revocation time and then token, not by insertion order', () => {
    const trash = trashOf(
      item('late', '2026-12-03T17:00:09.000Z'),
      item('b', '2026-12-03T17:00:01.000Z'),
      item('a', '2026-12-03T17:00:01.000Z'),
      item('first', '2026-12-03T17:00:00.000Z'),
      item('mid', '2026-12-03T17:00:05.000Z'),
    );
    expect(trashOverflow(trash, 2)).toEqual(['first', 'a', 'b']);
    expect(trashOverflow(trash, 1)).toEqual(['first', 'a', 'b', 'mid']);
  });
});

let app: App | undefined;
afterEach(async () => app?.stop());

describe('the trash of a running bot', () => {
  it(`keeps the newest ${UNDO_KEEP} revocations: the oldest can no longer be undone, the newest still can`, async () => {
    app = await offlineApp();
    const tokens: string[] = [];
    const overflowAt = UNDO_KEEP + Math.ceil(UNDO_KEEP / 4) + 1;
    for (let i = 0; i < overflowAt; i++) {
      await app.peers.add({ name: `p${i}`, owner: 'test:admin' });
      tokens.push((await app.peers.revoke(`p${i}`, 'test:admin')).token);
      // Not trimmed before it overflows.
      if (i === overflowAt - 2) expect(Object.keys(app.db.data.trash)).toHaveLength(overflowAt - 1);
    }
    expect(Object.keys(app.db.data.trash).sort()).toEqual(tokens.slice(-UNDO_KEEP).sort());
    // The database on disk says the same.
    const saved = JSON.parse(readFileSync(join(app.config.dataDir, 'db.json'), 'utf8')) as { trash: Record<string, unknown> };
    expect(Object.keys(saved.trash)).toHaveLength(UNDO_KEEP);

    expect(plain(await app.dispatcher.handle(admin(`/undo ${tokens[0]}`)))).toMatch(/no longer possible/);
    expect(app.peers.get('p0')).toBeUndefined();
    await app.dispatcher.handle(admin(`/undo ${tokens.at(-1)}`));
    expect(app.peers.get(`p${overflowAt - 1}`)).toBeDefined();
  });

  it('trims a trash left over the bound (a crash between a revoke and its trim, or a failed trim) at the next revoke', async () => {
    app = await offlineApp();
    const left = UNDO_KEEP + 100;
    const start = Date.now() - 3_600_000;
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString(); // not expired: only the bound removes them
    await app.db.update((d) => {
      for (let i = 0; i < left; i++) d.trash[`t${i}`] = { ...item(`t${i}`, new Date(start + i * 1000).toISOString()), expiresAt };
    });
    await app.peers.add({ name: 'last', owner: 'test:admin' });
    const newest = (await app.peers.revoke('last', 'test:admin')).token;
    const kept = Object.keys(app.db.data.trash);
    expect(kept).toHaveLength(UNDO_KEEP);
    expect(kept).toContain(newest);
    // The oldest went: the newest UNDO_KEEP - 1 of those left, and the revoke just made.
    expect(kept).not.toContain('t0');
    expect(kept).not.toContain(`t${left - UNDO_KEEP}`);
    expect(kept).toContain(`t${left - UNDO_KEEP + 1}`);
  });
});
