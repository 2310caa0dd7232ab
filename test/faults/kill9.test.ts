/**
 * kill -9 at every step boundary of a peer change and at random moments, against a live wireguard-go
 * interface in a namespace, at least 200 kills in all. After each restart, the database, the config file
 * and the live interface agree, every confirmed change is there, and nothing removed comes back: the state
 * is the confirmed changes, plus at most the one in flight (whole or not at all).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/index.js';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { createLab, sh, tunnelTestsEnabled, type TestLab, labEnv } from '../helpers/netns.js';

const DRIVER = fileURLToPath(new URL('./crash-driver.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src/app.js', import.meta.url));
const NAMES = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];

type Model = Map<string, boolean>; // name → enabled

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function applyOp(model: Model, op: string): Model {
  const [cmd, name] = op.slice(1).split(' ') as [string, string];
  const next = new Map(model);
  if (cmd === 'addpeer') next.set(name, true);
  else if (cmd === 'revoke') next.delete(name);
  else next.set(name, cmd === 'enable');
  return next;
}

function plan(model: Model, count: number, random: () => number): string[] {
  const ops: string[] = [];
  let m = model;
  for (let i = 0; i < count; i++) {
    const name = NAMES[Math.floor(random() * NAMES.length)]!;
    const enabled = m.get(name);
    const op = enabled === undefined ? `/addpeer ${name}` : random() < 0.4 ? `/revoke ${name}` : enabled ? `/disable ${name}` : `/enable ${name}`;
    ops.push(op);
    m = applyOp(m, op);
  }
  return ops;
}

const show = (m: Model): string => JSON.stringify([...m].sort());

describe.runIf(tunnelTestsEnabled() && existsSync(BUILT))('kill -9 at every step and at random points (live interface)', () => {
  let lab: TestLab;
  let dataDir: string;
  let env: Record<string, string>;
  let model: Model = new Map();
  let kills = 0;

  beforeAll(() => {
    lab = createLab({ tunnelCidr: '10.79.0.0/24' });
    dataDir = mkdtempSync(join(tmpdir(), 'wgc-kill9-'));
    env = labEnv(lab, dataDir, { PUBLIC_IP_SOURCES: 'none' });
  });
  afterAll(() => lab?.destroy());

  /** Run the driver; returns how many commands were confirmed and whether it died by SIGKILL. */
  function drive(ops: string[], crash: { atStep?: number; afterMs?: number }): Promise<{ confirmed: number; killed: boolean; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [DRIVER, JSON.stringify({ env, ops, crashAt: crash.atStep ?? 0 })], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (crash.afterMs !== undefined && out.includes('READY\n') && !child.killed) {
          const ms = crash.afterMs;
          crash.afterMs = undefined;
          setTimeout(() => child.kill('SIGKILL'), ms);
        }
      });
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (_code, signal) => resolve({ confirmed: (out.match(/^OK \d+$/gm) ?? []).length, killed: signal === 'SIGKILL', stderr }));
    });
  }

  /** Restart (in-process), then read what the database, the file and the interface hold; they must agree. */
  async function restartAndCheck(): Promise<Model> {
    const config = parseConfig(env, { isRoot: true, cwd: dataDir });
    const logger = createMemoryLogger();
    const app = await buildApp(config, { logger, runner: createProcessRunner(logger) });
    await app.start();
    await app.stop();
    // Nobody edited anything by hand here: every difference must have been finished from the journal.
    expect(
      app.peers.driftReport.findings.filter((f) => /by hand/.test(f)),
      'no change left half-done',
    ).toEqual([]);
    const file = listPeers(parseServerConfig(readFileSync(lab.configPath, 'utf8')));
    const dbPath = join(dataDir, 'db.json');
    const db = (existsSync(dbPath) ? JSON.parse(readFileSync(dbPath, 'utf8')) : { peers: {} }) as {
      peers: Record<string, { publicKey: string; disabled?: boolean }>;
    };
    const live = new Map(
      sh('wg', ['show', lab.serverIface, 'allowed-ips'])
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t') as [string, string]),
    );
    expect(Object.keys(db.peers).sort(), 'database and file hold the same peers').toEqual(file.map((p) => p.name).sort());
    for (const p of file) {
      expect(db.peers[p.name]?.publicKey, p.name).toBe(p.publicKey);
      expect(Boolean(db.peers[p.name]?.disabled), `${p.name} disabled in the database as in the file`).toBe(!p.enabled);
      expect(live.get(p.publicKey), `${p.name} live iff enabled`).toBe(p.enabled ? p.allowedIps.join(' ') : undefined);
    }
    expect(live.size, 'no other live peer').toBe(file.filter((p) => p.enabled).length);
    return new Map(file.map((p) => [p.name, p.enabled]));
  }

  async function round(ops: string[], crash: { atStep?: number; afterMs?: number }): Promise<{ killed: boolean }> {
    const run = await drive(ops, crash);
    const confirmedModel = ops.slice(0, run.confirmed).reduce(applyOp, model);
    const withInFlight = run.confirmed < ops.length ? applyOp(confirmedModel, ops[run.confirmed]!) : confirmedModel;
    const state = await restartAndCheck();
    const ok = show(state) === show(confirmedModel) || show(state) === show(withInFlight);
    expect(
      ok,
      `after ${ops.join(', ')} (confirmed ${run.confirmed}, killed ${run.killed}): ${show(state)} is neither ${show(confirmedModel)} nor ${show(withInFlight)}\n${run.stderr}`,
    ).toBe(true);
    model = state;
    if (run.killed) kills++;
    return run;
  }

  it('at every step boundary, then at random moments: ≥200 kills, nothing lost, nothing resurrected', async () => {
    const random = rng(11);
    // Every step boundary of 3-command runs (each change has begin, begun, db, file, live, done), in turn.
    for (let atStep = 1, stepsSeen = 0; kills < 130; atStep = (atStep % 19) + 1, stepsSeen++) {
      await round(plan(model, 3, random), { atStep });
    }
    const deterministic = kills;
    for (let i = 0; kills < deterministic + 90; i++) {
      await round(plan(model, 4, random), { afterMs: Math.floor(random() * 60) });
    }
    expect(kills).toBeGreaterThanOrEqual(200);
  }, 600_000);
});
