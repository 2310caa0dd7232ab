/**
 * A real Debian trixie, booted with systemd as PID 1 in a systemd-nspawn container (see
 * ../shared/reference/booted-debian.md). The root file system is built from Debian's packages with
 * mmdebstrap once and cached as a tarball; each test unpacks a fresh copy. The container's only links are
 * veths the test makes; nothing in it can reach a registry, so what it needs is in the tarball.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { FakeBotApi } from '../fakes/telegram-bot-api.js';
import { bringUpConfig, rootWith, sh, shAsync, stopWgInterface, uniqueName } from './netns.js';
import { ALICE } from './telegram-bot.js';

export const CACHE_DIR = '/var/cache/wg-chatops-test';
const MIRROR = 'http://deb.debian.org/debian';

/** What a Pi owner's Raspberry Pi OS trixie has, plus what the package depends on (no network once booted). */
export const TRIXIE_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'iproute2',
  'ca-certificates',
  'nodejs',
  'npm',
  'sudo',
  'procps',
  'iputils-ping',
  'kmod',
  'nftables',
  'wireguard-tools',
  'wireguard-go',
  'adduser',
];

/** Debian bookworm as Raspberry Pi OS bookworm has it: Debian's Node 18 (too old; install must refuse), no npm. */
export const BOOKWORM_PACKAGES = TRIXIE_PACKAGES.filter((p) => p !== 'npm');

/** Whether this machine can boot a container (root, mmdebstrap, systemd-nspawn). CI requires it. */
export function bootedTestsEnabled(): boolean {
  const ok = rootWith('mmdebstrap', 'systemd-nspawn', 'nsenter', 'wireguard-go', 'wg', 'ip');
  if (!ok && process.env.WG_CHATOPS_REQUIRE_BOOTED === '1')
    throw new Error('booted-Debian tests required but this machine lacks root/mmdebstrap/systemd-nspawn');
  return ok;
}

