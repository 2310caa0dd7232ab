import { isIP } from 'node:net';
import * as z from 'zod';
import { httpUrl, integer, list, optionalString } from './fields.js';

export const slackSchema = z.object({
  SLACK_BOT_TOKEN: optionalString.pipe(z.string().startsWith('xoxb-', 'expected a bot token starting with xoxb-').optional()),
  SLACK_APP_TOKEN: optionalString.pipe(z.string().startsWith('xapp-', 'expected an app-level token starting with xapp-').optional()),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_ADMIN_IDS: list([]).pipe(z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected Slack user ids such as U01ABCDEF, comma-separated'))),
  SLACK_API_URL: httpUrl(undefined),
  /** HTTP mode only (no SLACK_APP_TOKEN): the port Bolt listens on. */
  SLACK_PORT: integer(3000, 1, 65535),
  /**
   * HTTP mode only: the address Bolt listens on. Loopback by default: Slack needs HTTPS, so a TLS
   * proxy on the same host (Caddy, nginx) forwards to it; 0.0.0.0 or :: only on purpose.
   */
  SLACK_BIND: optionalString.pipe(
    z
      .string()
      .refine((v) => isIP(v) !== 0, 'expected an IP address to listen on, such as 127.0.0.1, ::1 or 0.0.0.0')
      .optional()
      .transform((v) => v ?? '127.0.0.1'),
  ),
});
