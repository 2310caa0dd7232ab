/**
 * A recording command runner that behaves like a small Debian machine: packages, services, sysctl,
 * users and NetworkManager answer queries and change when install's commands run. Any command it does
 * not know fails the test, so a new command in install cannot slip through unnoticed.
 */
import { appendFile, chmod, chown, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner, RunOptions, RunResult } from '../../src/exec/runner.js';

export interface Call {
  argv: string[];
  env?: Record<string, string>;
}

const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '' });
const fail = (stderr = ''): RunResult => ({ exitCode: 1, stdout: '', stderr });

/** Commands that only read. */
export function isQuery(argv: string[]): boolean {
  const [bin, a1, a2] = argv;
  if (bin === 'systemctl') return a1 === 'is-active' || a1 === 'is-enabled';
  if (bin === 'sysctl') return a1 === '-n';
  if (bin === 'nmcli') return a2 === 'NAME,DEVICE';
  if (bin === 'nft') return a1 === '--version' || a1 === 'list';
  if (bin === 'iptables') return a1 === '--version' || a1 === '-t';
  if (bin === 'wg') return a1 === 'show';
  return ['dpkg', 'dpkg-query', 'modinfo', 'ip', 'ss'].includes(bin!);
}

export class FakeSystem implements CommandRunner {
  calls: Call[] = [];
  packages = new Set<string>(['iptables', 'nftables']);
  enabled = new Set<string>();
  active = new Set<string>(['NetworkManager']);
  sysctl: Record<string, string> = { 'net.ipv4.ip_forward': '0' };
  kernelWireguard = true;
  arch = 'arm64';
  lan = { iface: 'eth0', address: '192.168.1.23', prefix: 24, gateway: '192.168.1.1', dynamic: true };
  nextUid = 990;
  listenPort = 51820;

  constructor(readonly root: string) {}

  mutations(): Call[] {
    return this.calls.filter((c) => !isQuery(c.argv));
  }

  private async passwd(name: string): Promise<{ uid: number; gid: number } | undefined> {
    const text = await readFile(join(this.root, 'etc/passwd'), 'utf8').catch(() => '');
    const line = text.split('\n').find((l) => l.startsWith(`${name}:`));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  }

  private async chownR(path: string, uid: number, gid: number): Promise<void> {
    await chown(path, uid, gid);
    for (const e of await readdir(path, { withFileTypes: true }).catch(() => [])) {
      const p = join(path, e.name);
      if (e.isDirectory()) await this.chownR(p, uid, gid);
      else await chown(p, uid, gid);
    }
  }

