import type { DdnsOutcome } from '../../core/ip-watch.js';

export interface UpdateRequest {
  hostname: string;
  ipv4?: string;
  ipv6?: string;
}

export interface UpdateResult {
  /** good: changed; nochg: already current; fatal: stop until the configuration changes; retry: back off. */
  outcome: DdnsOutcome;
  /** A short machine code: good, nochg, badauth, 911, http-503, network… (also the catalogue key suffix). */
  code: string;
  /** The provider's answer as safe plain text (no secrets, no control characters, bounded length). */
  answer: string;
  /** The least time to wait before the next attempt (911: 30 minutes). */
  retryAfterMs?: number;
}

/** One dynamic-DNS service: push the current addresses of one host name. Never throws for provider or network trouble. */
export interface DdnsProvider {
  readonly name: string;
  update(request: UpdateRequest): Promise<UpdateResult>;
}

export const PROVIDER_TIMEOUT_MS = 15_000;
export const MINUTE = 60_000;

/** Provider text is shown in chat: strip control characters, bound it, and mask anything secret. */
export function safeAnswer(text: string, secrets: (string | undefined)[] = []): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
  let out = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim();
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

export function networkFailure(error: unknown): UpdateResult {
  const e = error as Error;
  const answer = e.name === 'TimeoutError' ? 'no answer (timed out)' : `${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}`;
  return { outcome: 'retry', code: 'network', answer: safeAnswer(answer), retryAfterMs: 5 * MINUTE };
}
