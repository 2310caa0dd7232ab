/**
 * What chat commands need from the public-IP watch and dynamic DNS (implemented in src/ddns/watch.ts).
 * Data only: /ip, /ddns and /status render it.
 */

export type IpFamily = 4 | 6;

export interface KnownAddress {
  address: string;
  /** When this address was first seen (ISO 8601). */
  since: string;
  /** The sources that agreed on it at the last check. */
  sources: string[];
}

export interface IpStatus {
  ipv4?: KnownAddress;
  ipv6?: KnownAddress;
  /** ISO time of the last completed check, if any. */
  checkedAt?: string;
  /** The last check could not agree on an IPv4 address (sources down, disagreeing…). */
  problem?: string;
  hostname?: string;
  /** What the hostname resolves to now; undefined when there is no hostname or it did not resolve. */
  resolved?: string[];
  /** A router WAN address reading that means port forwarding cannot work. */
  nat?: { kind: 'cgnat' | 'double-nat' | 'upstream-nat'; wan: string };
}

export type DdnsOutcome = 'good' | 'nochg' | 'fatal' | 'retry';

export interface DdnsStatus {
  provider: string;
  hostname?: string;
  /** ISO time of the last update attempt. */
  lastAttempt?: string;
  lastOutcome?: DdnsOutcome;
  /** The provider's answer, as text safe to show (no secrets). */
  lastAnswer?: string;
  /** Updates are stopped until the configuration changes (badauth, nohost…). */
  blocked: boolean;
  /** ISO time before which no update is sent (after 911 or a server error). */
  retryAt?: string;
  /** ISO time of the next scheduled check. */
  nextCheck?: string;
  /** Free No-IP hostnames: ISO date by which the hostname must be confirmed. */
  confirmBy?: string;
}

export interface ForcedUpdate {
  /** wait: a back-off after 911 or a server error is still running (retryAt says until when). */
  outcome: DdnsOutcome | 'wait' | 'no-address' | 'no-provider';
  answer?: string;
  retryAt?: string;
}

/** What /status shows of the watch. */
export interface IpWatchSummary {
  /** The last known public address (IPv4, else IPv6). */
  address?: string;
  /** Updates are stopped by a fatal provider answer (shown); undefined when they are not. */
  ddnsBlockedAnswer?: string;
}

export interface IpWatchService {
  summary(): IpWatchSummary;
  /** The current public addresses; refresh runs a check first (the /ip command). */
  ipStatus(options: { refresh: boolean }): Promise<IpStatus>;
  ddnsStatus(): DdnsStatus;
  /** Send an update now, even if nothing changed and even after a fatal answer (an admin asked). */
  forceUpdate(): Promise<ForcedUpdate>;
  /** An admin confirmed the free No-IP hostname: restart its 30-day reminder. */
  markConfirmed(): Promise<void>;
}
