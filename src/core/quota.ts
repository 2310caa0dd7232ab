/**
 * Data quotas, pure. A quota counts received plus sent bytes, over the peer's whole history ("total") or
 * since the start of the quota month ("month", see quotaMonthKey). The owner is warned once at 80 %; at
 * 100 % the peer is disabled once per period (an admin who enables it again is not overruled until the
 * next period, or until a new /quota).
 */
export type QuotaPeriod = 'month' | 'total';

export interface Quota {
  bytes: number;
  period: QuotaPeriod;
}

/** What was already done in a period. */
export interface QuotaFlags {
  /** The month key, or "total". */
  periodKey: string;
  warned: boolean;
  disabled: boolean;
}

export type QuotaAction = 'warn' | 'disable';

export const WARN_FRACTION = 0.8;

/** `used`: bytes counted in `periodKey` so far; `enabled`: whether the peer is enabled now. */
export function stepQuota(
  quota: Quota,
  flags: QuotaFlags | undefined,
  periodKey: string,
  used: number,
  enabled: boolean,
): { flags: QuotaFlags; actions: QuotaAction[] } {
  const next: QuotaFlags = flags && flags.periodKey === periodKey ? { ...flags } : { periodKey, warned: false, disabled: false };
  const actions: QuotaAction[] = [];
  if (used >= quota.bytes) {
    if (!next.disabled && enabled) actions.push('disable');
    next.disabled = true;
    next.warned = true;
  } else if (used >= quota.bytes * WARN_FRACTION && !next.warned) {
    actions.push('warn');
    next.warned = true;
  }
  return { flags: next, actions };
}
