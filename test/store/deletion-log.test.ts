import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeletionLog, deletionId, type DeletionEntry } from '../../src/store/deletion-log.js';

const entry = (n: number, at = 1000): DeletionEntry => {
  const ref = { platform: 'telegram', chatId: '42', messageId: String(n), recipient: 'telegram:42' };
  return { ...ref, id: deletionId(ref), at, sentAt: at, attempts: 0 };
};

describe('DeletionLog', () => {
  it('appends one line per change: adding an entry never rewrites the others', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wgc-dlog-')), 'deletions.log');
    const log = await DeletionLog.open(path);
    for (let i = 0; i < 200; i++) log.put(entry(i));
    await log.flush();
    const before = readFileSync(path, 'utf8');
    log.put(entry(500));
    log.done(entry(3).id);
    await log.flush();
    const after = readFileSync(path, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length).trim().split('\n')).toHaveLength(2);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await log.close();
    const again = await DeletionLog.open(path);
    expect(again.entries.size).toBe(200);
    expect(again.entries.has(entry(3).id)).toBe(false);
    expect(again.entries.get(entry(500).id)).toEqual(entry(500));
  });

  it('compacts when finished lines outnumber live ones, keeping exactly the live entries', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wgc-dlog-')), 'deletions.log');
    const log = await DeletionLog.open(path, { compactAfter: 50 });
    for (let i = 0; i < 300; i++) {
      log.put(entry(i));
      if (i >= 5) log.done(entry(i - 5).id);
      await log.flush();
    }
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(150);
    await log.close();
    const again = await DeletionLog.open(path);
    expect([...again.entries.keys()].sort()).toEqual([295, 296, 297, 298, 299].map((n) => entry(n).id).sort());
  });

  it('ignores a torn last line (a crash mid-append) and reports a bad line in the middle', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wgc-dlog-')), 'deletions.log');
    writeFileSync(path, `${JSON.stringify({ put: entry(1) })}\nnot json\n${JSON.stringify({ put: entry(2) })}\n`);
    appendFileSync(path, '{"put":{"id":"telegram:42:3","at":');
    const warnings: string[] = [];
    const log = await DeletionLog.open(path, { onWarning: (w) => warnings.push(w) });
    expect([...log.entries.keys()]).toEqual([entry(1).id, entry(2).id]);
    expect(warnings).toEqual([`${path}:2: unreadable line skipped`]);
  });

  it('takes over the old whole-file deletions.json once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-dlog-'));
    const legacyPath = join(dir, 'deletions.json');
    writeFileSync(legacyPath, '{}');
    const old = [{ platform: 'telegram', chatId: '1', messageId: '9', recipient: 'telegram:1', at: 5 }];
    const log = await DeletionLog.open(join(dir, 'deletions.log'), {}, { path: legacyPath, entries: async () => old });
    expect(log.entries.get('telegram:1:9')).toMatchObject({ at: 5, attempts: 0 });
    expect(() => statSync(legacyPath)).toThrow(/ENOENT/);
  });
});
