import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { InstallCliDeps } from '../../src/install/cli.js';
import type { WanProbe } from '../../src/install/wan-probe.js';
import type { PortMapper } from '../../src/net/port-mapping.js';
import { FakeSystem } from './fake-system.js';

export const OS_RELEASE = {
  bookworm: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n',
  raspbian: 'PRETTY_NAME="Raspbian GNU/Linux 12 (bookworm)"\nID=raspbian\nID_LIKE=debian\nVERSION_CODENAME=bookworm\n',
  ubuntu: 'PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=noble\n',
};

export const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdef';

export async function makeRoot(osRelease = OS_RELEASE.raspbian): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'wgc-install-'));
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(root, 'etc/os-release'), osRelease);
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  return root;
}

export async function writeAnswers(root: string, text: string): Promise<string> {
  const path = join(root, '..', `${root.split('/').pop()}-answers.env`);
  await writeFile(path, text);
  return path;
}

/** A mapper that records requests and answers like a router with UPnP on (or off). */
export function fakeNet(options: { upnp?: boolean; publicIp?: string; wan?: string } = {}): WanProbe & { mapped: string[] } {
  const mapped: string[] = [];
  const mapper: PortMapper = {
    async map(port, lan) {
      if (!options.upnp) return undefined;
      mapped.push(`${port}->${lan}`);
      return {
        method: 'upnp',
        externalPort: port,
        controlUrl: 'http://192.168.1.1:5000/ctl',
        serviceType: 'urn:schemas-upnp-org:service:WANIPConnection:1',
      };
    },
    check: async () => true,
    unmap: async (m) => void mapped.push(`unmap ${m.externalPort}`),
  };
  return {
    mapped,
    publicIPv4: async () => options.publicIp ?? '203.0.113.7',
    wanIPv4: async () => options.wan ?? options.publicIp ?? '203.0.113.7',
    resolve: async () => [options.publicIp ?? '203.0.113.7'],
    ddnsUpdate: async () => undefined,
    portMapper: () => mapper,
  };
}

export interface Harness {
  root: string;
  system: FakeSystem;
  out: string[];
  err: string[];
  deps: InstallCliDeps;
}

export function harness(root: string, extra: Partial<InstallCliDeps> = {}): Harness {
  const system = new FakeSystem(root);
  const out: string[] = [];
  const err: string[] = [];
  let seed = 0.123;
  const deps: InstallCliDeps = {
    env: { LANG: 'C.UTF-8' },
    runner: system,
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    stdin: Readable.from([]),
    net: fakeNet(),
    isRoot: true,
    nodeVersion: '20.19.0',
    nodePath: '/usr/bin/node',
    appDir: '/opt/wg-chatops',
    random: () => (seed = (seed * 9301 + 0.49297) % 1),
    ...extra,
  };
  return { root, system, out, err, deps };
}

/** Every file under root (relative path → mode and content). */
export async function tree(root: string): Promise<Record<string, { mode: string; content: string }>> {
  const out: Record<string, { mode: string; content: string }> = {};
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[p.slice(root.length)] = { mode: ((await stat(p)).mode & 0o7777).toString(8), content: await readFile(p, 'utf8') };
  }
  return out;
}
