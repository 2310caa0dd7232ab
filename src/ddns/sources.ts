/**
 * Public IP sources: each answers "what address do you see me coming from" as plain text.
 * An http(s) URL (echo services) or dns://SERVER/NAME (OpenDNS's myip.opendns.com, as PiVPN does).
 */
import { Resolver } from 'node:dns/promises';
import type { IpFamily } from '../core/ip-watch.js';
import { readBoundedText } from '../net/bounded-body.js';

export interface PublicIpSource {
  /** Shown in /ip and logs: the URL (never carries secrets). */
  readonly name: string;
  readonly family: IpFamily;
  /** The raw answer, trimmed; rejects on network errors, bad status or timeout. */
  ask(timeoutMs: number): Promise<string>;
}

export const DEFAULT_SOURCES: readonly string[] = [
  'https://api.ipify.org',
  'https://ipv4.icanhazip.com',
  'https://checkip.amazonaws.com',
  'dns://208.67.222.222/myip.opendns.com',
  'ipv6:https://api6.ipify.org',
  'ipv6:https://ipv6.icanhazip.com',
  'ipv6:dns://[2620:119:35::35]/myip.opendns.com',
];

/** Answers longer than this are not an address; stop reading (a misbehaving source must not eat memory). */
const MAX_ANSWER = 256;

export function parseSourceSpec(spec: string): PublicIpSource {
  const family: IpFamily = spec.startsWith('ipv6:') ? 6 : 4;
  const body = spec.replace(/^ipv[46]:/, '');
  const url = new URL(body);
  if (url.protocol === 'dns:') return dnsSource(url, family, body);
  return httpSource(body, family);
}

function httpSource(url: string, family: IpFamily): PublicIpSource {
  return {
    name: url,
    family,
    async ask(timeoutMs) {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'text/plain', 'user-agent': 'wg-chatops' },
        redirect: 'follow',
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      const text = (await readBoundedText(response, MAX_ANSWER)).trim();
      return text;
    },
  };
}

function dnsSource(url: URL, family: IpFamily, name: string): PublicIpSource {
  // URL keeps IPv6 hosts bracketed; node:dns wants "[v6]:port" or a bare address.
  const host = url.hostname;
  const server = url.port ? `${host}:${url.port}` : host.replace(/^\[(.*)\]$/, '$1');
  const question = url.pathname.replace(/^\/+/, '');
  return {
    name,
    family,
    async ask(timeoutMs) {
      const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
      resolver.setServers([server]);
      const timer = setTimeout(() => resolver.cancel(), timeoutMs);
      try {
        const answers = family === 4 ? await resolver.resolve4(question) : await resolver.resolve6(question);
        if (answers.length !== 1) throw new Error(`expected one address, got ${answers.length}`);
        return answers[0]!;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
