/**
 * The whole bot, as `npm start` runs it (compiled, console chat), with the public IP sources and No-IP
 * pointed at loopback fakes: the console admin sees the first update, then the change alert.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, botEnv } from '../helpers/cli.js';
import { startDnsServer } from '../fakes/dns-server.js';
import { startIpEcho } from '../fakes/ip-echo-server.js';
import { startNoipServer } from '../fakes/noip-server.js';
import { tempDir } from './helpers.js';

const A = '81.2.69.142';
const B = '81.2.69.143';
const HOST = 'myhome.ddns.net';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the whole bot', () => {
  it('tells the console admin when the public IP changes', async () => {
    const [echo, noip, dns] = await Promise.all([startIpEcho(), startNoipServer(), startDnsServer()]);
    cleanups.push(echo.close, noip.close, dns.close);
    echo.setAll(['a', 'b'], A);
    dns.set(HOST, [A]);
    const dataDir = tempDir();
    const child = spawn(process.execPath, [BIN, 'console'], {
      cwd: dataDir,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: botEnv({
        DATA_DIR: dataDir,
        WG_OFFLINE: 'true',
        PUBLIC_IP_SOURCES: `${echo.url('a')},${echo.url('b')}`,
        IP_CHECK_INTERVAL: '1',
        NATPMP_GATEWAY: 'none',
        DDNS_PROVIDER: 'noip',
        DDNS_HOSTNAME: HOST,
        DDNS_USERNAME: 'me@example.com',
        DDNS_PASSWORD: 'e2e-secret-password',
        DDNS_SERVER: noip.base,
        DDNS_RESOLVER: dns.server,
      }),
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGTERM');
    });
    let stdout = '';
    let stderr = '';
    const waiters: { text: string; resolve: () => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) {
        if (!stdout.includes(w.text)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    };
    child.stdout.on('data', (d) => ((stdout += d), check()));
    child.stderr.on('data', (d) => (stderr += d));
    const seen = (text: string) => new Promise<void>((resolve) => (waiters.push({ text, resolve }), check()));

    await seen(`Dynamic DNS updated: ${HOST} → ${A}`);
    echo.setAll(['a', 'b'], B);
    dns.set(HOST, [B]);
    await seen(`The public IPv4 address changed: ${A} → ${B}.`);
    await seen(`Dynamic DNS updated: ${HOST} → ${B}`);

    child.stdin.end();
    expect(await exited).toBe(0);
    expect(noip.updates.map((u) => u.myip)).toEqual([A, B]);
    expect(stdout.match(/address changed/g)).toHaveLength(1);
    expect(`${stdout}${stderr}`).not.toContain('e2e-secret-password');
  });
});
