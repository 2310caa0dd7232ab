/** A fake No-IP / dyndns2 server: records each /nic/update (hostname, myip, auth, User-Agent) and answers what the test says. */
import { send, startHttpFake } from './http-fake.js';

export interface NoipRequest {
  hostname: string | null;
  myip: string | null;
  myipv6?: string | null;
  /** Basic auth decoded as user:password. */
  auth: string | undefined;
  userAgent: string | undefined;
  path: string;
}

export async function startNoipServer() {
  /** What the next request is answered; a function gets the request. Default: good with the address. */
  let answer: (r: NoipRequest) => { status: number; body: string } = (r) => ({ status: 200, body: `good ${r.myip}` });
  const updates: NoipRequest[] = [];
  const fake = await startHttpFake((req, res) => {
    const header = req.headers.authorization;
    const auth = header?.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : undefined;
    const r: NoipRequest = {
      hostname: req.query.get('hostname'),
      myip: req.query.get('myip'),
      myipv6: req.query.get('myipv6'),
      auth,
      userAgent: req.headers['user-agent'],
      path: req.path,
    };
    updates.push(r);
    const { status, body } = answer(r);
    send(res, status, body);
  });
  return {
    ...fake,
    updates,
    /** Answer every later request with this body (and status, 200 by default). */
    answerWith(body: string | ((r: NoipRequest) => string), status = 200) {
      answer = (r) => ({ status, body: typeof body === 'function' ? body(r) : body });
    },
  };
}
export type NoipServer = Awaited<ReturnType<typeof startNoipServer>>;
