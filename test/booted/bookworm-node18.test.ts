/**
 * Debian bookworm with Debian's own Node 18 (what a Pi still on Raspberry Pi OS bookworm has): the package
 * declares nodejs (>= 20.19), so apt refuses it, naming the dependency; and the checkout's
 * `node bin/wg-chatops.js install` refuses before it changes anything, with the advice how to get Node 20,
 * in English and in Japanese. Node 18 cannot even load the bundle (it imports APIs of Node 20.12), so this
 * proves bin/wg-chatops.js checks the version before it imports the program.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptInstall, BOOKWORM_PACKAGES, bootedTestsEnabled, buildDeb, createContainer, fileHashes, rootfsTarball, type Container } from '../helpers/booted.js';

const TOP = new URL('../..', import.meta.url).pathname;
const MIN = 60_000;
/** Everything an install could touch. */
const WATCHED = ['/etc', '/usr/local', '/var/lib', '/usr/lib/systemd/system', '/usr/lib/wg-chatops', '/run/wireguard', '/run/wg-chatops'];

describe.runIf(bootedTestsEnabled())('install on a booted Debian bookworm with Node 18', () => {
  let box: Container;
  let deb = '';

  beforeAll(async () => {
    const t0 = Date.now();
    const tar = rootfsTarball('bookworm', BOOKWORM_PACKAGES);
    console.info(`booted bookworm: rootfs ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    deb = buildDeb();
    box = createContainer(tar, 244);
    // The checkout as `git clone` + `npm ci` (run where Node 20 was) leave it.
    for (const entry of ['bin', 'dist', 'deploy', 'node_modules', 'package.json', 'package-lock.json', '.env.example']) {
      cpSync(join(TOP, entry), join(box.dir, 'root/wg-chatops', entry), { recursive: true, verbatimSymlinks: true });
    }
  }, 10 * MIN);

  afterAll(async () => {
    await box?.destroy();
  }, 2 * MIN);

  it(
    'apt refuses the package for its nodejs dependency; install from a checkout refuses before changing anything',
    async () => {
      const bootMs = await box.boot();
      console.info(`booted bookworm: boot to running ${(bootMs / 1000).toFixed(1)} s`);
      expect((await box.run(['node', '--version'])).trim()).toMatch(/^v18\./);

      const apt = await aptInstall(box, deb);
      expect(apt.code).not.toBe(0);
      expect(apt.stdout + apt.stderr).toMatch(/wg-chatops : Depends: nodejs \(>= 20\.19\)/);
      expect((await box.exec(['dpkg-query', '-W', '-f', '${Status}', 'wg-chatops'])).stdout).not.toContain('installed');

      await box.run(['sh', '-c', 'umask 077; cat > /root/answers.env'], {
        input:
          'TELEGRAM_BOT_TOKEN=123456:TEST-fake-token-abcdefghijklmnop\nTELEGRAM_ADMIN_IDS=1001\nWG_ENDPOINT=vpn.example.org:51820\nINSTALL_STATIC_IP=no\nINSTALL_PORT_MAPPING=manual\n',
      });
      const before = await fileHashes(box, WATCHED);
      const t0 = Date.now();
      const r = await box.exec(['node', '/root/wg-chatops/bin/wg-chatops.js', 'install', '--answers', '/root/answers.env']);
      console.info(`booted bookworm: install refused in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.stderr.trim()}`);
      expect(r.code).not.toBe(0);
      // The catalogue's advice (install.preflight.node), not a SyntaxError from loading the bundle.
      expect(r.stderr).not.toMatch(/SyntaxError|does not provide an export/);
      expect(r.stderr).toMatch(/Node\.js 18\.\d+\.\d+ is too old: wg-chatops needs 20\.19 or newer/);
      expect(r.stderr).toContain('https://deb.nodesource.com/setup_20.x');
      expect(r.stderr).toContain('trixie');
      const ja = await box.exec(['node', '/root/wg-chatops/bin/wg-chatops.js', 'install', '--answers', '/root/answers.env'], {
        env: { LANG: 'ja_JP.UTF-8' },
      });
      expect(ja.code).not.toBe(0);
      expect(ja.stderr).toContain('は古すぎます');
      // Nothing anywhere install could write has changed: no user, unit, settings, interface.
      expect(await fileHashes(box, WATCHED)).toBe(before);
      expect((await box.exec(['getent', 'passwd', 'wg-chatops'])).code).not.toBe(0);
      expect((await box.exec(['ip', 'link', 'show', 'wg0'])).code).not.toBe(0);
    },
    10 * MIN,
  );
});
