import { platform } from 'node:os';
import type { DdnsConfig } from '../../config/ddns.js';
import { cloudflareProvider } from './cloudflare.js';
import { duckdnsProvider } from './duckdns.js';
import { dyndns2Provider } from './dyndns2.js';
import { noipProvider } from './noip.js';
import type { DdnsProvider } from './types.js';

/** Who to contact about this client, as No-IP's User-Agent rules require. */
export const MAINTAINER_CONTACT = 'wg-chatops@users.noreply.github.com';

/** No-IP's documented form: "Company NameOfProgram/OSVersion-ReleaseVersion maintainer-contact". */
export function userAgent(version: string, os: string = platform()): string {
  return `wg-chatops wg-chatops/${os}-${version} ${MAINTAINER_CONTACT}`;
}

/** The configured provider, or undefined for DDNS_PROVIDER=none. The config schema has checked the required fields. */
export function createProvider(config: DdnsConfig, version: string): DdnsProvider | undefined {
  const server = config.DDNS_SERVER;
  const ua = userAgent(version);
  switch (config.DDNS_PROVIDER) {
    case 'noip':
      return noipProvider({ server, username: config.DDNS_USERNAME!, password: config.DDNS_PASSWORD!, userAgent: ua });
    case 'dyndns2':
      return dyndns2Provider({ server: server!, username: config.DDNS_USERNAME!, password: config.DDNS_PASSWORD!, userAgent: ua });
    case 'duckdns':
      return duckdnsProvider({ server, token: config.DDNS_TOKEN! });
    case 'cloudflare':
      return cloudflareProvider({ server, token: config.DDNS_TOKEN!, zone: config.DDNS_ZONE, recordId: config.DDNS_RECORD_ID });
    case 'none':
      return undefined;
  }
}

export type { DdnsProvider, UpdateRequest, UpdateResult } from './types.js';
