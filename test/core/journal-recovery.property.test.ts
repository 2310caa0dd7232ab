/**
 * Property: whatever step boundary a crash hits, the next start leaves the database, the config file
 * and the interface exactly as the change applied once (or, before its intent was journaled, as before).
 * A crash is what the disk and the interface hold at that boundary: copied there and started from.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/index.js';
import { generateKeyPair } from '../../src/core/keys.js';
import type { LivePeer } from '../../src/core/ports.js';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { MemoryInterface } from '../helpers/memory-interface.js';

async function open(dir: string, live: MemoryInterface, onPeerStep?: (step: string) => void): Promise<App> {
  const config = parseConfig(
    {
      WG_FIREWALL: 'off',
      WG_CONFIG_DIR: dir,
      DATA_DIR: join(dir, 'data'),
      WG_ENDPOINT: 'vpn.example.net',
      ADMIN_KEYS: 'test:admin',
      UNDO_SECONDS: '300',
    },
    { isRoot: false, cwd: dir },
  );
  const logger = createMemoryLogger();
  const app = await buildApp(config, { logger, runner: createProcessRunner(logger), live, ...(onPeerStep ? { onPeerStep } : {}) });
  await app.start();
  return app;
}

/** Everything a start could see: file peers, database records and trash, live peers. */
function state(dir: string, live: MemoryInterface): string {
  const file = listPeers(parseServerConfig(readFileSync(join(dir, 'wg0.conf'), 'utf8'))).map((p) => [p.name, p.publicKey, p.enabled, p.allowedIps]);
  let db: { peers: Record<string, unknown>; trash: Record<string, unknown> } = { peers: {}, trash: {} };
  try {
    db = JSON.parse(readFileSync(join(dir, 'data', 'db.json'), 'utf8'));
  } catch {
    /* not written yet */
  }
  const peers = Object.entries(db.peers).sort(([a], [b]) => a.localeCompare(b));
  const trash = Object.keys(db.trash).sort();
  const livePeers = [...live.peers.values()].map((p) => [p.publicKey, p.allowedIps]).sort();
  return JSON.stringify({ file, peers, trash, livePeers });
}

type Op = { kind: 'add' } | { kind: 'revoke' | 'disable' | 'enable' | 'undo' | 'end' | 'never'; index: number };

async function run(app: App, op: Op, names: string[], tokens: string[]): Promise<void> {
  const name = names.length > 0 && op.kind !== 'add' ? names[op.index % names.length]! : 'fresh';
  if (op.kind === 'add') await app.peers.add({ name: 'fresh', owner: 'test:bob' });
  else if (op.kind === 'revoke') await app.peers.revoke(name, 'test:admin');
  else if (op.kind === 'undo' && tokens.length > 0) await app.peers.undo(tokens[op.index % tokens.length]!);
  else if (op.kind === 'disable' || op.kind === 'enable') await app.peers.setEnabled(name, op.kind === 'enable');
  // /expire: an end a day from now, or none (the database only; "never" on a peer without an end changes nothing).
  else if (op.kind === 'end' || op.kind === 'never') await app.peers.setEnd(name, op.kind === 'end' ? new Date(Date.now() + 86_400_000) : undefined);
}

describe('journal recovery (property)', () => {
  it('a crash at any step boundary recovers to the change applied once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        fc.oneof(
          fc.constant<Op>({ kind: 'add' }),
          fc.record({
            kind: fc.constantFrom<'revoke' | 'disable' | 'enable' | 'undo' | 'end' | 'never'>('revoke', 'disable', 'enable', 'undo', 'end', 'never'),
            index: fc.nat(5),
          }),
        ),
        fc.integer({ min: 1, max: 7 }),
        async (enabled, op, crashAt) => {
          const dir = mkdtempSync(join(tmpdir(), 'wgc-prop-'));
          mkdirSync(join(dir, 'data'), { mode: 0o700 });
          writeFileSync(join(dir, 'wg0.conf'), `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\nListenPort = 51820\n`, {
            mode: 0o600,
          });
          const live = new MemoryInterface();
          let crashed: { dir: string; live: Map<string, LivePeer> } | undefined;
          let steps = 0;
          let counting = false;
          let started = false;
          const app = await open(dir, live, (step) => {
            // Counted from the change's own first step (the previous change's "done" may come later).
            if (counting && step === 'begin') started = true;
            if (!started || crashed || ++steps !== crashAt) return;
            // What a kill -9 right here leaves: the files as they are on disk, the interface as it is.
            const copy = mkdtempSync(join(tmpdir(), 'wgc-crash-'));
            for (const f of readdirSync(dir)) cpSync(join(dir, f), join(copy, f), { recursive: true });
            crashed = { dir: copy, live: new Map([...live.peers].map(([k, v]) => [k, { ...v }])) };
          });
          // Some peers, some disabled, one revoked (so /undo has something to restore).
          const names = enabled.map((_, i) => `p${i}`);
          for (const [i, on] of enabled.entries()) {
            // Every other peer has an end (two days away: nothing falls due while the property runs).
            await app.peers.add({ name: names[i]!, owner: 'test:admin', ...(i % 2 ? { end: new Date(Date.now() + 2 * 86_400_000) } : {}) });
            if (!on) await app.peers.setEnabled(names[i]!, false);
          }
          const tokens = [(await app.peers.revoke(names[0]!, 'test:admin')).token];
          const present = names.slice(1);
          const before = state(dir, live);
          counting = true;
          await run(app, op, present, tokens).catch(() => undefined); // refused (e.g. already enabled): nothing changed
          const after = state(dir, live);
          await app.stop();
          if (!crashed) return; // the change had fewer steps than crashAt
          const recoveredLive = new MemoryInterface(crashed.live);
          const recovered = await open(crashed.dir, recoveredLive);
          await recovered.stop();
          const got = state(crashed.dir, recoveredLive);
          // Crash before the intent was journaled (step 1, "begin"): as before; from then on: as applied once.
          expect(got).toBe(crashAt === 1 ? before : after);
          expect(recovered.peers.driftReport.findings.filter((f) => /by hand/.test(f))).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
