/**
 * The little of `fetch` that grammY uses (POST a string or a stream, read JSON back, abort), over
 * node:http/https with keep-alive. Why: grammY's Node build loads node-fetch (+ whatwg-url, tr46) and
 * Node's own fetch loads undici; either costs 12-16 MiB of resident memory on a 512 MiB Pi. With this
 * and grammY's web build the bot stays well under its memory budget.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { once } from 'node:events';

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | AsyncIterable<Uint8Array> | null;
  signal?: AbortSignal | null;
}

export interface FetchResponse {
  status: number;
  ok: boolean;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export type MiniFetch = (url: string | URL, init?: FetchInit) => Promise<FetchResponse>;

export function createNodeFetch(): MiniFetch {
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true });
  return (url, init = {}) =>
    new Promise<FetchResponse>((resolve, reject) => {
      const target = new URL(String(url));
      const secure = target.protocol === 'https:';
      const signal = init.signal ?? undefined;
      const onAbort = () => req.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
      const done = () => signal?.removeEventListener('abort', onAbort);
      const req = (secure ? httpsRequest : httpRequest)(
        target,
        { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: secure ? httpsAgent : httpAgent },
        (res) => {
          readAll(res).then(
            (body) => {
              done();
              resolve(response(res.statusCode ?? 0, body));
            },
            (error: unknown) => {
              done();
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          );
        },
      );
      req.on('error', (error) => {
        done();
        reject(error);
      });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const body = init.body;
      if (body === undefined || body === null) req.end();
      else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
      else void pipeBody(req, body);
    });
}

async function pipeBody(req: ReturnType<typeof httpRequest>, body: AsyncIterable<Uint8Array>): Promise<void> {
  try {
    for await (const chunk of body) if (!req.write(chunk)) await once(req, 'drain');
    req.end();
  } catch (error) {
    req.destroy(error as Error);
  }
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function response(status: number, body: string): FetchResponse {
  return {
    status,
    ok: status >= 200 && status < 300,
    text: async () => body,
    json: async () => {
      try {
        return JSON.parse(body) as unknown;
      } catch (error) {
        // A proxy's HTML error page in front of a Bot API server: still an API error, so 5xx gets retried.
        if (status >= 500) return { ok: false, error_code: status, description: `HTTP ${status} from the Bot API server` };
        throw error;
      }
    },
  };
}
