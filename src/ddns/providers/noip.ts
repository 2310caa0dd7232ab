import { dyndns2Update } from './dyndns2-protocol.js';
import type { DdnsProvider } from './types.js';

export const NOIP_SERVER = 'https://dynupdate.no-ip.com';

export function noipProvider(options: { server?: string; username: string; password: string; userAgent: string }): DdnsProvider {
  const server = options.server ?? NOIP_SERVER;
  return {
    name: 'noip',
    update: (request) => dyndns2Update({ ...options, server, dualStackMyip: true }, request),
  };
}
