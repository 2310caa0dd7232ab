import * as z from 'zod';
import { isTimeZone } from '../core/duration.js';
import { integer, list, optionalString } from './fields.js';

export const botSchema = z.object({
  DATA_DIR: optionalString,
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() !== '' ? v.trim().toLowerCase() : 'info'))
    .pipe(z.enum(['debug', 'info', 'warn', 'error'])),
  /** Peers a non-admin may own. */
  MAX_PEERS_PER_USER: integer(3, 0, 1000),
  /** Commands per minute for a non-admin (admins are never limited). */
  RATE_LIMIT_PER_MINUTE: integer(10, 1, 10_000),
  /** How long an approval request stays open. */
  REQUEST_TTL_SECONDS: integer(24 * 3600, 60, 30 * 24 * 3600),
  /** Messages carrying a config or QR are deleted after this long; 0 keeps them. */
  SECRET_TTL_SECONDS: integer(15 * 60, 0, 48 * 3600),
  /** How long /revoke's Undo button works. */
  UNDO_SECONDS: integer(300, 0, 24 * 3600),
  /** Extra admins by user key (platform:id), e.g. console:local is always admin. */
  ADMIN_KEYS: list([]),
  /** The language used when a platform does not tell us the user's (en or ja). */
  BOT_LANGUAGE: optionalString.pipe(z.enum(['en', 'ja']).optional()),
  LANG: optionalString,
  /** The time zone dates are read and shown in (/addpeer NAME 2026-12-31, /peers); unset: the system's. */
  TZ: optionalString.pipe(z.string().refine(isTimeZone, 'expected an IANA time zone such as Asia/Tokyo or Europe/London').optional()),
});
