import { networkInterfaces } from 'node:os';
import { isPublicIPv6 } from '../core/ip.js';
import type { IpFamily } from '../core/ip-watch.js';
import { decide, type Consensus, type SourceAnswer } from './consensus.js';
import type { PublicIpSource } from './sources.js';

/** Asks every source of one family at once; a slow source costs at most timeoutMs, never a wrong answer. */
export async function detectPublicIp(sources: readonly PublicIpSource[], family: IpFamily, timeoutMs: number): Promise<Consensus> {
  const mine = sources.filter((s) => s.family === family);
  const answers = await Promise.all(
    mine.map(async (s): Promise<SourceAnswer> => {
      try {
        return { source: s.name, answer: await s.ask(timeoutMs) };
      } catch (error) {
        const e = error as Error;
        return { source: s.name, error: e.name === 'TimeoutError' ? 'timed out' : e.message };
      }
    }),
  );
  return decide(answers, family, mine.length);
}

/** A global IPv6 address on some interface: the cheap stand-in for "the host has a global IPv6 route". */
export function hasGlobalIPv6(): boolean {
  return globalIPv6() !== undefined;
}

/** A global IPv6 address of this machine's interfaces, if it has one. */
export function globalIPv6(): string | undefined {
  return Object.values(networkInterfaces())
    .flatMap((addrs) => addrs ?? [])
    .find((a) => a.family === 'IPv6' && !a.internal && isPublicIPv6(a.address))?.address;
}