  async run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const argv = [file, ...args];
    this.calls.push({ argv, ...(options.env ? { env: options.env } : {}) });
    const result = await this.answer(argv);
    if (result.exitCode !== 0 && options.reject !== false) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
    return result;
  }

  private async answer(argv: string[]): Promise<RunResult> {
    const [bin, ...a] = argv;
    const key = argv.join(' ');
    switch (bin) {
      case 'dpkg':
        return ok(this.arch);
      case 'dpkg-query':
        return this.packages.has(a[2]!) ? ok('install ok installed') : fail(`dpkg-query: no packages found matching ${a[2]}`);
      case 'modinfo':
        return this.kernelWireguard ? ok('1.0.0') : fail('modinfo: ERROR: Module wireguard not found.');
      case 'nft': {
        if (a[0] === '--version') return this.packages.has('nftables') ? ok('nftables v1.0.6') : fail();
        if (!this.active.has('wg-quick@wg0')) return ok('');
        // What wg-quick's PostUp put in place: the rule text as nft lists it.
        const conf = await readFile(join(this.root, 'etc/wireguard/wg0.conf'), 'utf8').catch(() => '');
        return ok([...conf.matchAll(/^PostUp = nft add rule inet \S+ postrouting (.*masquerade)$/gm)].map((m) => `    ${m[1]}`).join('\n'));
      }
      case 'iptables':
        return this.packages.has('iptables') ? ok(a[0] === '--version' ? 'iptables v1.8.9 (nf_tables)' : '-P POSTROUTING ACCEPT') : fail();
      case 'ip': {
        const l = this.lan;
        if (key === 'ip -j -4 route show default') return ok(JSON.stringify([{ dst: 'default', gateway: l.gateway, dev: l.iface }]));
        if (key === 'ip -j -4 route show')
          return ok(
            JSON.stringify([
              { dst: 'default', gateway: l.gateway, dev: l.iface },
              { dst: `192.168.1.0/${l.prefix}`, dev: l.iface },
            ]),
          );
        if (key === 'ip -j -4 addr show') {
          const info = { family: 'inet', local: l.address, prefixlen: l.prefix, ...(l.dynamic ? { dynamic: true } : {}) };
          return ok(
            JSON.stringify([
              { ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
              { ifname: l.iface, addr_info: [info] },
            ]),
          );
        }
        break;
      }
      case 'ss':
        return ok('');
      case 'wg':
        return this.active.has(`wg-quick@${a[1]}`) ? ok(String(this.listenPort)) : fail(`Unable to access interface: No such device`);
      case 'systemctl': {
        const unit = a[a.length - 1]!;
        if (a[0] === 'is-active') return this.active.has(unit) ? ok() : fail();
        if (a[0] === 'is-enabled') return this.enabled.has(unit) ? ok() : fail();
        if (a[0] === 'enable' && a[1] === '--now') {
          this.enabled.add(unit);
          this.active.add(unit);
          return ok();
        }
        if (a[0] === 'disable' && a[1] === '--now') {
          this.enabled.delete(unit);
          this.active.delete(unit);
          return ok();
        }
        if (a[0] === 'daemon-reload' || a[0] === 'restart') return ok();
        break;
      }
      case 'sysctl':
        if (a[0] === '-n') return ok(this.sysctl[a[1]!] ?? '');
        if (a[0] === '-p') {
          for (const m of (await readFile(a[1]!, 'utf8')).matchAll(/^([a-z0-9_.]+)\s*=\s*(\S+)/gm)) this.sysctl[m[1]!] = m[2]!;
          return ok();
        }
        break;
      case 'apt-get':
        if (a[0] === 'update') return ok();
        if (a[0] === 'install') {
          for (const p of a.slice(1).filter((x) => !x.startsWith('-'))) this.packages.add(p);
          return ok();
        }
        break;
      case 'useradd': {
        const name = a[a.length - 1]!;
        const uid = this.nextUid++;
        await mkdir(join(this.root, 'etc'), { recursive: true });
        await appendFile(join(this.root, 'etc/passwd'), `${name}:x:${uid}:${uid}::/var/lib/wg-chatops:/usr/sbin/nologin\n`);
        return ok();
      }
      case 'userdel':
        return ok();
      case 'install': {
        const ids = await this.passwd(a[a.indexOf('-o') + 1]!);
        const path = a[a.length - 1]!;
        await mkdir(path, { recursive: true });
        await chmod(path, parseInt(a[a.indexOf('-m') + 1]!, 8));
        if (ids) await chown(path, ids.uid, ids.gid);
        return ok();
      }
      case 'chown': {
        const [user] = a[1]!.split(':');
        const ids = await this.passwd(user!);
        if (!ids) return fail(`chown: invalid user: ${a[1]}`);
        await this.chownR(a[2]!, ids.uid, ids.gid);
        return ok();
      }
      case 'chmod':
        await chmod(a[1]!, parseInt(a[0]!, 8));
        return ok();
      case 'nmcli':
        if (a[2] === 'NAME,DEVICE') return ok(`Wired connection 1:${this.lan.iface}`);
        if (a[0] === 'connection' && a[1] === 'modify') return ok();
        break;
    }
    throw new Error(`FakeSystem: unexpected command: ${key}`);
  }
}
