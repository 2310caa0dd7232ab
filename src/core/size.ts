/**
 * Data sizes as people type them: "50GB", "500 MB", "1GiB", "1.5TB". KB/MB/GB/TB count in 1000s and
 * KiB/MiB/GiB/TiB in 1024s (as the units say); a bare number or B is bytes. Case-insensitive units
 * ("gb", "GiB", "gib"). Negative numbers, unknown units and sizes over 2^53 bytes are refused.
 * Written by hand: the packages that parse sizes treat KB as 1024 or accept units this bot does not offer.
 */
import { UserError } from './errors.js';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Bytes for a size text, or undefined when it is not one. Pure. */
export function parseSizeValue(text: string): number | undefined {
  const m = /^\s*([0-9]{1,15}(?:\.[0-9]{1,6})?)\s*([A-Za-z]{0,3})\s*$/.exec(text);
  if (!m) return undefined;
  const factor = UNITS[(m[2] || 'b').toLowerCase()];
  if (factor === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * factor);
  if (!Number.isSafeInteger(bytes)) return undefined;
  return bytes;
}

/** Like parseSizeValue, with a translated refusal ("size.bad") for anything else (at least 1 byte). */
export function parseSize(text: string): number {
  const bytes = parseSizeValue(text);
  if (bytes === undefined || bytes < 1) throw new UserError('size.bad', { text: text.slice(0, 20) });
  return bytes;
}

/** Bytes in the units the chart and replies use: decimal (MB, GB), as phone plans and quotas are sold. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  if (i === 0) return `${Math.round(v)} B`;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
}
