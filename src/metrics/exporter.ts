/**
 * The Prometheus metrics (prom-client): the peers, the live interface under the names the common
 * WireGuard exporter uses (MindFlavor/prometheus_wireguard_exporter: wireguard_sent_bytes_total,
 * wireguard_received_bytes_total, wireguard_latest_handshake_seconds with interface, public_key,
 * allowed_ips and friendly_name labels) so that its Grafana dashboards work, DDNS, commands, and the
 * process itself (RSS, event-loop lag: prom-client's default metrics). Loaded only when METRICS_LISTEN is set.
 */
import client from 'prom-client';
import type { CommandObserver, CommandOutcome } from '../core/command-observer.js';
import type { IpWatchService } from '../core/ip-watch.js';
import type { InterfaceLiveState, PeerEntry, PeerLiveState } from '../core/peer.js';

/** Seconds within which a handshake counts as online (WireGuard re-handshakes every 2 minutes while traffic flows). */
export const ONLINE_SECONDS = 180;

export interface MetricsSource {
  interfaceName: string;
  /** Every peer the bot knows, with its live state while the interface is up. */
  peers(): Promise<{ peers: { entry: PeerEntry; live?: PeerLiveState | undefined }[]; iface: InterfaceLiveState | undefined }>;
  network?: () => IpWatchService | undefined;
  /** Health problems found by the last check, by id (see src/health). */
  healthProblems?: () => readonly string[];
  now?: () => Date;
}

export interface Metrics {
  readonly registry: client.Registry;
  readonly commands: CommandObserver;
  /** Read the peers and the interface, then render the text format. */
  render(): Promise<string>;
  readonly contentType: string;
  bind(source: MetricsSource): void;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const peerLabels = ['interface', 'public_key', 'allowed_ips', 'friendly_name'] as const;
  const g = (name: string, help: string, labelNames: readonly string[] = []) => new client.Gauge({ name, help, labelNames, registers: [registry] });
  const peersGauge = g('wg_chatops_peers', 'Peers the bot knows, by state (total, enabled, online: a handshake within 3 minutes)', ['interface', 'state']);
  const interfaceUp = g('wg_chatops_interface_up', '1 while the WireGuard interface is up', ['interface']);
  const enabled = g('wg_chatops_peer_enabled', '1 when the peer is enabled, 0 when disabled', peerLabels);
  // Counters, as the exporter declares them; each scrape copies the interface's own counters.
  const c = (name: string, help: string) => new client.Counter({ name, help, labelNames: peerLabels, registers: [registry] });
  const sent = c('wireguard_sent_bytes_total', 'Bytes sent to the peer');
  const received = c('wireguard_received_bytes_total', 'Bytes received from the peer');
  const handshake = g('wireguard_latest_handshake_seconds', 'UNIX time of the latest handshake with the peer (0: never)', peerLabels);
  const ddnsOutcome = g('wg_chatops_ddns_last_update_outcome', '1 for the outcome of the latest DDNS update (good, nochg, fatal, retry)', [
    'provider',
    'outcome',
  ]);
  const ddnsAttempt = g('wg_chatops_ddns_last_update_timestamp_seconds', 'UNIX time of the latest DDNS update attempt', ['provider']);
  const ddnsBlocked = g('wg_chatops_ddns_blocked', '1 while DDNS updates are stopped after a fatal answer', ['provider']);
  const ipChange = g('wg_chatops_public_ip_last_change_timestamp_seconds', 'UNIX time the current public address was first seen', ['family']);
  const health = g('wg_chatops_health_problem', '1 for each health problem found by the latest check', ['problem']);
  const commandCount = new client.Counter({
    name: 'wg_chatops_commands_total',
    help: 'Chat commands run, by command and outcome',
    labelNames: ['command', 'outcome'],
    registers: [registry],
  });
  const commandSeconds = new client.Histogram({
    name: 'wg_chatops_command_duration_seconds',
    help: 'Time to answer a chat command',
    labelNames: ['command'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  let source: MetricsSource | undefined;

  async function refresh(): Promise<void> {
    if (!source) return;
    const now = Math.floor((source.now?.() ?? new Date()).getTime() / 1000);
    const { peers, iface } = await source.peers();
    const name = source.interfaceName;
    for (const m of [peersGauge, interfaceUp, enabled, sent, received, handshake, ddnsOutcome, ddnsAttempt, ddnsBlocked, ipChange, health]) m.reset();
    const online = peers.filter((p) => p.live && p.live.latestHandshake > 0 && now - p.live.latestHandshake <= ONLINE_SECONDS).length;
    peersGauge.set({ interface: name, state: 'total' }, peers.length);
    peersGauge.set({ interface: name, state: 'enabled' }, peers.filter((p) => p.entry.enabled).length);
    peersGauge.set({ interface: name, state: 'online' }, online);
    interfaceUp.set({ interface: name }, iface ? 1 : 0);
    for (const p of peers) {
      const labels = {
        interface: name,
        public_key: p.entry.publicKey,
        allowed_ips: p.entry.allowedIps.join(','),
        friendly_name: p.entry.name,
      };
      enabled.set(labels, p.entry.enabled ? 1 : 0);
      if (iface && p.live) {
        sent.inc(labels, p.live.txBytes);
        received.inc(labels, p.live.rxBytes);
        handshake.set(labels, p.live.latestHandshake);
      }
    }
    const network = source.network?.();
    if (network) {
      const d = network.ddnsStatus();
      if (d.provider !== 'none') {
        if (d.lastOutcome) ddnsOutcome.set({ provider: d.provider, outcome: d.lastOutcome }, 1);
        if (d.lastAttempt) ddnsAttempt.set({ provider: d.provider }, Date.parse(d.lastAttempt) / 1000);
        ddnsBlocked.set({ provider: d.provider }, d.blocked ? 1 : 0);
      }
      const ip = await network.ipStatus({ refresh: false });
      if (ip.ipv4) ipChange.set({ family: 'ipv4' }, Date.parse(ip.ipv4.since) / 1000);
      if (ip.ipv6) ipChange.set({ family: 'ipv6' }, Date.parse(ip.ipv6.since) / 1000);
    }
    for (const problem of source.healthProblems?.() ?? []) health.set({ problem }, 1);
  }

  return {
    registry,
    contentType: registry.contentType,
    commands: {
      observe(command: string, outcome: CommandOutcome, seconds: number) {
        commandCount.inc({ command, outcome });
        commandSeconds.observe({ command }, seconds);
      },
    },
    async render() {
      await refresh();
      return registry.metrics();
    },
    bind(s) {
      source = s;
    },
  };
}
