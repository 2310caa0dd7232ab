/** How /peers and /status show peers' ends (in the bot's time zone). */
import { formatEnd } from '../../src/core/duration.js';
import type { PeerView } from '../../src/core/peer-types.js';
import type { Translate } from '../../src/core/translate.js';

/** "expired 2026-12-31 23:59" for a peer its end switched off, "ends …" for one that has an end; else nothing. */
export function endNote(t: Translate, p: PeerView, timeZone: string): string | undefined {
  const at = p.meta?.expiresAt;
  if (!p.entry.enabled) return p.meta?.disabledReason === 'expired' && at ? t('peers.expired', { end: formatEnd(new Date(at), timeZone) }) : undefined;
  return at ? t('peers.ends', { end: formatEnd(new Date(at), timeZone) }) : undefined;
}

/** The /status lines about ends: how many peers expired, and which visible peer ends next. */
export function endLines(t: Translate, all: readonly PeerView[], visible: readonly PeerView[], timeZone: string): string[] {
  const lines: string[] = [];
  const expired = all.filter((p) => !p.entry.enabled && p.meta?.disabledReason === 'expired').length;
  if (expired > 0) lines.push(t('status.expired', { count: expired }));
  const next = visible.filter((p) => p.entry.enabled && p.meta?.expiresAt).sort((a, b) => Date.parse(a.meta!.expiresAt!) - Date.parse(b.meta!.expiresAt!))[0];
  if (next) lines.push(t('status.nextEnd', { name: next.entry.name, end: formatEnd(new Date(next.meta!.expiresAt!), timeZone) }));
  return lines;
}
