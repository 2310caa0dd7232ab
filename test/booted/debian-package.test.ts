/**
 * A Pi owner's first-time setup on a real, booted Debian trixie (systemd as PID 1 in systemd-nspawn,
 * wireguard-go since this kernel has no WireGuard module): `apt install ./wg-chatops_<v>_all.deb`, then
 * `wg-chatops install --answers`, against a fake Telegram Bot API reachable over the container's veth.
 * A client in a namespace on the host brings up the config that arrived as a QR photo and pings through.
 * Then: install again changes nothing, a reboot brings everything back, doctor, uninstall and purge.
 */
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../fakes/telegram-bot-api.js';
import { bootedTestsEnabled, buildDeb, createContainer, rootfsTarball, TRIXIE_PACKAGES, type Container } from '../helpers/booted.js';
import { bringUpConfig, sh, shAsync, stopWgInterface, uniqueName } from '../helpers/netns.js';
import { decodeQrPng } from '../helpers/qr.js';
import { ALICE } from '../helpers/telegram-bot.js';

const TOP = new URL('../..', import.meta.url).pathname;
const MIN = 60_000;

/** The files install and the package own, with their hashes: a re-run must leave them identical. */
const HASHED = ['/etc/wireguard', '/etc/wg-chatops', '/etc/systemd/system', '/usr/lib/systemd/system/wg-chatops.service', '/etc/sysctl.d'];

