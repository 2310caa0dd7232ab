/** Traffic history, quotas, connect/disconnect notices and charts (issue 12). */
import * as z from 'zod';
import { integer, list, optionalString } from './fields.js';

export const trafficSchema = z.object({
  /** Seconds between two reads of the interface's counters (0: no sampling, no quotas, no notices). */
  TRAFFIC_SAMPLE_SECONDS: integer(60, 0, 3600),
  /** Seconds between two writes of the history files (totals are saved at every sample). */
  TRAFFIC_FLUSH_SECONDS: integer(300, 1, 24 * 3600),
  /** Day of the month (1–28) on which "month" quotas start again, at 00:00 in TZ. */
  QUOTA_RESET_DAY: integer(1, 1, 28),
  /** Online = a handshake within this many seconds. */
  ONLINE_SECONDS: integer(180, 1, 3600),
  /** Offline only once the last handshake is this much older than ONLINE_SECONDS. */
  OFFLINE_GRACE_SECONDS: integer(120, 0, 3600),
  /** At most one connect/disconnect notice per peer per this many seconds. */
  NOTIFY_DEBOUNCE_SECONDS: integer(600, 0, 24 * 3600),
  /** Time zone of charts and quota months, e.g. Asia/Tokyo; unset: the system's. */
  TZ: optionalString.superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      new Intl.DateTimeFormat('en', { timeZone: v });
    } catch {
      ctx.addIssue({ code: 'custom', message: `unknown time zone "${v}" (e.g. Asia/Tokyo, UTC)` });
    }
  }),
  /** Font files for chart text, Latin first then Japanese; unset: DejaVu Sans and fonts-japanese-gothic.ttf / Noto CJK. */
  CHART_FONTS: list([]),
});
