/** Operations: the metrics endpoint, health checks and backups (issue 15). */
import * as z from 'zod';
import { integer, optionalString } from './fields.js';

/** "host:port" or "[v6]:port"; the host is required so that an address is never chosen implicitly. */
export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListen(value: string): ListenAddress | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2])!, port };
}

/** 127.0.0.0/8, ::1 and "localhost": only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export const opsSchema = z
  .object({
    /** host:port of the Prometheus endpoint, e.g. 127.0.0.1:9586; empty: no listener. */
    METRICS_LISTEN: optionalString.transform((v, ctx) => {
      if (v === undefined || v.toLowerCase() === 'off') return undefined;
      const parsed = parseListen(v);
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: `expected host:port such as 127.0.0.1:9586, got "${v}"` });
        return z.NEVER;
      }
      return parsed;
    }),
    /** Bearer token asked of scrapers; required when METRICS_LISTEN is not a loopback address. */
    METRICS_TOKEN: optionalString,
    /** Seconds between health checks of the Pi (disk, read-only root, clock, temperature, interface). */
    HEALTH_CHECK_INTERVAL: integer(300, 10, 24 * 3600),
    /** How often the automatic backup is sent to admins who asked for it (/backup auto on). */
    BACKUP_SCHEDULE: optionalString.transform((v, ctx) => {
      const s = (v ?? 'weekly').toLowerCase();
      if (s === 'weekly' || s === 'daily' || s === 'off') return s;
      ctx.addIssue({ code: 'custom', message: `expected weekly, daily or off, got "${v}"` });
      return z.NEVER;
    }),
  })
  .superRefine((v, ctx) => {
    if (v.METRICS_LISTEN && !isLoopbackHost(v.METRICS_LISTEN.host) && !v.METRICS_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['METRICS_LISTEN'],
        message: `${v.METRICS_LISTEN.host} is not a loopback address: set METRICS_TOKEN (scrapers send it as a bearer token), or listen on 127.0.0.1`,
      });
    }
    if (v.METRICS_TOKEN && v.METRICS_TOKEN.length < 16) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_TOKEN'], message: 'must be at least 16 characters (e.g. openssl rand -hex 16)' });
    }
  });
