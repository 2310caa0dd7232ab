/** The HTTP endpoint for Prometheus: GET /metrics, with an optional bearer token. */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from '../config/ops.js';
import type { Logger } from '../log/logger.js';

export interface MetricsServer {
  /** The address actually bound (port 0 in tests gets a free one). */
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export async function startMetricsServer(opts: {
  listen: ListenAddress;
  token?: string;
  render: () => Promise<string>;
  contentType: string;
  logger: Logger;
}): Promise<MetricsServer> {
  const expected = opts.token ? digest(`Bearer ${opts.token}`) : undefined;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="wg-chatops"', 'content-type': 'text/plain' }).end('unauthorized\n');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('see /metrics\n');
      return;
    }
    opts.render().then(
      (text) => res.writeHead(200, { 'content-type': opts.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        opts.logger.warn('metrics: collecting failed', { error });
        res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting failed\n');
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const bound = server.address() as AddressInfo;
  opts.logger.info(`metrics: listening on ${bound.address}:${bound.port}${expected ? ' (bearer token required)' : ''}`);
  return {
    address: { host: bound.address, port: bound.port },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
