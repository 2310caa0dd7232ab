import * as z from 'zod';
import { profileError } from '../core/profile.js';
import { boolean, integer, list, optionalString } from './fields.js';

export const wireguardSchema = z.object({
  WG_INTERFACE: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() !== '' ? v.trim() : 'wg0'))
    .pipe(z.string().regex(/^[A-Za-z0-9_=+.-]{1,15}$/, 'expected an interface name of 1-15 letters, digits or _=+.-')),
  WG_CONFIG_DIR: optionalString.transform((v) => v ?? '/etc/wireguard'),
  /** Where the userspace implementation's control socket NAME.sock is reached (install points it at its proxy). */
  WG_UAPI_DIR: optionalString.transform((v) => v ?? '/var/run/wireguard'),
  WG_ENDPOINT: optionalString.pipe(
    z
      .string()
      .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+|[0-9A-Fa-f:]+)(:\d{1,5})?$/, 'expected a host name or IP address, optionally with :port')
      .optional(),
  ),
  WG_PORT: integer(undefined, 1, 65535),
  WG_SUBNET: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'expected an IPv4 CIDR such as 10.6.0.0/24')
      .optional(),
  ),
  WG_SUBNET6: optionalString,
  WG_DNS: list([]),
  WG_CLIENT_ALLOWED_IPS: list(['0.0.0.0/0', '::/0']),
  WG_PERSISTENT_KEEPALIVE: integer(25, 0, 65535),
  WG_MTU: integer(undefined, 1280, 9000),
  /** Write configs without a live interface (trying the bot out); /status says so. */
  WG_OFFLINE: boolean(false),
  KEEP_CLIENT_KEYS: boolean(true),
  /** What a new peer may reach when /addpeer names no profile: full | lan | CIDRs/hosts with ports. */
  WG_DEFAULT_PROFILE: optionalString.transform((v, ctx) => {
    const text = v ?? 'full';
    const problem = profileError(text);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `expected full, lan or addresses/networks with optional :port/tcp|udp (${problem})` });
      return z.NEVER;
    }
    return text;
  }),
  /** The LAN of a "lan" profile; empty: the subnets of the Pi's LAN interfaces. */
  LAN_SUBNETS: list([]).transform((items, ctx) => {
    for (const item of items) {
      if (!/^[0-9A-Fa-f:.]+\/\d{1,3}$/.test(item) || profileError(item))
        ctx.addIssue({ code: 'custom', message: `expected CIDRs such as 192.168.1.0/24, got "${item}"` });
    }
    return items;
  }),
  /** Peers cannot reach each other unless a profile names the other. */
  CLIENT_ISOLATION: boolean(true),
  /** The Pi's per-peer firewall: auto (nftables when nft is there, else iptables), nftables, iptables, off. */
  WG_FIREWALL: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() !== '' ? v.trim().toLowerCase() : 'auto'))
    .pipe(z.enum(['auto', 'nftables', 'iptables', 'off'])),
});
