/**
 * Cloudflare API v4 with a Bearer token: find the zone and the A/AAAA record, then PATCH its content.
 * proxied stays false: Cloudflare's proxy carries HTTP(S) only, and WireGuard is UDP.
 */
import { MINUTE, networkFailure, PROVIDER_TIMEOUT_MS, safeAnswer, type DdnsProvider, type UpdateResult } from './types.js';

export const CLOUDFLARE_SERVER = 'https://api.cloudflare.com/client/v4';

interface Envelope<T> {
  success: boolean;
  errors?: { code: number; message: string }[];
  result: T;
}
interface DnsRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  proxied?: boolean;
}

/** A failed API call, already classified. */
class CloudflareFailure extends Error {
  constructor(readonly result: UpdateResult) {
    super(result.answer);
  }
}

export interface CloudflareOptions {
  server?: string;
  token: string;
  /** Zone id (32 hex) or zone name; when absent, the host name's parent domains are tried. */
  zone?: string;
  /** Record id of the A record, skipping the lookup. */
  recordId?: string;
}

export function cloudflareProvider(options: CloudflareOptions): DdnsProvider {
  const server = options.server ?? CLOUDFLARE_SERVER;
  let zoneId: string | undefined = options.zone && /^[0-9a-f]{32}$/i.test(options.zone) ? options.zone : undefined;

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${server}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    let envelope: Envelope<T> | undefined;
    try {
      envelope = (await response.json()) as Envelope<T>;
    } catch {
      envelope = undefined;
    }
    if (response.ok && envelope?.success) return envelope.result;
    const message = envelope?.errors?.map((e) => `${e.code} ${e.message}`).join('; ') || `HTTP ${response.status}`;
    const answer = safeAnswer(message, [options.token]);
    if (response.status === 401 || response.status === 403) throw new CloudflareFailure({ outcome: 'fatal', code: 'cf-auth', answer });
    if (response.status >= 500 || response.status === 429) {
      throw new CloudflareFailure({ outcome: 'retry', code: `http-${response.status}`, answer, retryAfterMs: 10 * MINUTE });
    }
    throw new CloudflareFailure({ outcome: 'fatal', code: 'cf-request', answer });
  }

  async function findZone(hostname: string): Promise<string> {
    if (zoneId) return zoneId;
    const candidates = options.zone ? [options.zone] : parentDomains(hostname);
    for (const name of candidates) {
      const zones = await api<{ id: string }[]>('GET', `/zones?name=${encodeURIComponent(name)}`);
      if (zones[0]) return (zoneId = zones[0].id);
    }
    throw new CloudflareFailure({
      outcome: 'fatal',
      code: 'cf-no-zone',
      answer: `no zone found for ${hostname} (tried ${candidates.join(', ')})`,
    });
  }

  async function setRecord(zone: string, type: 'A' | 'AAAA', hostname: string, address: string): Promise<boolean> {
    let record: DnsRecord | undefined;
    if (type === 'A' && options.recordId) {
      record = await api<DnsRecord>('GET', `/zones/${zone}/dns_records/${options.recordId}`);
    } else {
      const found = await api<DnsRecord[]>('GET', `/zones/${zone}/dns_records?type=${type}&name=${encodeURIComponent(hostname)}`);
      record = found[0];
    }
    if (!record) {
      await api('POST', `/zones/${zone}/dns_records`, { type, name: hostname, content: address, ttl: 1, proxied: false });
      return true;
    }
    if (record.content === address && record.proxied !== true) return false;
    await api('PATCH', `/zones/${zone}/dns_records/${record.id}`, { content: address, proxied: false });
    return true;
  }

  return {
    name: 'cloudflare',
    async update(request) {
      try {
        const zone = await findZone(request.hostname);
        let changed = false;
        if (request.ipv4) changed = (await setRecord(zone, 'A', request.hostname, request.ipv4)) || changed;
        if (request.ipv6) changed = (await setRecord(zone, 'AAAA', request.hostname, request.ipv6)) || changed;
        const shown = [request.ipv4, request.ipv6].filter(Boolean).join(', ');
        return changed ? { outcome: 'good', code: 'good', answer: `updated ${shown}` } : { outcome: 'nochg', code: 'nochg', answer: `already ${shown}` };
      } catch (error) {
        if (error instanceof CloudflareFailure) return error.result;
        return networkFailure(error);
      }
    },
  };
}

/** vpn.home.example.com → home.example.com, example.com (a zone has at least two labels). */
export function parentDomains(hostname: string): string[] {
  const labels = hostname.split('.');
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out;
}
