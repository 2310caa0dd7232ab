/** A fake DuckDNS: records /update requests and answers OK (verbose) or KO. */
import { send, startHttpFake } from './http-fake.js';

export async function startDuckdnsServer(token: string) {
  const current = new Map<string, string>();
  const fake = await startHttpFake((req, res) => {
    if (req.path !== '/update' || req.query.get('token') !== token) return send(res, 200, 'KO');
    const domain = req.query.get('domains') ?? '';
    const ip = req.query.get('ip') ?? '';
    const changed = current.get(domain) !== ip;
    current.set(domain, ip);
    const verbose = req.query.get('verbose') === 'true';
    send(res, 200, verbose ? `OK\n${ip}\n${req.query.get('ipv6') ?? ''}\n${changed ? 'UPDATED' : 'NOCHANGE'}` : 'OK');
  });
  return { ...fake, current };
}
