/**
 * The real program (compiled): with METRICS_LISTEN unset it opens no listening socket at all; with it
 * set it serves /metrics on the console platform; a non-loopback address without a token stops it at start.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/keys.js';
import { BIN, botEnv, runConsole } from '../helpers/cli.js';

function offlineEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-mlisten-'));
  writeFileSync(join(dir, 'wg0.conf'), `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\nListenPort = 51820\n`, {
    mode: 0o600,
  });
  return botEnv({ WG_CONFIG_DIR: dir, DATA_DIR: join(dir, 'data'), WG_OFFLINE: 'true', WG_ENDPOINT: 'vpn.example.net', ...extra });
}

/** Inodes of TCP sockets in LISTEN state that this process holds. */
function listeningSockets(pid: number): string[] {
  const held = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((s): s is string => !!s),
  );
  const listening: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && held.has(f[9]!)) listening.push(f[9]!);
    }
  }
  return listening;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function whileRunning<T>(env: NodeJS.ProcessEnv, body: (pid: number) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [BIN, 'console'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const closed = new Promise((r) => child.on('close', r));
  try {
    for (let i = 0; i < 200 && !/wg-chatops ready/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out, 'the bot to start').toMatch(/wg-chatops ready/);
    return await body(child.pid!);
  } finally {
    child.stdin.end();
    await closed;
  }
}

describe('METRICS_LISTEN', () => {
  it('unset: the running bot listens on nothing', async () => {
    const sockets = await whileRunning(offlineEnv({}), async (pid) => listeningSockets(pid));
    expect(sockets).toEqual([]);
  });

  it('set: the console bot serves /metrics on that loopback port', async () => {
    const port = await freePort();
    await whileRunning(offlineEnv({ METRICS_LISTEN: `127.0.0.1:${port}` }), async (pid) => {
      expect(listeningSockets(pid)).toHaveLength(1);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^wg_chatops_peers\{interface="wg0",state="total"\} 0$/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    });
  });

  it('a non-loopback address without METRICS_TOKEN stops the bot with a configuration error', async () => {
    const r = await runConsole(offlineEnv({ METRICS_LISTEN: '0.0.0.0:9586' }), ['/status']);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/Configuration error: METRICS_LISTEN: 0\.0\.0\.0 is not a loopback address: set METRICS_TOKEN/);
  });
});
