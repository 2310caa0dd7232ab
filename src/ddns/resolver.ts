/** What DDNS_HOSTNAME resolves to now: asked of DDNS_RESOLVER when set (tests, or a public resolver to skip the router's cache). */
import { Resolver } from 'node:dns/promises';
import type { IpFamily } from '../core/ip-watch.js';

export interface HostResolver {
  /** The addresses, [] when the name has no such record, undefined when the lookup itself failed. */
  resolve(hostname: string, family: IpFamily): Promise<string[] | undefined>;
}

const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME']);

export function dnsHostResolver(server?: string, timeoutMs = 5000): HostResolver {
  return {
    async resolve(hostname, family) {
      const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
      if (server) resolver.setServers([server]);
      try {
        const answers = family === 4 ? await resolver.resolve4(hostname) : await resolver.resolve6(hostname);
        return [...answers].sort();
      } catch (error) {
        if (NO_RECORD.has((error as NodeJS.ErrnoException).code ?? '')) return [];
        return undefined;
      }
    },
  };
}
