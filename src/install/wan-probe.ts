/**
 * The network questions install and doctor ask (public IP, router WAN address, DNS, one DDNS update,
 * port mapping), behind one interface so tests answer them from loopback fakes. The default uses the
 * DDNS area's modules and src/net/port-mapping.ts.
 */
import type { Config } from '../config/index.js';
import { detectPublicIp } from '../ddns/public-ip.js';
import { createProvider, type UpdateResult } from '../ddns/providers/index.js';
import { dnsHostResolver } from '../ddns/resolver.js';
import { DEFAULT_SOURCES, parseSourceSpec } from '../ddns/sources.js';
import { routerWanReader } from '../ddns/wan.js';
import { natPmpMapper, upnpMapper, type PortMapper, type PortMapping } from '../net/port-mapping.js';

export interface WanProbe {
  publicIPv4(config: Config): Promise<string | undefined>;
  /** The router's own WAN address (UPnP, else NAT-PMP), to spot CGNAT and double NAT. */
  wanIPv4(gateway: string | undefined): Promise<string | undefined>;
  resolve(hostname: string, config: Config): Promise<string[] | undefined>;
  /** One real update with the configured provider; undefined when DDNS_PROVIDER=none. */
  ddnsUpdate(config: Config, ipv4: string | undefined): Promise<UpdateResult | undefined>;
  portMapper(gateway: string | undefined): PortMapper;
}

/** UPnP first (permanent), NAT-PMP second. */
function combinedMapper(gateway: string | undefined): PortMapper {
  const upnp = upnpMapper();
  const pmp = gateway ? natPmpMapper(gateway) : undefined;
  return {
    async map(port, lan) {
      return (await upnp.map(port, lan)) ?? (await pmp?.map(port, lan));
    },
    check: (m: PortMapping, lan) => (m.method === 'upnp' ? upnp.check(m, lan) : Promise.resolve(undefined)),
    unmap: (m: PortMapping) => (m.method === 'upnp' ? upnp.unmap(m) : (pmp ?? natPmpMapper(m.gateway ?? '')).unmap(m)),
  };
}

export function defaultWanProbe(version: string): WanProbe {
  return {
    async publicIPv4(config) {
      const specs =
        config.ddns.PUBLIC_IP_SOURCES === 'none' ? [] : config.ddns.PUBLIC_IP_SOURCES === 'default' ? DEFAULT_SOURCES : config.ddns.PUBLIC_IP_SOURCES;
      if (specs.length === 0) return undefined;
      const result = await detectPublicIp(specs.map(parseSourceSpec), 4, 5000);
      return result.ok ? result.address : undefined;
    },
    async wanIPv4(gateway) {
      return routerWanReader(gateway).read();
    },
    resolve: (hostname, config) => dnsHostResolver(config.ddns.DDNS_RESOLVER).resolve(hostname, 4),
    async ddnsUpdate(config, ipv4) {
      const provider = createProvider(config.ddns, version);
      if (!provider || !config.ddns.DDNS_HOSTNAME) return undefined;
      return provider.update({ hostname: config.ddns.DDNS_HOSTNAME, ...(ipv4 ? { ipv4 } : {}) });
    },
    portMapper: combinedMapper,
  };
}
