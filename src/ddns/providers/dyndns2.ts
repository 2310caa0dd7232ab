import { dyndns2Update } from './dyndns2-protocol.js';
import type { DdnsProvider } from './types.js';

/** Any service speaking dyndns2 (Dyn, Google-style, ddnss, self-hosted…); DDNS_SERVER is required. */
export function dyndns2Provider(options: { server: string; username: string; password: string; userAgent: string }): DdnsProvider {
  return {
    name: 'dyndns2',
    update: (request) => dyndns2Update({ ...options, dualStackMyip: false }, request),
  };
}
