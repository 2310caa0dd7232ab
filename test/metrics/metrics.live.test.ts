/**
 * The metrics endpoint against a live wireguard-go interface: scraped over HTTP on loopback, parsed,
 * and the per-peer byte counters and handshakes equal what `wg show IFACE dump` reports.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/index.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { createMetrics, startMetricsServer, type MetricsServer } from '../../src/metrics/index.js';
import { admin } from '../helpers/app.js';
import { parseProm } from '../helpers/prom.js';
import { bringUpClient, createLab, pingThroughTunnel, sh, tunnelTestsEnabled, type TestLab, labEnv } from '../helpers/netns.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe.runIf(tunnelTestsEnabled())('metrics with a live interface', () => {
  let lab: TestLab;
  let app: App;
  let server: MetricsServer;
  const url = () => `http://127.0.0.1:${server.address.port}/metrics`;

  beforeAll(async () => {
    lab = createLab({ tunnelCidr: '10.79.0.0/24' });
    const dataDir = mkdtempSync(join(tmpdir(), 'wgc-metrics-'));
    const config = parseConfig(labEnv(lab, dataDir, { WG_ENDPOINT: `${lab.serverLanIp}:${lab.listenPort}`, WG_CLIENT_ALLOWED_IPS: lab.tunnelCidr }), {
      isRoot: true,
      cwd: dataDir,
    });
    const logger = createMemoryLogger();
    const metrics = createMetrics();
    app = await buildApp(config, { logger, runner: createProcessRunner(logger), commandObserver: metrics.commands });
    await app.start();
    metrics.bind({ interfaceName: lab.serverIface, peers: () => app.peers.listWithLive() });
    server = await startMetricsServer({
      listen: { host: '127.0.0.1', port: 0 },
      token: TOKEN,
      render: () => metrics.render(),
      contentType: metrics.contentType,
      logger,
    });
  });
  afterAll(async () => {
    await server?.close();
    await app?.stop();
    lab?.destroy();
  });

  it('refuses a scrape without the bearer token', async () => {
    expect((await fetch(url())).status).toBe(401);
    expect((await fetch(url(), { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  });

  it('exports peers, live counters equal to wg show, commands, RSS and event-loop lag', async () => {
    const phone = await app.peers.add({ name: 'phone', owner: 'test:admin' });
    await app.peers.add({ name: 'laptop', owner: 'test:admin' });
    await app.peers.setEnabled('laptop', false);
    bringUpClient(lab, phone.clientConfig);
    expect(await pingThroughTunnel(lab)).toBe(true);
    await app.dispatcher.handle(admin('/status'));
    await app.dispatcher.handle(admin('/revoke nosuchpeer'));

    const dumpBefore = sh('wg', ['show', lab.serverIface, 'dump']);
    const res = await fetch(url(), { headers: { authorization: `Bearer ${TOKEN}` } });
    const dumpAfter = sh('wg', ['show', lab.serverIface, 'dump']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(body).toMatch(/^# TYPE wireguard_sent_bytes_total counter$/m);
    expect(body).toMatch(/^# TYPE wireguard_latest_handshake_seconds gauge$/m);
    const samples = parseProm(body);
    const one = (name: string, labels: Record<string, string> = {}) => {
      const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
      return found[0]!.value;
    };

    expect(one('wg_chatops_peers', { state: 'total' })).toBe(2);
    expect(one('wg_chatops_peers', { state: 'enabled' })).toBe(1);
    expect(one('wg_chatops_peers', { state: 'online' })).toBe(1);
    expect(one('wg_chatops_interface_up')).toBe(1);
    expect(one('wg_chatops_peer_enabled', { friendly_name: 'phone' })).toBe(1);
    expect(one('wg_chatops_peer_enabled', { friendly_name: 'laptop' })).toBe(0);

    // The phone's line of the dump: public-key psk endpoint allowed-ips handshake rx tx keepalive.
    const phoneLine = (dump: string) =>
      dump
        .split('\n')
        .find((l) => l.startsWith(`${phone.entry.publicKey}\t`))!
        .split('\t');
    const [before, after] = [phoneLine(dumpBefore), phoneLine(dumpAfter)];
    const labels = {
      interface: lab.serverIface,
      public_key: phone.entry.publicKey,
      friendly_name: 'phone',
      allowed_ips: phone.entry.allowedIps.join(','),
    };
    const rx = one('wireguard_received_bytes_total', labels);
    const tx = one('wireguard_sent_bytes_total', labels);
    const hs = one('wireguard_latest_handshake_seconds', labels);
    expect(rx).toBeGreaterThan(0);
    expect([Number(before[5]), Number(after[5])]).toContain(rx);
    expect([Number(before[6]), Number(after[6])]).toContain(tx);
    expect([Number(before[4]), Number(after[4])]).toContain(hs);
    expect(Math.abs(hs - Date.now() / 1000)).toBeLessThan(120);
    // The disabled peer is not on the interface: no live series for it.
    expect(samples.filter((s) => s.name === 'wireguard_sent_bytes_total' && s.labels.friendly_name === 'laptop')).toEqual([]);

    expect(one('wg_chatops_commands_total', { command: 'status', outcome: 'ok' })).toBe(1);
    expect(one('wg_chatops_commands_total', { command: 'revoke', outcome: 'refused' })).toBe(1);
    expect(one('wg_chatops_command_duration_seconds_count', { command: 'status' })).toBe(1);
    expect(one('process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(one('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    // The interface goes away: the live series go with it, the peers stay.
    sh('rm', ['-f', `/var/run/wireguard/${lab.serverIface}.sock`]);
    // Polled, not a fixed pause: generous for a slow machine (armhf under emulation is ~20x slower).
    let down = parseProm(await (await fetch(url(), { headers: { authorization: `Bearer ${TOKEN}` } })).text());
    for (let i = 0; i < 100 && down.find((s) => s.name === 'wg_chatops_interface_up')?.value !== 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      down = parseProm(await (await fetch(url(), { headers: { authorization: `Bearer ${TOKEN}` } })).text());
    }
    expect(down.find((s) => s.name === 'wg_chatops_interface_up')?.value).toBe(0);
    expect(down.filter((s) => s.name === 'wireguard_received_bytes_total')).toEqual([]);
    expect(down.filter((s) => s.name === 'wg_chatops_peer_enabled')).toHaveLength(2);
  });
});
