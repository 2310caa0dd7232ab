/** The exporter's own series from an offline bot: DDNS, public IP, health problems, and no live series. */
import { describe, expect, it } from 'vitest';
import type { IpWatchService } from '../../src/core/ip-watch.js';
import { createMetrics } from '../../src/metrics/index.js';
import { offlineApp } from '../helpers/app.js';
import { parseProm } from '../helpers/prom.js';

describe('metrics exporter', () => {
  it('exports DDNS results, the time of the last public-IP change and health problems', async () => {
    const app = await offlineApp();
    await app.peers.add({ name: 'phone', owner: 'test:admin' });
    // What the DDNS watch reports (its own tests drive it against fake providers).
    const network = {
      ddnsStatus: () => ({ provider: 'duckdns', blocked: false, lastOutcome: 'good', lastAttempt: '2026-12-01T10:00:00.000Z' }),
      ipStatus: async () => ({ ipv4: { address: '203.0.113.7', since: '2026-11-30T08:00:00.000Z', sources: ['a', 'b'] } }),
    } as unknown as IpWatchService;
    const metrics = createMetrics();
    metrics.bind({
      interfaceName: 'wg0',
      peers: () => app.peers.listWithLive(),
      network: () => network,
      healthProblems: () => ['clock', 'disk:/var/lib/wg-chatops'],
    });
    const samples = parseProm(await metrics.render());
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('wg_chatops_ddns_last_update_outcome', { provider: 'duckdns', outcome: 'good' })).toBe(1);
    expect(value('wg_chatops_ddns_last_update_timestamp_seconds')).toBe(Date.parse('2026-12-01T10:00:00Z') / 1000);
    expect(value('wg_chatops_ddns_blocked')).toBe(0);
    expect(value('wg_chatops_public_ip_last_change_timestamp_seconds', { family: 'ipv4' })).toBe(Date.parse('2026-11-30T08:00:00Z') / 1000);
    expect(value('wg_chatops_health_problem', { problem: 'clock' })).toBe(1);
    expect(value('wg_chatops_health_problem', { problem: 'disk:/var/lib/wg-chatops' })).toBe(1);
    expect(value('wg_chatops_peers', { state: 'total' })).toBe(1);
    expect(value('wg_chatops_interface_up')).toBe(0);
    expect(samples.filter((s) => s.name.startsWith('wireguard_'))).toEqual([]);
    await app.stop();
  });
});
