/**
 * Deciding the public address from several independent answers. Pure: the property tests pin down
 * that one wrong, slow or broken source can never produce (or change) the result on its own.
 */
import { isIPv4, isPublicIPv4, isPublicIPv6, formatIPv6, parseIPv6 } from '../core/ip.js';
import type { IpFamily } from '../core/ip-watch.js';

export type SourceAnswer = { source: string; answer: string } | { source: string; error: string };

export type Consensus = { ok: true; address: string; agreeing: string[] } | { ok: false; reason: 'no-answer' | 'no-agreement'; detail: string };

/** The canonical text of a public address of the family, or undefined (private, malformed, other family). */
export function normalisePublic(text: string, family: IpFamily): string | undefined {
  const s = text.trim();
  if (family === 4) return isIPv4(s) && isPublicIPv4(s) ? s : undefined;
  if (!isPublicIPv6(s)) return undefined;
  return formatIPv6(parseIPv6(s));
}

/**
 * An address counts when it is a public address of the family and at least two sources gave it,
 * more than gave any other address; with a single configured source, its answer is enough.
 */
export function decide(answers: readonly SourceAnswer[], family: IpFamily, configured: number): Consensus {
  const votes = new Map<string, string[]>();
  const rejected: string[] = [];
  for (const a of answers) {
    if ('error' in a) {
      rejected.push(`${a.source}: ${a.error}`);
      continue;
    }
    const address = normalisePublic(a.answer, family);
    if (address === undefined) {
      rejected.push(`${a.source}: not a public IPv${family} address`);
      continue;
    }
    votes.set(address, [...(votes.get(address) ?? []), a.source]);
  }
  if (votes.size === 0) return { ok: false, reason: 'no-answer', detail: rejected.join('; ') || 'no sources' };

  const ranked = [...votes.entries()].sort((x, y) => y[1].length - x[1].length);
  const [address, agreeing] = ranked[0]!;
  const runnerUp = ranked[1]?.[1].length ?? 0;
  const needed = configured <= 1 ? 1 : 2;
  if (agreeing.length >= needed && agreeing.length > runnerUp) {
    return { ok: true, address, agreeing: [...agreeing].sort() };
  }
  const seen = ranked.map(([addr, srcs]) => `${addr} (${srcs.length})`).join(', ');
  return { ok: false, reason: 'no-agreement', detail: `${seen}${rejected.length ? `; ${rejected.join('; ')}` : ''}` };
}
