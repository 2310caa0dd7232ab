import { readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listPeers, parseServerConfig } from '../../src/core/server-config.js';
import { runInstallCli, runUninstallCli } from '../../src/install/cli.js';
import { overlaps } from '../../src/install/tunnel.js';
import { fakeNet, harness, makeRoot, OS_RELEASE, TOKEN, tree, writeAnswers } from './helpers.js';

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});
async function root(os?: string): Promise<string> {
  const r = await makeRoot(os);
  roots.push(r);
  return r;
}

const ANSWERS = `# unattended install
TELEGRAM_BOT_TOKEN=${TOKEN}
TELEGRAM_ADMIN_IDS=11111111
WG_ENDPOINT=vpn.example.org
WG_PORT=51820
INSTALL_STATIC_IP=no
INSTALL_UNATTENDED_UPGRADES=yes
`;

describe('wg-chatops install', () => {
  it('--dry-run prints the plan of a fresh install and changes nothing', async () => {
    const r = await root();
    const h = harness(r);
    const before = await tree(r);
    const code = await runInstallCli(['--root', r, '--dry-run', '--answers', await writeAnswers(r, ANSWERS)], h.deps);
    const text = h.out.join('');
    expect(h.err.join('')).toBe('');
    expect(code).toBe(0);
    expect(await tree(r)).toEqual(before);
    expect(h.system.mutations()).toEqual([]);
    for (const expected of [
      '[1/15] Checking this machine',
      'run: apt-get install -y --no-install-recommends wireguard-tools',
      'write /etc/wireguard/wg0.conf (mode 0600)',
      '(content not shown: it holds keys or tokens)',
      'write /etc/sysctl.d/99-wg-chatops.conf (mode 0644)',
      '| net.ipv4.ip_forward = 1',
      'run: systemctl enable --now wg-quick@wg0',
      'reserve it for this Pi in the router’s DHCP settings',
      'ask the router (UPnP or NAT-PMP) to forward UDP 51820 to 192.168.1.23:51820',
      'write /etc/wg-chatops/.env (mode 0600)',
      'run: useradd --system',
      'write /etc/systemd/system/wg-chatops.service (mode 0644)',
      'run: systemctl enable --now wg-chatops',
      'Nothing was changed.',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain(TOKEN);
  });

  it('installs, writing each file with its mode and the planned content', async () => {
    const r = await root();
    const net = fakeNet({ upnp: true });
    const h = harness(r, { net });
    const answers = await writeAnswers(r, ANSWERS);
    expect(await runInstallCli(['--root', r, '--answers', answers], h.deps)).toBe(0);
    expect(h.err.join('')).toBe('');
    const files = await tree(r);
    const modes = Object.fromEntries(Object.entries(files).map(([p, f]) => [p, f.mode]));
    expect(modes).toMatchObject({
      '/etc/wireguard/wg0.conf': '600',
      '/etc/sysctl.d/99-wg-chatops.conf': '644',
      '/etc/apt/apt.conf.d/20auto-upgrades': '644',
      '/etc/wg-chatops/.env': '600',
      '/etc/wg-chatops/install-state.json': '600',
      '/etc/systemd/system/wg-chatops.service': '644',
    });
    // The server config: a free subnet away from the LAN, NAT for the detected firewall, no peers yet.
    const doc = parseServerConfig(files['/etc/wireguard/wg0.conf']!.content);
    expect(doc.iface.listenPort).toBe(51820);
    const [address] = doc.iface.addresses;
    expect(address).toMatch(/^10\.\d+\.\d+\.1\/24$/);
    expect(overlaps(address!.replace(/\.1\/24$/, '.0/24'), '192.168.1.0/24')).toBe(false);
    expect(files['/etc/wireguard/wg0.conf']!.content).toMatch(
      /^PostUp = nft add rule inet wgchatops_wg0 postrouting ip saddr 10\.\d+\.\d+\.0\/24 oifname "eth0" masquerade$/m,
    );
    expect(listPeers(doc)).toEqual([]);
    expect(files['/etc/wg-chatops/.env']!.content).toContain(`TELEGRAM_BOT_TOKEN=${TOKEN}`);
    expect(files['/etc/wg-chatops/.env']!.content).toContain('WG_ENDPOINT=vpn.example.org');
    expect(files['/etc/wg-chatops/.env']!.content).not.toContain('INSTALL_');
    expect(files['/etc/systemd/system/wg-chatops.service']!.content).toContain(
      'ExecStart=/usr/bin/node --max-semi-space-size=1 --max-old-space-size=256 --compact-on-every-full-gc /opt/wg-chatops/bin/wg-chatops.js',
    );
    // `wg-chatops doctor` works from any shell afterwards.
    expect(await readlink(join(r, 'usr/local/bin/wg-chatops'))).toBe('/opt/wg-chatops/bin/wg-chatops.js');
    expect(net.mapped).toEqual(['51820->192.168.1.23']);
    const ran = h.system.mutations().map((c) => c.argv.join(' '));
    expect(ran).toContain('apt-get install -y --no-install-recommends wireguard-tools unattended-upgrades'.replace(' unattended-upgrades', ''));
    expect(ran).toContain('systemctl enable --now wg-quick@wg0');
    expect(ran).toContain('systemctl enable --now wg-chatops');
    expect(ran.find((c) => c.startsWith('useradd'))).toMatch(/ wg-chatops$/);
    expect(h.out.join('')).not.toContain(TOKEN);
  });

  it('refuses an answers file with a bad value, clearly, and writes nothing', async () => {
    const r = await root();
    const h = harness(r);
    const before = await tree(r);
    const answers = await writeAnswers(r, ANSWERS.replace('WG_PORT=51820', 'WG_PORT=70000'));
    expect(await runInstallCli(['--root', r, '--answers', answers], h.deps)).toBe(2);
    expect(h.err.join('')).toContain(`Invalid input in ${answers}: WG_PORT: expected a whole number from 1 to 65535, got "70000"`);
    expect(h.err.join('')).toContain('Nothing was written or changed.');
    expect(await tree(r)).toEqual(before);
    expect(h.system.calls).toEqual([]);

    const h2 = harness(r);
    const typo = await writeAnswers(r, `${ANSWERS}INSTALL_STATIC_IPP=yes\n`);
    expect(await runInstallCli(['--root', r, '--answers', typo], h2.deps)).toBe(2);
    expect(h2.err.join('')).toContain('line 8: INSTALL_STATIC_IPP: unknown key');
    const bad = await writeAnswers(r, `${ANSWERS}INSTALL_STATIC_IP=maybe\n`.replace('INSTALL_STATIC_IP=no\n', ''));
    expect(await runInstallCli(['--root', r, '--answers', bad], harness(r).deps)).toBe(2);
    expect(await tree(r)).toEqual(before);
  });

  it('takes WG_SUBNET and WG_SUBNET6 when given, and refuses a subnet the LAN already uses', async () => {
    const r = await root();
    const h = harness(r);
    const answers = await writeAnswers(r, `${ANSWERS}WG_SUBNET=10.77.5.0/24\nWG_SUBNET6=fd11:5ee:bad:c0de::/64\nINSTALL_FIREWALL=iptables\n`);
    expect(await runInstallCli(['--root', r, '--answers', answers], h.deps)).toBe(0);
    const conf = (await tree(r))['/etc/wireguard/wg0.conf']!.content;
    expect(conf).toContain('Address = 10.77.5.1/24,fd11:5ee:bad:c0de::1/64\n');
    expect(conf).toContain('PostUp = iptables -t nat -A POSTROUTING -s 10.77.5.0/24 -o eth0 -j MASQUERADE\n');
    expect(conf).toContain('PostUp = ip6tables -t nat -A POSTROUTING -s fd11:5ee:bad:c0de::/64 -o eth0 -j MASQUERADE\n');
    expect(conf).toContain('PostDown = iptables -t nat -D POSTROUTING -s 10.77.5.0/24 -o eth0 -j MASQUERADE\n');
    expect((await tree(r))['/etc/sysctl.d/99-wg-chatops.conf']!.content).toContain('net.ipv6.conf.all.forwarding = 1');

    const r2 = await root();
    const h2 = harness(r2);
    const clash = await writeAnswers(r2, `${ANSWERS}WG_SUBNET=192.168.1.0/24\n`);
    expect(await runInstallCli(['--root', r2, '--answers', clash], h2.deps)).toBe(1);
    expect(h2.err.join('')).toContain('WG_SUBNET 192.168.1.0/24 overlaps 192.168.1.0/24, a network this machine is on');
    expect(h2.system.mutations()).toEqual([]);
    expect(Object.keys(await tree(r2))).toEqual(['/etc/os-release', '/etc/passwd']);
  });

  it('refuses another OS and an old Node with advice', async () => {
    const r = await root(OS_RELEASE.ubuntu);
    const h = harness(r);
    expect(await runInstallCli(['--root', r, '--yes'], h.deps)).toBe(1);
    expect(h.err.join('')).toContain('This is Ubuntu 24.04 LTS; install supports Raspberry Pi OS and Debian (bookworm, trixie) only.');
    const r2 = await root();
    const h2 = harness(r2, { nodeVersion: '18.19.0' });
    expect(await runInstallCli(['--root', r2, '--yes'], h2.deps)).toBe(1);
    expect(h2.err.join('')).toContain('Node.js 18.19.0 is too old');
    expect(h2.err.join('')).toContain('deb.nodesource.com/setup_20.x');
    expect(h2.system.mutations()).toEqual([]);
  });

  it('speaks Japanese when LANG says so', async () => {
    const r = await root();
    const h = harness(r);
    h.deps.env = { LANG: 'ja_JP.UTF-8' };
    await runInstallCli(['--root', r, '--dry-run', '--yes'], h.deps);
    expect(h.out.join('')).toContain('このマシンの確認');
  });

  it('uninstall keeps keys unless asked, --purge removes them', async () => {
    const r = await root();
    const h = harness(r);
    await runInstallCli(['--root', r, '--answers', await writeAnswers(r, ANSWERS)], h.deps);
    const u = harness(r);
    Object.assign(u.system, { enabled: h.system.enabled, active: h.system.active });
    expect(await runUninstallCli(['--root', r, '--yes'], u.deps)).toBe(0);
    let files = await tree(r);
    expect(files['/etc/systemd/system/wg-chatops.service']).toBeUndefined();
    expect(files['/etc/sysctl.d/99-wg-chatops.conf']).toBeUndefined();
    await expect(readlink(join(r, 'usr/local/bin/wg-chatops'))).rejects.toThrow(/ENOENT/);
    expect(files['/etc/wireguard/wg0.conf']).toBeDefined();
    expect(files['/etc/wg-chatops/.env']).toBeDefined();
    expect(u.system.active.has('wg-chatops')).toBe(false);
    expect(await runUninstallCli(['--root', r, '--yes', '--purge'], harness(r).deps)).toBe(0);
    files = await tree(r);
    expect(files['/etc/wireguard/wg0.conf']).toBeUndefined();
    expect(files['/etc/wg-chatops/.env']).toBeUndefined();
  });

  it('every subcommand answers --help', async () => {
    const { runDoctorCli } = await import('../../src/install/cli.js');
    for (const run of [runInstallCli, runUninstallCli, runDoctorCli]) {
      const h = harness('/');
      expect(await run(['--help'], h.deps)).toBe(0);
      expect(h.out.join('')).toMatch(/Usage: (sudo )?wg-chatops (install|uninstall|doctor)/);
      expect(h.system.calls).toEqual([]);
    }
  });
});