/** The cached root file system tarball for a suite and package list, built when missing. */
export function rootfsTarball(suite: string, packages: string[]): string {
  const key = createHash('sha256')
    .update(`${suite}\n${packages.join(',')}`)
    .digest('hex')
    .slice(0, 12);
  const tar = join(CACHE_DIR, `${suite}-${key}.tar`);
  if (existsSync(tar)) return tar;
  mkdirSync(CACHE_DIR, { recursive: true });
  // Test files run in parallel: each builds into its own partial file; the rename is atomic.
  const partial = `${tar}.${process.pid}.partial`;
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
    `[Unit]\nDescription=test network\nBefore=network-online.target network.target\nWants=network.target\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/sbin/ip link set lo up\nExecStart=/usr/sbin/ip addr replace ${guestIp}/24 dev host0\nExecStart=/usr/sbin/ip link set host0 up\nExecStart=/usr/sbin/ip route replace default via ${hostIp}\n[Install]\nWantedBy=network-online.target multi-user.target\n`,
  );
  mkdirSync(join(dir, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  sh('ln', ['-sf', '/etc/systemd/system/test-network.service', join(dir, 'etc/systemd/system/multi-user.target.wants/test-network.service')]);
  writeFileSync(join(dir, 'etc/hostname'), 'raspberrypi\n');
  let nspawn: ChildProcess | undefined;
  let init = 0;
  const exec: Container['exec'] = (argv, opts = {}) =>
    new Promise((resolve) => {
      const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
      const child = spawn(
        'nsenter',
        ['-t', String(init), '-a', 'env', '-i', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', ...env, ...argv],
        { stdio: ['pipe', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      // A command that exits without reading its input (or before nsenter runs it) closes the pipe: its exit code says what happened.
      child.stdin.on('error', () => {});
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
      nspawn = spawn('systemd-nspawn', ['-D', dir, '-M', name, '--boot', '--register=no', '--keep-unit', '--network-veth', '--console=passive'], {
        stdio: 'ignore',
        detached: true,
      });
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

const TOP = new URL('../..', import.meta.url).pathname;

/** What the package is made from: a build is reused while none of it changes. */
const DEB_INPUTS = ['bin', 'dist/bundle', 'dist/src/install', 'deploy', 'scripts/package-deb.mjs', 'package.json', 'package-lock.json', '.env.example'];

function* filesUnder(path: string): Generator<string> {
  if (!statSync(path).isDirectory()) return yield path;
  for (const name of readdirSync(path).sort()) yield* filesUnder(join(path, name));
}

/**
 * `npm run package` (dist/ is built by `npm test`), cached by the hash of its inputs: the booted test files
 * run in parallel and each needs the package; building it (xz) takes most of a minute on a busy machine.
 */
export function buildDeb(version?: string): string {
  const hash = createHash('sha256').update(`${version ?? ''}\n`);
  for (const entry of DEB_INPUTS) for (const file of filesUnder(join(TOP, entry))) hash.update(`${file}\n`).update(readFileSync(file));
  const dir = join(CACHE_DIR, 'deb', hash.digest('hex').slice(0, 16));
  if (!existsSync(dir)) {
    mkdirSync(join(CACHE_DIR, 'deb'), { recursive: true });
    const partial = mkdtempSync(`${dir}.partial-`);
    execFileSync(process.execPath, [join(TOP, 'scripts/package-deb.mjs'), '--out', partial, ...(version ? ['--version', version] : [])], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      renameSync(partial, dir);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another file built it at the same time
    }
  }
  return join(
    dir,
    readdirSync(dir).find((n) => n.endsWith('.deb'))!,
  );
}

/** apt-get install of a .deb copied into the container (no network: every dependency is in the root file system). */
export async function aptInstall(box: Container, deb: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const name = deb.split('/').at(-1)!;
  copyFileSync(deb, join(box.dir, 'root', name));
  return box.exec(['apt-get', 'install', '-y', '--no-install-recommends', `/root/${name}`], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

/** The answers a Pi owner writes for an unattended install against the fake Bot API, plus `extra` lines; in /root/answers.env (0600). */
export async function writeAnswers(box: Container, fake: FakeBotApi, extra: string[], path = '/root/answers.env'): Promise<string> {
  const lines = [
    `TELEGRAM_BOT_TOKEN=${fake.token}`,
    `TELEGRAM_API_ROOT=${fake.apiRoot}`,
    `TELEGRAM_ADMIN_IDS=${ALICE.id}`,
    'PUBLIC_IP_SOURCES=none',
    'INSTALL_STATIC_IP=no',
    'INSTALL_PORT_MAPPING=manual',
    'INSTALL_UNATTENDED_UPGRADES=no',
    'INSTALL_LAN_INTERFACE=host0',
    ...extra,
  ];
  await box.run(['sh', '-c', `umask 077; cat > ${path}`], { input: `${lines.join('\n')}\n` });
  return path;
}

/** Sends TEXT as Alice and waits for the bot's next message that satisfies `ok`. */
export async function ask(fake: FakeBotApi, text: string, ok: (m: { kind: string; text: string }) => boolean, what: string, timeoutMs = 60_000) {
  const before = fake.chatMessages(ALICE.id).length;
  fake.sendText(ALICE, text);
  return fake.until(() => fake.chatMessages(ALICE.id).slice(before).find(ok), what, timeoutMs);
}

/**
 * A client device on the "LAN": a namespace on the host joined to the container by a veth (made again after
 * each boot, as the old one went with the container's network namespace). Its WireGuard interfaces are
 * wireguard-go, brought up from a client config as the WireGuard app would.
 */
export interface LanClient {
  ns: string;
  /** The container's address on that link: the endpoint clients dial. */
  serverIp: string;
  link(): Promise<void>;
  bringUp(config: string, tunnelSubnet: string): string;
  ping(target: string, count?: number): Promise<boolean>;
  destroy(): Promise<void>;
}

export function createLanClient(box: Container, octet: number): LanClient {
  const ns = `wgcl${randomBytes(3).toString('hex')}`;
  const dev = `vl${ns.slice(-6)}`;
  const serverIp = `10.231.${octet}.1`;
  const ifaces: string[] = [];
  sh('ip', ['netns', 'add', ns]);
  return {
    ns,
    serverIp,
    async link() {
      sh('ip', ['link', 'add', dev, 'netns', ns, 'type', 'veth', 'peer', 'name', 'lan0', 'netns', String(box.initPid())]);
      sh('ip', ['-n', ns, 'addr', 'replace', `10.231.${octet}.2/24`, 'dev', dev]);
      sh('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      await box.run(['ip', 'addr', 'replace', `${serverIp}/24`, 'dev', 'lan0']);
      await box.run(['ip', 'link', 'set', 'lan0', 'up']);
    },
    bringUp(config, tunnelSubnet) {
      const iface = uniqueName('wgbl');
      ifaces.push(iface);
      const dir = mkdtempSync(join(tmpdir(), 'wgc-booted-client-'));
      try {
        bringUpConfig(ns, iface, config, dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      sh('ip', ['-n', ns, 'route', 'replace', tunnelSubnet, 'dev', iface]);
      return iface;
    },
    async ping(target, count = 3) {
      return (await shAsync('ip', ['netns', 'exec', ns, 'ping', '-c', String(count), '-W', '2', '-i', '0.3', target])).code === 0;
    },
    async destroy() {
      for (const iface of ifaces) stopWgInterface(iface);
      await shAsync('ip', ['netns', 'del', ns]);
    },
  };
}

/** sha256 of every file under the paths (sorted; missing paths skipped): "nothing changed" is this staying identical. */
export async function fileHashes(box: Container, paths: string[]): Promise<string> {
  return box.run([
    'sh',
    '-c',
    `find ${paths.join(' ')} -xdev \\( -type f -o -type l \\) -print0 2>/dev/null | sort -z | xargs -0r sha256sum; find ${paths.join(' ')} -xdev -printf '%p %m %u:%g\\n' 2>/dev/null | sort`,
  ]);
}

/** What a booted test of the package works with: the container, the fake Bot API on its veth, a client on its LAN. */
export interface BootedLab {
  box: Container;
  fake: FakeBotApi;
  lan: LanClient;
  /** The packages built for the suite, one per version asked for (package.json's when undefined). */
  debs: string[];
}

/**
 * Registers the suite's beforeAll/afterAll for a trixie container (veth 10.231.OCTET.0/24, LAN 10.231.LAN.0/24) and
 * builds the packages, and returns the lab (filled in as it is made) and start(): boot, link the LAN client, start the fake Bot API.
 * Everything made is removed after the suite, on every exit path.
 */
export function useTrixieLab(octet: number, lanOctet: number, versions: (string | undefined)[] = [undefined]): { lab: BootedLab; start(): Promise<number> } {
  const lab = {} as Partial<BootedLab>;
  beforeAll(() => {
    lab.debs = versions.map((v) => buildDeb(v));
    lab.box = createContainer(rootfsTarball('trixie', TRIXIE_PACKAGES), octet);
  }, 15 * 60_000);
  afterAll(async () => {
    await lab.lan?.destroy();
    await lab.fake?.close();
    await lab.box?.destroy();
  }, 2 * 60_000);
  return {
    lab: lab as BootedLab,
    async start() {
      const ms = await lab.box!.boot();
      lab.lan = createLanClient(lab.box!, lanOctet);
      await lab.lan.link();
      lab.fake = await FakeBotApi.start(undefined, lab.box!.hostIp);
      return ms;
    },
  };
}