describe.runIf(bootedTestsEnabled())('install on a booted Debian trixie, from the Debian package', () => {
  let box: Container;
  let fake: FakeBotApi;
  const clientNs = `wgcbc${Math.random().toString(16).slice(2, 8)}`;
  const clientIface = uniqueName('wgbk');
  const lanHost = '10.231.249.1'; // the container's "LAN" side towards the client
  const lanClient = '10.231.249.2';
  let deb = '';

  /** A veth from the client namespace into the container (made again after each boot). */
  const linkClient = () => {
    sh('ip', ['link', 'add', `vb${clientNs.slice(-6)}`, 'netns', clientNs, 'type', 'veth', 'peer', 'name', 'lan0', 'netns', String(box.initPid())]);
    sh('ip', ['-n', clientNs, 'addr', 'replace', `${lanClient}/24`, 'dev', `vb${clientNs.slice(-6)}`]);
    sh('ip', ['-n', clientNs, 'link', 'set', `vb${clientNs.slice(-6)}`, 'up']);
  };
  const linkInside = async () => {
    await box.run(['ip', 'addr', 'replace', `${lanHost}/24`, 'dev', 'lan0']);
    await box.run(['ip', 'link', 'set', 'lan0', 'up']);
  };
  const ping = async (target: string) => (await shAsync('ip', ['netns', 'exec', clientNs, 'ping', '-c', '3', '-W', '2', '-i', '0.3', target])).code === 0;
  const hashes = async () => box.run(['sh', '-c', `find ${HASHED.join(' ')} -type f -print0 2>/dev/null | sort -z | xargs -0 sha256sum`]);

  beforeAll(async () => {
    const t0 = Date.now();
    const tar = rootfsTarball('trixie', TRIXIE_PACKAGES);
    console.info(`booted: rootfs ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    deb = buildDeb();
    box = createContainer(tar, 248);
    copyFileSync(deb, join(box.dir, 'root/wg-chatops.deb'));
    sh('ip', ['netns', 'add', clientNs]);
  }, 10 * MIN);

  afterAll(async () => {
    stopWgInterface(clientIface);
    await fake?.close();
    await box?.destroy();
    await shAsync('ip', ['netns', 'del', clientNs]);
  }, 2 * MIN);

  it(
    'installs, serves /addpeer, pings through, survives a re-run and a reboot, and is removed cleanly',
    async () => {
      const bootMs = await box.boot();
      console.info(`booted: boot to running ${(bootMs / 1000).toFixed(1)} s`);
      linkClient();
      await linkInside();
      // The fake Bot API listens on the host side of the container's veth, which exists once it booted.
      fake = await FakeBotApi.start(undefined, box.hostIp);

      // The package: installed by apt from the file, nothing started before install configured it.
      await box.run(['apt-get', 'install', '-y', '--no-install-recommends', '/root/wg-chatops.deb'], {
        env: { DEBIAN_FRONTEND: 'noninteractive' },
      });
      expect((await box.exec(['systemctl', 'is-active', 'wg-chatops'])).stdout.trim()).not.toBe('active');
      expect(await box.run(['getent', 'passwd', 'wg-chatops'])).toContain('/usr/sbin/nologin');
      expect(await box.run(['readlink', '-f', '/usr/bin/wg-chatops'])).toContain('/usr/lib/wg-chatops/bin/wg-chatops.js');

      const answers = [
        `TELEGRAM_BOT_TOKEN=${fake.token}`,
        `TELEGRAM_API_ROOT=${fake.apiRoot}`,
        `TELEGRAM_ADMIN_IDS=${ALICE.id}`,
        `WG_ENDPOINT=${lanHost}:51820`,
        'WG_SUBNET=10.77.0.0/24',
        'PUBLIC_IP_SOURCES=none',
        'INSTALL_STATIC_IP=no',
        'INSTALL_PORT_MAPPING=manual',
        'INSTALL_UNATTENDED_UPGRADES=no',
        'INSTALL_LAN_INTERFACE=host0',
        // A password with everything a settings file finds hard, to see it read back identically.
        `DDNS_PASSWORD='p@ss "word" #1 = \\back'`,
      ].join('\n');
      await box.run(['sh', '-c', 'umask 077; cat > /root/answers.env'], { input: `${answers}\n` });
      const t0 = Date.now();
      const first = await box.exec(['wg-chatops', 'install', '--answers', '/root/answers.env']);
      console.info(`booted: install took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);

      // Both services active and not restarting; the interface up on its port.
      for (const unit of ['wg-quick@wg0', 'wg-chatops', 'wg-chatops-uapi@wg0.socket'])
        expect((await box.exec(['systemctl', 'is-active', unit])).stdout.trim(), unit).toBe('active');
      expect((await box.run(['systemctl', 'show', '-p', 'NRestarts', 'wg-chatops'])).trim()).toBe('NRestarts=0');
      expect((await box.run(['wg', 'show', 'wg0', 'listen-port'])).trim()).toBe('51820');
      // wireguard-go's socket is root's as it made it; the bot's group reaches the proxy.
      expect((await box.run(['stat', '-c', '%U:%G %a', '/run/wireguard/wg0.sock'])).trim()).toBe('root:root 700');
      expect((await box.run(['stat', '-c', '%U:%G %a', '/run/wg-chatops/wg0.sock'])).trim()).toBe('root:wg-chatops 660');
      // The service runs the package's program as its own user, with CAP_NET_ADMIN only.
      const show = await box.run(['systemctl', 'show', '-p', 'User,ExecStart,AmbientCapabilities,CapabilityBoundingSet', 'wg-chatops']);
      expect(show).toContain('User=wg-chatops');
      expect(show).toContain('/usr/lib/wg-chatops/bin/wg-chatops.js');
      expect(show).toMatch(/AmbientCapabilities=cap_net_admin\n/);
      // The password came back as written (parsed by node, as doctor and the next install read it).
      const env = await box.run([
        'node',
        '-e',
        "console.log(require('node:util').parseEnv(require('node:fs').readFileSync('/etc/wg-chatops/.env','utf8')).DDNS_PASSWORD)",
      ]);
      expect(env.trim()).toBe('p@ss "word" #1 = \\back');
      expect((await box.run(['stat', '-c', '%a', '/etc/wg-chatops/.env'])).trim()).toBe('600');

      // /addpeer through Telegram: the QR decodes to the .conf, which brings a tunnel up that pings.
      fake.sendText(ALICE, '/addpeer laptop');
      const photo = await fake.until(() => fake.chatMessages(ALICE.id).find((m) => m.kind === 'photo'), 'the QR photo', 60_000);
      const doc = await fake.until(() => fake.chatMessages(ALICE.id).find((m) => m.kind === 'document'), 'the .conf', 30_000);
      const config = decodeQrPng(photo.file!.data)!;
      expect(config).toBe(doc.file!.data.toString('utf8'));
      expect(config).toContain(`Endpoint = ${lanHost}:51820`);
      bringUp(clientNs, clientIface, config);
      expect(await ping('10.77.0.1')).toBe(true);

      // install again: nothing to do, every file identical.
      const before = await hashes();
      const again = await box.exec(['wg-chatops', 'install', '--answers', '/root/answers.env']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(await hashes()).toBe(before);

      // Reboot: stop the container, boot the same tree; everything comes back, the tunnel too.
      await box.stop();
      await fake.suspend(); // its address left with the old veth; listen again on the new one
      const rebootMs = await box.boot();
      console.info(`booted: reboot to running ${(rebootMs / 1000).toFixed(1)} s`);
      await fake.resume();
      linkClient();
      await linkInside();
      for (const unit of ['wg-quick@wg0', 'wg-chatops']) expect((await box.exec(['systemctl', 'is-active', unit])).stdout.trim(), unit).toBe('active');
      let back = false;
      for (let i = 0; i < 10 && !back; i++) back = await ping('10.77.0.1');
      expect(back).toBe(true);
      const peers = fake.chatMessages(ALICE.id).length;
      fake.sendText(ALICE, '/peers');
      await fake.until(
        () => fake.chatMessages(ALICE.id).length > peers && fake.chatMessages(ALICE.id).at(-1)!.text?.includes('laptop'),
        '/peers after the reboot',
        60_000,
      );

      const doctor = await box.exec(['wg-chatops', 'doctor']);
      console.info(`booted: doctor said\n${doctor.stdout}`);
      expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);

      // uninstall (keys kept) and purge: no unit or file of the package left, the keys still there.
      const un = await box.exec(['wg-chatops', 'uninstall', '--yes']);
      expect(un.code, un.stdout + un.stderr).toBe(0);
      await box.run(['apt-get', 'purge', '-y', 'wg-chatops'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
      const left = await box.run([
        'sh',
        '-c',
        'ls -d /usr/lib/wg-chatops /etc/wg-chatops /var/lib/wg-chatops /usr/lib/systemd/system/wg-chatops* /etc/systemd/system/wg-chatops* /usr/local/bin/wg-chatops /usr/bin/wg-chatops 2>/dev/null; true',
      ]);
      expect(left.trim()).toBe('');
      expect(existsSync(join(box.dir, 'etc/wireguard/wg0.conf'))).toBe(true);
    },
    15 * MIN,
  );
});

/** The client side, as the WireGuard app does it, plus the route to the tunnel's subnet. */
function bringUp(ns: string, iface: string, config: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-booted-client-'));
  try {
    bringUpConfig(ns, iface, config, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  sh('ip', ['-n', ns, 'route', 'replace', '10.77.0.0/24', 'dev', iface]);
}

describe.runIf(bootedTestsEnabled())('install on a booted Debian trixie, from a git checkout in /home/pi', () => {
  let box: Container;
  let fake: FakeBotApi | undefined;

  beforeAll(async () => {
    box = createContainer(rootfsTarball('trixie', TRIXIE_PACKAGES), 247);
    // The checkout as `git clone` + `npm ci` leave it, in a Pi owner's home (0700 on trixie).
    const home = join(box.dir, 'home/pi/wg-chatops');
    for (const entry of ['bin', 'dist', 'deploy', 'node_modules', 'package.json', 'package-lock.json', '.env.example']) {
      cpSync(join(TOP, entry), join(home, entry), { recursive: true, verbatimSymlinks: true });
    }
  }, 10 * MIN);

  afterAll(async () => {
    await fake?.close();
    await box?.destroy();
  }, 2 * MIN);

  it(
    'runs the service from a system copy, never from the home directory, and survives deleting the checkout',
    async () => {
      await box.boot();
      fake = await FakeBotApi.start(undefined, box.hostIp);
      await box.run(['useradd', '--create-home', '--shell', '/bin/bash', 'pi']);
      await box.run(['chown', '-R', 'pi:pi', '/home/pi']);
      await box.run(['chmod', '0700', '/home/pi']);
      const answers = [
        `TELEGRAM_BOT_TOKEN=${fake.token}`,
        `TELEGRAM_API_ROOT=${fake.apiRoot}`,
        `TELEGRAM_ADMIN_IDS=${ALICE.id}`,
        `WG_ENDPOINT=${box.guestIp}:51820`,
        'PUBLIC_IP_SOURCES=none',
        'INSTALL_STATIC_IP=no',
        'INSTALL_PORT_MAPPING=manual',
        'INSTALL_UNATTENDED_UPGRADES=no',
        'INSTALL_LAN_INTERFACE=host0',
      ].join('\n');
      await box.run(['sh', '-c', 'umask 077; cat > /root/answers.env'], { input: `${answers}\n` });
      const r = await box.exec(['node', '/home/pi/wg-chatops/bin/wg-chatops.js', 'install', '--answers', '/root/answers.env']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const show = await box.run(['systemctl', 'show', '-p', 'ExecStart,NRestarts,ActiveState', 'wg-chatops']);
      expect(show).toContain('/usr/local/lib/wg-chatops/bin/wg-chatops.js');
      expect(show).not.toContain('/home/');
      expect(show).toContain('ActiveState=active');
      expect(show).toContain('NRestarts=0');
      // The copy is root's and holds only production packages.
      expect((await box.run(['stat', '-c', '%U %a', '/usr/local/lib/wg-chatops/bin/wg-chatops.js'])).trim()).toBe('root 755');
      expect((await box.exec(['test', '-e', '/usr/local/lib/wg-chatops/node_modules/vitest'])).code).not.toBe(0);

      // The checkout may go: the service and the command keep working.
      await box.run(['rm', '-rf', '/home/pi/wg-chatops']);
      await box.run(['systemctl', 'restart', 'wg-chatops']);
      fake.sendText(ALICE, '/addpeer phone');
      const photo = await fake.until(() => fake!.chatMessages(ALICE.id).find((m) => m.kind === 'photo'), 'the QR photo', 60_000);
      expect(decodeQrPng(photo.file!.data)).toContain(`Endpoint = ${box.guestIp}:51820`);
      const doctor = await box.exec(['wg-chatops', 'doctor']);
      expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    },
    15 * MIN,
  );
});
