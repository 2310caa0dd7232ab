/**
 * A real Debian trixie, booted with systemd as PID 1 in a systemd-nspawn container (see
 * ../shared/reference/booted-debian.md). The root file system is built from Debian's packages with
 * mmdebstrap once and cached as a tarball; each test unpacks a fresh copy. The container's only links are
 * veths the test makes; nothing in it can reach a registry, so what it needs is in the tarball.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { rootWith, sh, shAsync } from './netns.js';

export const CACHE_DIR = '/var/cache/wg-chatops-test';
const MIRROR = 'http://deb.debian.org/debian';

/** What a Pi owner's Raspberry Pi OS trixie has, plus what the package depends on (no network once booted). */
export const TRIXIE_PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'iproute2', 'ca-certificates', 'nodejs', 'npm', 'sudo', 'procps', 'iputils-ping', 'kmod',
  'nftables', 'wireguard-tools', 'wireguard-go', 'adduser',
];

/** Whether this machine can boot a container (root, mmdebstrap, systemd-nspawn). CI requires it. */
export function bootedTestsEnabled(): boolean {
  const ok = rootWith('mmdebstrap', 'systemd-nspawn', 'nsenter', 'wireguard-go', 'wg', 'ip');
  if (!ok && process.env.WG_CHATOPS_REQUIRE_BOOTED === '1') throw new Error('booted-Debian tests required but this machine lacks root/mmdebstrap/systemd-nspawn');
  return ok;
}

/** The cached root file system tarball for a suite and package list, built when missing. */
export function rootfsTarball(suite: string, packages: string[]): string {
  const key = createHash('sha256').update(`${suite}\n${packages.join(',')}`).digest('hex').slice(0, 12);
  const tar = join(CACHE_DIR, `${suite}-${key}.tar`);
  if (existsSync(tar)) return tar;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${tar}.partial`;
  sh('mmdebstrap', ['--quiet', '--format=tar', '--variant=minbase', `--include=${packages.join(',')}`, suite, partial, MIRROR]);
  renameSync(partial, tar);
  return tar;
}

export interface Container {
  name: string;
  dir: string;
  /** The host side of the container's veth, and the container's address on it. */
  hostIp: string;
  guestIp: string;
  /** Runs a command inside (as root), with its exit code and output. */
  exec(argv: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Same, failing with the output when the exit code is not 0. */
  run(argv: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<string>;
  initPid(): number;
  boot(): Promise<number>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A container from a fresh copy of the tarball; boot() starts it (again, for a reboot). */
export function createContainer(tarball: string, subnetOctet: number): Container {
  const name = `wgcb${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync('/var/tmp/wgc-booted-');
  sh('tar', ['-xf', tarball, '-C', dir]);
  const hostIp = `10.231.${subnetOctet}.1`;
  const guestIp = `10.231.${subnetOctet}.2`;
  // The container's network, as the Pi's would be at boot: a oneshot unit of the test's, not of the product.
  writeFileSync(
    join(dir, 'etc/systemd/system/test-network.service'),
    `[Unit]\nDescription=test network\nBefore=network-online.target network.target\nWants=network.target\nDefaultDependencies=no\nAfter=sys-subsystem-net-devices-host0.device\nBindsTo=sys-subsystem-net-devices-host0.device\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/sbin/ip link set lo up\nExecStart=/usr/sbin/ip addr replace ${guestIp}/24 dev host0\nExecStart=/usr/sbin/ip link set host0 up\nExecStart=/usr/sbin/ip route replace default via ${hostIp}\n[Install]\nWantedBy=network-online.target multi-user.target\n`,
  );
  mkdirSync(join(dir, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  sh('ln', ['-sf', '/etc/systemd/system/test-network.service', join(dir, 'etc/systemd/system/multi-user.target.wants/test-network.service')]);
  writeFileSync(join(dir, 'etc/hostname'), 'raspberrypi\n');
  let nspawn: ChildProcess | undefined;
  let init = 0;
  const exec: Container['exec'] = (argv, opts = {}) =>
    new Promise((resolve) => {
      const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
      const child = spawn('nsenter', ['-t', String(init), '-a', 'env', '-i', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', ...env, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.stdin.end(opts.input ?? '');
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  const container: Container = {
    name,
    dir,
    hostIp,
    guestIp,
    exec,
    async run(argv, opts) {
      const r = await exec(argv, opts);
      if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    },
    initPid: () => init,
    async boot() {
      if (!readFileSync('/proc/mounts', 'utf8').includes(' /run/systemd/nspawn ')) {
        mkdirSync('/run/systemd/nspawn', { recursive: true });
        sh('mount', ['-t', 'tmpfs', 'tmpfs', '/run/systemd/nspawn']);
      }
      const started = Date.now();
      nspawn = spawn('systemd-nspawn', ['-D', dir, '-M', name, '--boot', '--register=no', '--keep-unit', '--network-veth', '--console=passive'], { stdio: 'ignore', detached: true });
      const veth = `ve-${name}`.slice(0, 15);
      for (let i = 0; i < 100 && !init; i++) {
        await sleep(100);
        const r = await shAsync('pgrep', ['-P', String(nspawn.pid)]);
        if (r.code === 0) init = Number(r.stdout.trim().split('\n')[0]);
      }
      if (!init) throw new Error('the container did not start');
      for (let i = 0; i < 100; i++) {
        if ((await shAsync('ip', ['link', 'show', veth])).code === 0) break;
        await sleep(100);
      }
      sh('ip', ['addr', 'replace', `${hostIp}/24`, 'dev', veth]);
      sh('ip', ['link', 'set', veth, 'up']);
      for (let i = 0; i < 300; i++) {
        const r = await exec(['systemctl', 'is-system-running']);
        if (['running', 'degraded'].includes(r.stdout.trim())) break;
        await sleep(200);
      }
      return Date.now() - started;
    },
    async stop() {
      if (!nspawn || nspawn.exitCode !== null) return;
      const exited = new Promise((r) => nspawn!.once('exit', r));
      nspawn.kill('SIGTERM');
      await Promise.race([exited, sleep(60_000)]);
      if (nspawn.exitCode === null) nspawn.kill('SIGKILL');
      nspawn = undefined;
      init = 0;
    },
    async destroy() {
      await container.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return container;
}
