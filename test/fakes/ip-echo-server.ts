/** Fake "what is my IP" services: each path is one source whose answer the test sets (or makes hang). */
import { send, startHttpFake } from './http-fake.js';

export type EchoAnswer = string | { hang: true } | { status: number };

export async function startIpEcho() {
  const answers = new Map<string, EchoAnswer>();
  const fake = await startHttpFake((req, res) => {
    const answer = answers.get(req.path) ?? { status: 404 };
    if (typeof answer === 'string') return send(res, 200, `${answer}\n`);
    if ('hang' in answer) return; // never answers: the client's timeout must handle it
    send(res, answer.status, 'error');
  });
  return {
    ...fake,
    /** The URL of source NAME. */
    url: (name: string) => `${fake.base}/${name}`,
    set(name: string, answer: EchoAnswer) {
      answers.set(`/${name}`, answer);
    },
    /** Every named source answers the same address. */
    setAll(names: string[], answer: EchoAnswer) {
      for (const n of names) answers.set(`/${n}`, answer);
    },
  };
}
export type IpEcho = Awaited<ReturnType<typeof startIpEcho>>;
