import { createHash } from 'node:crypto';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctorCli, runInstallCli } from '../../src/install/cli.js';
import { detectPivpnLayout } from '../../src/wireguard/pivpn/layout.js';
import { makePivpnFixture } from '../wireguard/pivpn/fixture.js';
import { fakeNet, harness, makeRoot, OS_RELEASE, TOKEN, tree, writeAnswers } from './helpers.js';

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

const hash = async (p: string) =>
  createHash('sha256')
    .update(await readFile(p))
    .digest('hex');

describe('install adopts an existing PiVPN', () => {
  it('keeps its config and keys, takes over its settings, and lets the bot keep PiVPN’s files', async () => {
    const f = await makePivpnFixture();
    roots.push(f.root);
    await writeFile(join(f.root, 'etc/os-release'), OS_RELEASE.raspbian);
    const wgConf = join(f.root, 'etc/wireguard/wg0.conf');
    const before = await hash(wgConf);
    const h = harness(f.root, { net: fakeNet({ upnp: false }) });
    h.system.packages.add('wireguard-tools');
    h.system.enabled.add('wg-quick@wg0');
    h.system.active.add('wg-quick@wg0');
    const answers = await writeAnswers(f.root, `TELEGRAM_BOT_TOKEN=${TOKEN}\nTELEGRAM_ADMIN_IDS=42\nINSTALL_STATIC_IP=no\n`);

    expect(await runInstallCli(['--root', f.root, '--answers', answers], h.deps)).toBe(0);
    const out = h.out.join('');
    expect(out).toContain('Found an existing PiVPN install with 3 client(s) in /etc/wireguard: adopting it');
    expect(out).toMatch(/\[5\/15\] Server keys and interface config …\n {4}✓ nothing to do/);
    expect(out).toMatch(/\[7\/15\] WireGuard service \(wg-quick\) …\n {4}✓ nothing to do/);
    expect(await hash(wgConf)).toBe(before);

    const files = await tree(f.root);
    const env = files['/etc/wg-chatops/.env']!.content;
    for (const line of [
      'WG_ENDPOINT=vpn.example.org',
      'WG_PORT=51820',
      'WG_SUBNET=10.84.12.0/24',
      'WG_SUBNET6=fd11:5ee:bad:c0de::/64',
      'WG_DNS=9.9.9.9,149.112.112.112',
      'WG_PERSISTENT_KEEPALIVE=25',
    ]) {
      expect(env).toContain(`${line}\n`);
    }
    expect(files['/etc/systemd/system/wg-chatops.service.d/pivpn.conf']!.content).toContain('BindPaths=/home/pi/configs');
    expect(files['/etc/systemd/system/wg-chatops.service.d/pivpn.conf']!.content).toContain('SupplementaryGroups=pi');
    expect(h.system.mutations().map((c) => c.argv.join(' '))).toContain(`chmod 2770 ${f.root}/home/pi/configs`);

    // Still PiVPN's layout, read the same way, nothing lost.
    const layout = await detectPivpnLayout({ root: f.root, configDir: '/etc/wireguard', interfaceName: 'wg0' });
    expect(layout!.problems).toEqual([]);
    expect(layout!.peers.map((p) => p.name)).toEqual(['laptop', 'bob@phone', 'tablet']);
  });
});

describe('wg-chatops doctor', () => {
  it('passes on a fresh install and explains each failure with its fix', async () => {
    const root = await makeRoot();
    roots.push(root);
    const net = fakeNet({ upnp: true });
    const h = harness(root, { net });
    const answers = await writeAnswers(root, `TELEGRAM_BOT_TOKEN=${TOKEN}\nTELEGRAM_ADMIN_IDS=42\nWG_ENDPOINT=vpn.example.org\nINSTALL_STATIC_IP=no\n`);
    expect(await runInstallCli(['--root', root, '--answers', answers], h.deps)).toBe(0);

    const d = harness(root, { net });
    Object.assign(d.system, { packages: h.system.packages, enabled: h.system.enabled, active: h.system.active, sysctl: h.system.sysctl });
    d.deps.env = {
      INSTALL_ENV_FILE: '/etc/wg-chatops/.env',
      ...(await import('node:util')).parseEnv(await readFile(join(root, 'etc/wg-chatops/.env'), 'utf8')),
    };
    expect(await runDoctorCli(['--root', root], d.deps)).toBe(0);
    const ok = d.out.join('');
    for (const line of [
      '✓ WireGuard interface wg0 is up, listening on UDP 51820',
      '✓ IP forwarding is on',
      '✓ a NAT (masquerade) rule is in place',
      '✓ LAN address 192.168.1.23 comes from DHCP, reserved on the router',
      '✓ public IP 203.0.113.7',
      '✓ vpn.example.org resolves to 203.0.113.7',
      '✓ the router forwards UDP 51820 to 192.168.1.23 (UPnP)',
      '✓ the wg-chatops service is running',
      '✓ chat tokens set, 1 admin(s)',
      '✓ keys, configs and the database are private',
      'No problems found.',
    ]) {
      expect(ok).toContain(line);
    }
    expect(d.system.mutations()).toEqual([]);

    d.system.sysctl['net.ipv4.ip_forward'] = '0';
    d.system.active.delete('wg-quick@wg0');
    await chmod(join(root, 'etc/wireguard/wg0.conf'), 0o644);
    d.out.length = 0;
    expect(await runDoctorCli(['--root', root], d.deps)).toBe(1);
    const bad = d.out.join('');
    expect(bad).toContain('✗ WireGuard interface wg0 is not up\n    → start it: sudo systemctl enable --now wg-quick@wg0');
    expect(bad).toContain('✗ IP forwarding is off');
    expect(bad).toContain('✗ readable by others: /etc/wireguard/wg0.conf (0644)\n    → sudo chmod 600 /etc/wireguard/wg0.conf');
    expect(bad).toMatch(/\d problem\(s\) found/);
  });
});
