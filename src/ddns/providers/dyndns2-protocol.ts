/**
 * The dyndns2 update protocol (No-IP's /nic/update and the many services that copied it):
 * GET /nic/update?hostname=H&myip=IP with Basic auth and a descriptive User-Agent, one answer line per host.
 */
import { MINUTE, networkFailure, PROVIDER_TIMEOUT_MS, safeAnswer, type UpdateRequest, type UpdateResult } from './types.js';

export interface Dyndns2Options {
  /** Base URL; /nic/update is appended. */
  server: string;
  username: string;
  password: string;
  userAgent: string;
  /** No-IP accepts "v4,v6" in myip; plain dyndns2 servers get IPv4 in myip and IPv6 in myipv6. */
  dualStackMyip: boolean;
}

/** Answers that mean "the configuration is wrong": the provider asks clients to stop until a person fixes it. */
const FATAL = new Set(['badauth', 'nohost', 'badagent', '!donator', 'abuse', 'notfqdn', 'numhost', 'dnserr', '!yours', 'badsys']);

export function interpretDyndns2(status: number, body: string, secrets: string[]): UpdateResult {
  const line = body.trim().split('\n')[0]?.trim() ?? '';
  const answer = safeAnswer(line || `HTTP ${status}`, secrets);
  const code = line.split(/\s+/)[0]?.toLowerCase() ?? '';
  if (code === 'good') return { outcome: 'good', code, answer };
  if (code === 'nochg') return { outcome: 'nochg', code, answer };
  if (FATAL.has(code)) return { outcome: 'fatal', code, answer };
  // 911: the provider's own trouble; No-IP asks for at least 30 minutes before the next try.
  if (code === '911') return { outcome: 'retry', code, answer, retryAfterMs: 30 * MINUTE };
  if (status === 401 || status === 403) return { outcome: 'fatal', code: 'badauth', answer };
  if (status >= 500 || status === 429) return { outcome: 'retry', code: `http-${status}`, answer, retryAfterMs: 10 * MINUTE };
  return { outcome: 'retry', code: 'unknown', answer, retryAfterMs: 30 * MINUTE };
}

export function dyndns2Url(options: Dyndns2Options, request: UpdateRequest): string {
  const addresses = [request.ipv4, request.ipv6].filter((a): a is string => a !== undefined);
  const myip = options.dualStackMyip ? addresses.join(',') : (addresses[0] ?? '');
  const params = new URLSearchParams({ hostname: request.hostname });
  if (myip) params.set('myip', myip);
  // Plain dyndns2 servers that keep an AAAA record take it as myipv6 (ddnss, dynv6, Dynu, inadyn's servers…).
  if (!options.dualStackMyip && request.ipv6) {
    if (request.ipv4) params.set('myipv6', request.ipv6);
    else params.set('myip', request.ipv6);
  }
  return `${options.server}/nic/update?${params.toString().replace(/%2C/g, ',')}`;
}

export async function dyndns2Update(options: Dyndns2Options, request: UpdateRequest): Promise<UpdateResult> {
  const auth = Buffer.from(`${options.username}:${options.password}`).toString('base64');
  try {
    const response = await fetch(dyndns2Url(options, request), {
      headers: { authorization: `Basic ${auth}`, 'user-agent': options.userAgent },
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    const body = await response.text();
    return interpretDyndns2(response.status, body, [options.password, auth]);
  } catch (error) {
    return networkFailure(error);
  }
}
