/**
 * The one entry point for the composition root: builds the public IP watch and DDNS updater from the configuration.
 */
import { join } from 'node:path';
import type { DdnsConfig } from '../config/ddns.js';
import { isIPv4, isIPv6 } from '../core/ip.js';
import type { Notifier } from '../core/notifier.js';
import type { Logger } from '../log/logger.js';
import { createProvider } from './providers/index.js';
import { hasGlobalIPv6 } from './public-ip.js';
import { dnsHostResolver, type HostResolver } from './resolver.js';
import { DEFAULT_SOURCES, parseSourceSpec, type PublicIpSource } from './sources.js';
import { openNetworkState } from './state.js';
import { IpWatch, type Schedule } from './watch.js';
import { defaultGateway, routerWanReader, type WanAddressReader } from './wan.js';

export { IpWatch } from './watch.js';

export interface CreateIpWatchOptions {
  /** config.ddns */
  ddns: DdnsConfig;
  /** config.wireguard.WG_ENDPOINT as configured (may be undefined). */
  endpoint: string | undefined;
  /** config.dataDir: the state goes to DATA_DIR/network.json. */
  dataDir: string;
  notifier: Notifier;
  logger: Logger;
  /** The program's version, for No-IP's required User-Agent. */
  version: string;
  /** Seams for tests; production leaves them out. */
  seams?: Partial<{
    now: () => Date;
    schedule: Schedule;
    random: () => number;
    hasIPv6: () => boolean;
    resolver: HostResolver;
    wan: WanAddressReader | null;
    sources: PublicIpSource[];
    sourceTimeoutMs: number;
  }>;
}

/** Undefined when PUBLIC_IP_SOURCES=none (the watch is off). Call start() once the chat adapters run, stop() on shutdown. */
export async function createIpWatch(options: CreateIpWatchOptions): Promise<IpWatch | undefined> {
  const { ddns, seams = {} } = options;
  if (ddns.PUBLIC_IP_SOURCES === 'none') {
    options.logger.info('public IP watch is off (PUBLIC_IP_SOURCES=none)');
    return undefined;
  }
  options.logger.addSecret(ddns.DDNS_PASSWORD);
  options.logger.addSecret(ddns.DDNS_TOKEN);
  const specs = ddns.PUBLIC_IP_SOURCES === 'default' ? DEFAULT_SOURCES : ddns.PUBLIC_IP_SOURCES;
  const store = await openNetworkState(join(options.dataDir, 'network.json'));
  return new IpWatch({
    config: ddns,
    hostname: watchedHostname(ddns, options.endpoint),
    store,
    sources: seams.sources ?? specs.map(parseSourceSpec),
    provider: createProvider(ddns, options.version),
    notifier: options.notifier,
    logger: options.logger,
    resolver: seams.resolver ?? dnsHostResolver(ddns.DDNS_RESOLVER),
    wan: seams.wan === null ? undefined : (seams.wan ?? (await routerWanFromConfig(ddns.NATPMP_GATEWAY))),
    // DDNS_IPV6: off never looks for IPv6 (no AAAA); on always does; auto when the Pi has a global IPv6 address.
    hasIPv6: ddns.DDNS_IPV6 === 'off' ? () => false : ddns.DDNS_IPV6 === 'on' ? () => true : (seams.hasIPv6 ?? hasGlobalIPv6),
    now: seams.now ?? (() => new Date()),
    schedule: seams.schedule ?? realSchedule,
    random: seams.random ?? Math.random,
    sourceTimeoutMs: seams.sourceTimeoutMs ?? 5000,
  });
}

/** The name clients use and whose DNS answer is checked: DDNS_HOSTNAME, else WG_ENDPOINT's host when it is a name. */
export function watchedHostname(ddns: DdnsConfig, endpoint: string | undefined): string | undefined {
  if (ddns.DDNS_HOSTNAME) return ddns.DDNS_HOSTNAME;
  if (!endpoint) return undefined;
  const host = endpoint.startsWith('[') ? endpoint.slice(1, endpoint.indexOf(']')) : endpoint.replace(/:\d+$/, '');
  return isIPv4(host) || isIPv6(host) || isIPv6(endpoint) ? undefined : host;
}

/** UPnP, then NAT-PMP at NATPMP_GATEWAY (default: the default gateway); "none" skips reading the router. */
async function routerWanFromConfig(setting: string | undefined): Promise<WanAddressReader | undefined> {
  if (setting === 'none') return undefined;
  const [host, port] = (setting ?? '').split(':');
  const gateway = host || (await defaultGateway());
  return routerWanReader(gateway, port ? Number(port) : undefined);
}

const realSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  // The chat adapters keep the process alive; the watch alone must not.
  timer.unref();
  return () => clearTimeout(timer);
};
