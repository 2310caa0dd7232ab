/**
 * The real program killed with SIGKILL: the next start tells the admins (here the console) that the
 * bot restarted after a crash; a clean stop (end of input) does not.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/keys.js';
import { BIN, botEnv } from '../helpers/cli.js';

function start(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, 'console'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const state = { out: '' };
  child.stdout.on('data', (d) => (state.out += d));
  child.stderr.on('data', (d) => (state.out += d));
  const closed = new Promise((r) => child.on('close', r));
  const until = async (re: RegExp, ms: number) => {
    for (let waited = 0; waited < ms && !re.test(state.out); waited += 100) await new Promise((r) => setTimeout(r, 100));
    return re.test(state.out);
  };
  return { child, state, closed, until };
}

describe('crash restart alert (the program)', () => {
  it('SIGKILL, then a start: "restarted after a crash"; after a clean stop: nothing', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgc-crash-'));
    writeFileSync(join(dir, 'wg0.conf'), `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\nListenPort = 51820\n`, {
      mode: 0o600,
    });
    const env = botEnv({
      WG_CONFIG_DIR: dir,
      DATA_DIR: join(dir, 'data'),
      WG_OFFLINE: 'true',
      WG_ENDPOINT: 'vpn.example.net',
      HEALTH_CHECK_INTERVAL: '10',
    });

    const first = start(env);
    expect(await first.until(/wg-chatops ready/, 10_000)).toBe(true);
    first.child.kill('SIGKILL');
    await first.closed;

    const second = start(env);
    expect(await second.until(/The bot restarted after a crash/, 20_000), second.state.out).toBe(true);
    second.child.stdin.end(); // a clean stop
    await second.closed;

    const third = start(env);
    expect(await third.until(/wg-chatops ready/, 10_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 11_000)); // past the first check
    third.child.stdin.end();
    await third.closed;
    expect(third.state.out).not.toMatch(/restarted after a crash/);
  });
});
