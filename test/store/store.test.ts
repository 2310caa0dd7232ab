import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/store/audit-log.js';
import { openBotDb } from '../../src/store/bot-db.js';

const dir = () => mkdtempSync(join(tmpdir(), 'wgc-store-'));

describe('bot database', () => {
  it('is written compactly, atomically and 0600, and really persists (not in memory under NODE_ENV=test)', async () => {
    const d = dir();
    const db = await openBotDb(join(d, 'db.json'));
    await db.update((data) => {
      data.users['telegram:1'] = { key: 'telegram:1', name: 'A', approvedBy: 'x', approvedAt: '2026-01-01T00:00:00Z' };
    });
    const text = readFileSync(join(d, 'db.json'), 'utf8');
    expect(text).not.toContain('\n');
    expect(JSON.parse(text).users['telegram:1'].name).toBe('A');
    expect(statSync(join(d, 'db.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(d)).toEqual(['db.json']); // no temp file left behind
    const again = await openBotDb(join(d, 'db.json'));
    expect(again.data.users['telegram:1']?.name).toBe('A');
  });

  it('serialises concurrent updates', async () => {
    const db = await openBotDb(join(dir(), 'db.json'));
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        db.update(async (data) => {
          const n = Object.keys(data.users).length;
          await new Promise((r) => setImmediate(r));
          data.users[`u${n}`] = { key: `u${n}`, name: String(i), approvedBy: 'x', approvedAt: 'now' };
        }),
      ),
    );
    expect(Object.keys(db.data.users)).toHaveLength(30);
  });

  it('refuses a database from a newer version or that is not JSON, with a clear message', async () => {
    const d = dir();
    writeFileSync(join(d, 'new.json'), JSON.stringify({ version: 99 }));
    await expect(openBotDb(join(d, 'new.json'))).rejects.toThrow(/newer than this program/);
    writeFileSync(join(d, 'bad.json'), '{"version":1,');
    await expect(openBotDb(join(d, 'bad.json'))).rejects.toThrow(/not valid JSON/);
  });
});

describe('audit log', () => {
  it('appends JSON lines and rotates', async () => {
    const d = dir();
    const log = createAuditLog({ path: join(d, 'audit.log'), maxBytes: 300, keep: 2 });
    for (let i = 0; i < 20; i++) log.record({ actor: 'telegram:1', action: 'addpeer', target: `p${i}`, outcome: 'ok' });
    await log.flush();
    const files = readdirSync(d).sort();
    expect(files).toEqual(['audit.log', 'audit.log.1', 'audit.log.2']);
    const last = readFileSync(join(d, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(last.at(-1)).toMatchObject({ action: 'addpeer', target: 'p19', outcome: 'ok' });
    expect(statSync(join(d, 'audit.log')).mode & 0o777).toBe(0o600);
  });
});
