/**
 * Public IP watch and dynamic DNS. Cross-checks (which provider needs which variable) live in
 * superRefine so every error names the variable at fault.
 */
import * as z from 'zod';
import { boolean, httpUrl, integer, list, optionalString } from './fields.js';

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** host:port, [v6]:port or a bare address (port 53 assumed). */
const RESOLVER = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]+)(:\d{1,5})?$/;

export const ddnsProviders = ['noip', 'duckdns', 'cloudflare', 'dyndns2', 'none'] as const;
export type DdnsProviderName = (typeof ddnsProviders)[number];

/** One PUBLIC_IP_SOURCES entry: an http(s) URL answering the address as text, or dns://SERVER/NAME; "ipv6:" prefix for IPv6. */
export function checkSourceSpec(spec: string): string | undefined {
  const body = spec.replace(/^ipv[46]:/, '');
  try {
    const url = new URL(body);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
    if (url.protocol === 'dns:' && url.hostname !== '' && url.pathname.length > 1) return undefined;
  } catch {
    // fall through
  }
  return `expected http(s) URLs or dns://SERVER/NAME (optionally prefixed ipv4: or ipv6:), or "none"; got "${spec}"`;
}

export const ddnsSchema = z
  .object({
    DDNS_PROVIDER: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== '' ? v.trim().toLowerCase() : 'none'))
      .pipe(z.enum(ddnsProviders, { message: `expected one of ${ddnsProviders.join(', ')}` })),
    /** The AAAA record: auto (when the Pi has a global IPv6 address), on, off. */
    DDNS_IPV6: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== '' ? v.trim().toLowerCase() : 'auto'))
      .pipe(z.enum(['auto', 'on', 'off'])),
    DDNS_HOSTNAME: optionalString.pipe(z.string().regex(HOSTNAME, 'expected a host name such as myhome.ddns.net').optional()),
    DDNS_USERNAME: optionalString,
    DDNS_PASSWORD: optionalString,
    DDNS_TOKEN: optionalString,
    /** Cloudflare: the zone name (example.com) or id; found from the host name when empty. */
    DDNS_ZONE: optionalString,
    /** Cloudflare: the DNS record id; found by name when empty. */
    DDNS_RECORD_ID: optionalString,
    /** Base URL replacing the provider's default server (self-hosted dyndns2, tests). */
    DDNS_SERVER: httpUrl(),
    /** DNS server used to check what DDNS_HOSTNAME resolves to (default: the system's). */
    DDNS_RESOLVER: optionalString.pipe(z.string().regex(RESOLVER, 'expected an IP address, optionally with :port').optional()),
    /** Send an update even without a change after this many days (0: never). */
    DDNS_KEEPALIVE_DAYS: integer(25, 0, 365).pipe(z.number()),
    /** Remind admins to confirm a free No-IP hostname before its 30 days run out. */
    NOIP_CONFIRM_REMINDER: boolean(true),
    PUBLIC_IP_SOURCES: list([]).transform((v, ctx) => {
      if (v.length === 1 && v[0]!.toLowerCase() === 'none') return 'none' as const;
      for (const spec of v) {
        const problem = checkSourceSpec(spec);
        if (problem) {
          ctx.addIssue({ code: 'custom', message: problem });
          return z.NEVER;
        }
      }
      return v.length === 0 ? ('default' as const) : v;
    }),
    IP_CHECK_INTERVAL: integer(300, 1, 7 * 24 * 3600).pipe(z.number()),
    /** The router's NAT-PMP address for reading its WAN address (default: the default gateway; "none" to skip). */
    NATPMP_GATEWAY: optionalString.pipe(
      z
        .string()
        .regex(/^(none|(\d{1,3}(\.\d{1,3}){3})(:\d{1,5})?)$/, 'expected an IPv4 address, optionally with :port, or "none"')
        .optional(),
    ),
  })
  .superRefine((c, ctx) => {
    const need = (variable: keyof typeof c, why: string) => {
      if (c[variable] === undefined) ctx.addIssue({ code: 'custom', path: [variable], message: `is required ${why}` });
    };
    const p = c.DDNS_PROVIDER;
    if (p === 'none') return;
    if (c.PUBLIC_IP_SOURCES === 'none') {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_IP_SOURCES'], message: `is "none" but DDNS_PROVIDER=${p} needs the public IP watch` });
    }
    need('DDNS_HOSTNAME', `when DDNS_PROVIDER=${p}`);
    if (p === 'noip' || p === 'dyndns2') {
      need('DDNS_USERNAME', `when DDNS_PROVIDER=${p}`);
      need('DDNS_PASSWORD', `when DDNS_PROVIDER=${p}`);
    }
    if (p === 'dyndns2') need('DDNS_SERVER', "when DDNS_PROVIDER=dyndns2 (your provider's update server, e.g. https://members.dyndns.org)");
    if (p === 'duckdns') {
      need('DDNS_TOKEN', 'when DDNS_PROVIDER=duckdns (the token shown on duckdns.org)');
      if (c.DDNS_HOSTNAME && c.DDNS_HOSTNAME.includes('.') && !c.DDNS_HOSTNAME.toLowerCase().endsWith('.duckdns.org')) {
        ctx.addIssue({ code: 'custom', path: ['DDNS_HOSTNAME'], message: 'expected NAME or NAME.duckdns.org for DuckDNS' });
      }
    }
    if (p === 'cloudflare') need('DDNS_TOKEN', 'when DDNS_PROVIDER=cloudflare (an API token with Zone:DNS:Edit)');
  });

export type DdnsConfig = z.output<typeof ddnsSchema>;
