/** What the watch remembers across restarts, in its own file DATA_DIR/network.json. */
import type { DdnsOutcome, KnownAddress } from '../core/ip-watch.js';
import { openJsonStore, type JsonStore } from '../store/json-store.js';

export interface NetworkState {
  version: 1;
  ipv4?: KnownAddress;
  ipv6?: KnownAddress;
  ddns: {
    /** Fingerprint (hash) of the provider settings the fields below belong to. */
    config?: string;
    /** What the provider last accepted (good or nochg), and when. */
    pushed?: { ipv4?: string; ipv6?: string; at: string };
    lastAttempt?: string;
    lastOutcome?: DdnsOutcome;
    lastCode?: string;
    lastAnswer?: string;
    /** A fatal answer stopped updates for this configuration. */
    blocked?: boolean;
    retryAt?: string;
    failures: number;
  };
  dns: {
    /** The hostname's last observed answer (IPv4). */
    resolved?: string[];
    /** An address we pushed and wait to see in DNS. */
    awaiting?: string;
  };
  /** Free No-IP hostnames: the current 30-day confirmation cycle. */
  noip: { cycleStart?: string; remindedFor?: string };
  /** Last alert sent per category, so a repeat is suppressed (also across restarts). */
  alerts: Record<string, string>;
}

export const emptyState = (): NetworkState => ({ version: 1, ddns: { failures: 0 }, dns: {}, noip: {}, alerts: {} });

export function migrateState(raw: unknown): NetworkState {
  const base = emptyState();
  if (typeof raw !== 'object' || raw === null) return base;
  const r = raw as Partial<NetworkState>;
  return {
    ...base,
    ...r,
    version: 1,
    ddns: { ...base.ddns, ...r.ddns },
    dns: { ...r.dns },
    noip: { ...r.noip },
    alerts: { ...r.alerts },
  };
}

export const openNetworkState = (path: string): Promise<JsonStore<NetworkState>> => openJsonStore(path, emptyState, migrateState);
