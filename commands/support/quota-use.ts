import type { CommandContext } from '../../src/core/command.js';
import type { PeerView } from '../../src/core/peer-service.js';
import type { TrafficCommands } from '../../src/core/services.js';
import { formatSize } from '../../src/core/size.js';
import type { Translate } from '../../src/core/translate.js';
import { quotaMonthKey, zoneOffsetMinutes, type PeerTraffic } from '../../src/core/traffic.js';

/** A peer's use of its quota now (undefined: no quota). */
export function quotaUse(tc: TrafficCommands, rec: PeerTraffic | undefined, now: Date): { used: number; limit: number; percent: number } | undefined {
  if (!rec?.quota) return undefined;
  const s = tc.service.settings;
  const month = quotaMonthKey(now.getTime(), s.quotaResetDay, (ms) => zoneOffsetMinutes(s.timeZone, ms));
  const used = rec.quota.period === 'total' ? rec.total.rx + rec.total.tx : rec.month.key === month ? rec.month.used : 0;
  return { used, limit: rec.quota.bytes, percent: Math.floor((used / rec.quota.bytes) * 100) };
}

/** ", quota 1.2 GB / 5 GB (24 %)" for /peers and /status; "" without a quota. */
export function quotaText(t: Translate, tc: TrafficCommands | undefined, publicKey: string, now: Date): string {
  if (!tc) return '';
  const use = quotaUse(tc, tc.service.record(publicKey), now);
  if (!use) return '';
  return `, ${t('quota.use', { used: formatSize(use.used), limit: formatSize(use.limit), percent: use.percent })}${use.used >= use.limit ? ` — ${t('quota.over')}` : ''}`;
}

/** /status: "Quotas: 3 set, 1 reached." (the asker's own peers for a user); "" when none is set. */
export function quotaSummary(ctx: CommandContext, views: readonly PeerView[]): string {
  const tc = ctx.services.traffic;
  if (!tc) return '';
  const mine = views.filter((v) => ctx.actor.role === 'admin' || v.meta?.owner === ctx.actor.key);
  const uses = mine.map((v) => quotaUse(tc, tc.service.record(v.entry.publicKey), ctx.now())).filter((u) => u !== undefined);
  if (uses.length === 0) return '';
  return ctx.t('quota.status', { count: uses.length, reached: uses.filter((u) => u.used >= u.limit).length });
}
