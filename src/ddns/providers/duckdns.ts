/** DuckDNS: GET /update?domains=NAME&token=T&ip=…&ipv6=…&verbose=true → "OK\nIP\nIPv6\nUPDATED|NOCHANGE" or "KO". */
import { MINUTE, networkFailure, PROVIDER_TIMEOUT_MS, safeAnswer, type DdnsProvider, type UpdateResult } from './types.js';

export const DUCKDNS_SERVER = 'https://www.duckdns.org';

export function duckdnsProvider(options: { server?: string; token: string }): DdnsProvider {
  const server = options.server ?? DUCKDNS_SERVER;
  return {
    name: 'duckdns',
    async update(request) {
      const params = new URLSearchParams({ domains: request.hostname.replace(/\.duckdns\.org$/i, ''), token: options.token });
      if (request.ipv4) params.set('ip', request.ipv4);
      if (request.ipv6) params.set('ipv6', request.ipv6);
      params.set('verbose', 'true');
      try {
        const response = await fetch(`${server}/update?${params.toString()}`, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
        return interpretDuckdns(response.status, await response.text(), options.token);
      } catch (error) {
        return networkFailure(error);
      }
    },
  };
}

export function interpretDuckdns(status: number, body: string, token: string): UpdateResult {
  const lines = body
    .trim()
    .split('\n')
    .map((l) => l.trim());
  const answer = safeAnswer(lines.filter((l) => l !== '').join(' ') || `HTTP ${status}`, [token]);
  if (status >= 500 || status === 429) return { outcome: 'retry', code: `http-${status}`, answer, retryAfterMs: 10 * MINUTE };
  if (lines[0] === 'OK') {
    const changed = lines.includes('UPDATED') || !lines.includes('NOCHANGE');
    return changed ? { outcome: 'good', code: 'good', answer } : { outcome: 'nochg', code: 'nochg', answer };
  }
  // KO: DuckDNS says nothing more; it means the token or the domain is wrong.
  if (lines[0] === 'KO') return { outcome: 'fatal', code: 'ko', answer };
  return { outcome: 'retry', code: 'unknown', answer, retryAfterMs: 30 * MINUTE };
}
