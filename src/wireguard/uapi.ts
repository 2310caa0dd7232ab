import { connect } from 'node:net';
import { join } from 'node:path';
import { ToolError } from '../core/errors.js';
import type { LiveInterface, LivePeer } from '../core/ports.js';
import { permissionDenied } from './wg-cli.js';
import { GET_REQUEST, answerErrno, isCompleteAnswer, parseGetAnswer, removePeerRequest, setPeerRequest } from './uapi-protocol.js';

/** Where userspace WireGuard (wireguard-go, boringtun) puts its control sockets; `wg` looks there too. */
export const USERSPACE_SOCKET_DIR = '/var/run/wireguard';

const TIMEOUT_MS = 10_000;

/**
 * A userspace implementation (wireguard-go, boringtun) driven straight through its control socket
 * (/var/run/wireguard/NAME.sock), the same socket `wg` talks to for such an interface. It spares starting
 * a process per change (the fork alone blocks the event loop for 2–4 ms; a `wg set` took 4–13 ms in all,
 * this under 1 ms) and the preshared key never touches the disk. A kernel interface has no socket: every
 * call then goes to `fallback` (the `wg` CLI, which speaks netlink).
 */
export function withUserspaceApi(fallback: LiveInterface, socketDir = USERSPACE_SOCKET_DIR): LiveInterface {
  const socketPath = join(socketDir, `${fallback.name}.sock`);
  /** The answer, or undefined when there is no socket to ask (no file, or a stale one whose daemon is gone). */
  const ask = async (request: string, what: string): Promise<string | undefined> => {
    try {
      return await exchange(socketPath, request);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ECONNREFUSED') return undefined;
      if (code === 'EACCES' || code === 'EPERM') throw permissionDenied(fallback.name, what, `${socketPath}: ${code}`, error);
      throw new ToolError(`${what} on ${fallback.name} via ${socketPath} failed: ${(error as Error).message}`, {
        cause: error,
        code: code === 'ETIMEDOUT' ? 'timed-out' : 'failed',
      });
    }
  };
  /** A request that cannot be written, or an answer that cannot be read, as a ToolError naming the step. */
  const checked = <T>(what: string, step: () => T): T => {
    try {
      return step();
    } catch (error) {
      throw new ToolError(`${what} on ${fallback.name}: ${(error as Error).message}`, { cause: error, code: 'bad-answer' });
    }
  };
  const change = async (what: string, request: () => string, viaCli: () => Promise<boolean>): Promise<boolean> => {
    const answer = await ask(checked(what, request), what);
    if (answer === undefined) return viaCli();
    const errno = checked(what, () => answerErrno(answer));
    if (errno !== 0) throw new ToolError(`${what} on ${fallback.name} failed: the interface answered errno ${errno}`);
    return true;
  };
  return {
    name: fallback.name,
    async state() {
      const answer = await ask(GET_REQUEST, 'reading the peers');
      return answer === undefined ? fallback.state() : checked('reading the peers', () => parseGetAnswer(answer));
    },
    setPeer: (peer: LivePeer) =>
      change(
        'wg set',
        () => setPeerRequest(peer),
        () => fallback.setPeer(peer),
      ),
    removePeer: (publicKey: string) =>
      change(
        'wg set … remove',
        () => removePeerRequest(publicKey),
        () => fallback.removePeer(publicKey),
      ),
  };
}

/** One request, its whole answer, then close (the daemon would keep the connection open for more). */
function exchange(socketPath: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    // Kept as bytes: an answer to `get` at 10,000 peers is 3 MB, and only its end tells it is complete. The
    // protocol is ASCII, so it is decoded once at the end as Latin-1 (faster than UTF-8 per chunk).
    const chunks: Buffer[] = [];
    let tail = '';
    let settled = false;
    const fail = (error: Error) => {
      socket.destroy();
      if (!settled) reject(error);
      settled = true;
    };
    socket.setTimeout(TIMEOUT_MS, () => fail(Object.assign(new Error(`no answer within ${TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
    socket.on('error', fail);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      tail = (tail + chunk.subarray(-2).toString('latin1')).slice(-2);
      if (!isCompleteAnswer(tail)) return;
      settled = true;
      socket.end();
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.on('end', () => fail(new Error('the control socket closed without an answer')));
    socket.write(request);
  });
}
