/**
 * The userspace-API transport against a local stand-in for a control socket (a Unix socket in a private
 * temporary directory that records what it was sent): framing, errors, and when it falls back to `wg`.
 * The real wireguard-go socket is exercised in live-interface.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolError } from '../../src/core/errors.js';
import type { LiveInterface } from '../../src/core/ports.js';
import { withUserspaceApi } from '../../src/wireguard/uapi.js';

const PEER = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const PSK = 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=';

/** A fallback that records calls instead of running `wg`. */
function recordingCli(name: string) {
  const calls: string[] = [];
  const cli: LiveInterface = {
    name,
    state: async () => {
      calls.push('state');
      return undefined;
    },
    setPeer: async (p) => {
      calls.push(`set ${p.publicKey}`);
      return false;
    },
    removePeer: async (k) => {
      calls.push(`remove ${k}`);
      return false;
    },
  };
  return { cli, calls };
}

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function socketDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-uapi-'));
  dirs.push(dir);
  return dir;
}

/** Answers every request with `answer` (split in two chunks, as a stream may deliver it) and records it. */
async function fakeControlSocket(dir: string, name: string, answer: string): Promise<string[]> {
  const received: string[] = [];
  const server = createServer((conn) => {
    let text = '';
    conn.setEncoding('utf8');
    conn.on('data', (d: string) => {
      text += d;
      if (!text.endsWith('\n\n')) return;
      received.push(text);
      conn.write(answer.slice(0, 3));
      setTimeout(() => conn.write(answer.slice(3)), 5);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(join(dir, `${name}.sock`), resolve));
  return received;
}

describe('withUserspaceApi', () => {
  it('writes the change to NAME.sock, and does not run wg', async () => {
    const dir = socketDir();
    const received = await fakeControlSocket(dir, 'wgt0', 'errno=0\n\n');
    const { cli, calls } = recordingCli('wgt0');
    const live = withUserspaceApi(cli, dir);
    expect(await live.setPeer({ publicKey: PEER, presharedKey: PSK, allowedIps: ['10.6.0.2/32'] })).toBe(true);
    expect(await live.removePeer(PEER)).toBe(true);
    expect(received).toHaveLength(2);
    expect(received[0]).toMatch(/^set=1\npublic_key=[0-9a-f]{64}\npreshared_key=[0-9a-f]{64}\nreplace_allowed_ips=true\nallowed_ip=10\.6\.0\.2\/32\n\n$/);
    expect(received[1]).toMatch(/\nremove=true\n\n$/);
    expect(calls).toEqual([]);
  });

  it('without a socket (a kernel interface, or none) every call goes to wg', async () => {
    const { cli, calls } = recordingCli('wgt1');
    const live = withUserspaceApi(cli, socketDir());
    expect(await live.setPeer({ publicKey: PEER, allowedIps: ['10.6.0.2/32'] })).toBe(false);
    expect(await live.removePeer(PEER)).toBe(false);
    expect(await live.state()).toBeUndefined();
    expect(calls).toEqual([`set ${PEER}`, `remove ${PEER}`, 'state']);
  });

  it('a socket file nobody listens on (the daemon died) also goes to wg', async () => {
    const dir = socketDir();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'wgt2.sock'), resolve));
    // Closing a listening Unix socket in Node removes its file; leave a file nobody listens on in its place.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    writeFileSync(join(dir, 'wgt2.sock'), '');
    const { cli, calls } = recordingCli('wgt2');
    expect(await withUserspaceApi(cli, dir).setPeer({ publicKey: PEER, allowedIps: ['10.6.0.2/32'] })).toBe(false);
    expect(calls).toEqual([`set ${PEER}`]);
  });

  it('a refused change is a ToolError with the errno', async () => {
    const dir = socketDir();
    await fakeControlSocket(dir, 'wgt3', 'errno=22\n\n');
    const { cli } = recordingCli('wgt3');
    const error = await withUserspaceApi(cli, dir)
      .setPeer({ publicKey: PEER, allowedIps: ['10.6.0.2/32'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as Error).message).toBe('wg set on wgt3 failed: the interface answered errno 22');
  });

  it('a socket that does not speak the protocol is a ToolError', async () => {
    const dir = socketDir();
    await fakeControlSocket(dir, 'wgt4', 'hello there\n\n');
    const { cli } = recordingCli('wgt4');
    await expect(withUserspaceApi(cli, dir).removePeer(PEER)).rejects.toThrow(/unexpected answer from the WireGuard control socket/);
  });

  it('a bad value is refused before anything is sent, without repeating a key', async () => {
    const dir = socketDir();
    const received = await fakeControlSocket(dir, 'wgt5', 'errno=0\n\n');
    const { cli, calls } = recordingCli('wgt5');
    const live = withUserspaceApi(cli, dir);
    await expect(live.setPeer({ publicKey: PEER, presharedKey: 'not-a-key', allowedIps: ['10.6.0.2/32'] })).rejects.toThrow(
      'wg set on wgt5: preshared key is not a WireGuard key (32 bytes in base64)',
    );
    await expect(live.setPeer({ publicKey: PEER, allowedIps: ['10.6.0.2/32\nremove=true'] })).rejects.toThrow(ToolError);
    expect(received).toEqual([]);
    expect(calls).toEqual([]);
  });
});
