import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addressForV4, tunnelSubnetFromCidr } from '../../../src/core/allocate.js';
import { generateKeyPair, generatePresharedKey } from '../../../src/core/keys.js';
import { addPeer, listPeers, parseServerConfig, removePeer, renderServerConfig, setPeerEnabled } from '../../../src/core/server-config.js';
import { parseClientsTxt, resolveIpField } from '../../../src/wireguard/pivpn/clients-txt.js';
import { detectPivpnLayout } from '../../../src/wireguard/pivpn/layout.js';
import { envFromPivpn, parseSetupVars, pivpnSettings } from '../../../src/wireguard/pivpn/setup-vars.js';
import { makePivpnFixture, type PivpnFixture } from './fixture.js';

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

async function fixture(): Promise<PivpnFixture> {
  const f = await makePivpnFixture();
  roots.push(f.root);
  return f;
}

/** Every file under dir with its sha256, to prove reading changed nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return out;
}

/** PiVPN's own shell idioms (grep/sed/awk as its scripts use them), run on our files. */
const sh = (script: string, cwd: string): string => execFileSync('bash', ['-c', script], { cwd, encoding: 'utf8' });

describe('setupVars.conf', () => {
  it('reads quoted values and arrays as text', () => {
    const vars = parseSetupVars('A=plain\nB="fd11:5ee:bad:c0de::"\nC=\'x y\'\n# comment\nD=(a "b c" d)\nE=\nF="0.0.0.0/0, ::0/0" # trailing\n');
    expect(vars).toEqual({ A: 'plain', B: 'fd11:5ee:bad:c0de::', C: 'x y', D: ['a', 'b c', 'd'], E: '', F: '0.0.0.0/0, ::0/0' });
  });

  it('refuses anything that would run or expand, naming the line', () => {
    expect(() => parseSetupVars('A=1\nB=$(reboot)\n')).toThrow(/line 2: B: variable expansion is not supported/);
    expect(() => parseSetupVars('B="`id`"')).toThrow(/command substitution/);
    expect(() => parseSetupVars('rm -rf /')).toThrow(/line 1: not a NAME=VALUE assignment/);
    expect(() => parseSetupVars('A="open')).toThrow(/unterminated double quote/);
  });

  it('takes over endpoint, port, DNS and subnets', async () => {
    const f = await fixture();
    const settings = pivpnSettings(parseSetupVars(await readFile(join(f.root, 'etc/pivpn/wireguard/setupVars.conf'), 'utf8')));
    expect(envFromPivpn(settings)).toEqual({
      WG_INTERFACE: 'wg0',
      WG_PORT: '51820',
      WG_SUBNET: '10.84.12.0/24',
      WG_SUBNET6: 'fd11:5ee:bad:c0de::/64',
      WG_ENDPOINT: 'vpn.example.org',
      WG_DNS: '9.9.9.9,149.112.112.112',
      WG_CLIENT_ALLOWED_IPS: '0.0.0.0/0,::0/0',
      WG_PERSISTENT_KEEPALIVE: '25',
      WG_MTU: '1420',
    });
    expect(() => pivpnSettings({ pivpnNET: '10.6.0.0', pivpnPORT: '99999' })).toThrow(/pivpnPORT: expected a whole number from 1 to 65535/);
    expect(() => pivpnSettings({ VPN: 'openvpn', pivpnNET: '10.8.0.0' })).toThrow(/openvpn install/);
  });
});

describe('clients.txt', () => {
  const subnet = tunnelSubnetFromCidr('10.84.12.0/24');
  it('reads both address forms', () => {
    expect(resolveIpField('2', subnet)).toEqual({ v4: '10.84.12.2', form: 'octet' });
    expect(resolveIpField(String(0x0a540c03), subnet)).toEqual({ v4: '10.84.12.3', form: 'integer' });
    expect(resolveIpField(String(0x0a060002), subnet)).toBeUndefined();
    expect(parseClientsTxt('bad line\n').problems[0]).toMatch(/line 1/);
  });
});

describe('detectPivpnLayout', () => {
  it('imports names, creation times, client keys and addresses without rewriting a file', async () => {
    const f = await fixture();
    const before = await snapshot(f.root);
    const layout = await detectPivpnLayout({ root: f.root, configDir: '/etc/wireguard', interfaceName: 'wg0' });
    expect(layout).toBeDefined();
    expect(layout!.problems).toEqual([]);
    expect(layout!.settings?.host).toBe('vpn.example.org');
    expect(layout!.peers).toEqual(
      f.clients.map((c) => ({
        name: c.name,
        publicKey: c.keys.publicKey,
        createdAt: new Date(c.created * 1000).toISOString(),
        privateKey: c.keys.privateKey,
        address: c.v4,
        ipFieldForm: c.form,
      })),
    );
    expect(await snapshot(f.root)).toEqual(before);
  });

  it('is not PiVPN without keys/ and clients.txt', async () => {
    const f = await fixture();
    await rm(join(f.root, 'etc/wireguard/configs/clients.txt'));
    expect(await detectPivpnLayout({ root: f.root, configDir: '/etc/wireguard', interfaceName: 'wg0' })).toBeUndefined();
  });

  it('reports a clients.txt address that disagrees with AllowedIPs', async () => {
    const f = await fixture();
    const path = join(f.root, 'etc/wireguard/configs/clients.txt');
    const text = await readFile(path, 'utf8');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, text.replace(/ 2\n/, ' 9\n')));
    const layout = await detectPivpnLayout({ root: f.root, configDir: '/etc/wireguard', interfaceName: 'wg0' });
    expect(layout!.problems).toEqual(['"laptop": clients.txt says 10.84.12.9, AllowedIPs say 10.84.12.2; AllowedIPs win']);
    expect(layout!.peers[0]!.address).toBe('10.84.12.2');
  });

  it('names setupVars.conf and the line when it cannot be read', async () => {
    const f = await fixture();
    await import('node:fs/promises').then((fs) => fs.appendFile(join(f.root, 'etc/pivpn/wireguard/setupVars.conf'), 'X=$(id)\n'));
    await expect(detectPivpnLayout({ root: f.root, configDir: '/etc/wireguard', interfaceName: 'wg0' })).rejects.toThrow(
      /setupVars.conf: line 24: X: variable expansion/,
    );
  });
});

describe('PivpnMirror keeps PiVPN working', () => {
  it('add, disable, enable and revoke as pivpn -a, -off, -on and -r would', async () => {
    const f = await fixture();
    const layout = (await detectPivpnLayout({ root: f.root, configDir: '/etc/wireguard', interfaceName: 'wg0' }))!;
    const wgDir = join(f.root, 'etc/wireguard');
    const confPath = join(wgDir, 'wg0.conf');
    let doc = parseServerConfig(await readFile(confPath, 'utf8'));
    const subnet = tunnelSubnetFromCidr('10.84.12.0/24', 'fd11:5ee:bad:c0de::/64');
    const address = addressForV4(subnet, '10.84.12.5');
    const keys = generateKeyPair();
    const entry = {
      name: 'newphone',
      publicKey: keys.publicKey,
      presharedKey: generatePresharedKey(),
      allowedIps: address.allowedIps,
      enabled: true,
    };
    const config = `[Interface]\nPrivateKey = ${keys.privateKey}\nAddress = ${address.clientAddresses.join(', ')}\n`;
    const created = new Date('2025-01-02T03:04:05Z');

    doc = addPeer(doc, entry);
    await import('node:fs/promises').then((fs) => fs.writeFile(confPath, renderServerConfig(doc)));
    await layout.mirror.added(entry, { privateKey: keys.privateKey, config, createdAt: created });

    // pivpn -l reads clients.txt with awk; -c/-qr read configs/NAME.conf; makeCONF.sh finds used addresses by grep " DEC$".
    expect(sh(`awk '$1=="newphone" {print $2, $3, $4}' configs/clients.txt`, wgDir).trim()).toBe(`${keys.publicKey} ${created.getTime() / 1000} ${0x0a540c05}`);
    expect(sh(`grep -c " ${0x0a540c05}$" configs/clients.txt`, wgDir).trim()).toBe('1');
    expect(await readFile(join(wgDir, 'configs/newphone.conf'), 'utf8')).toBe(config);
    expect((await readFile(join(wgDir, 'keys/newphone_priv'), 'utf8')).trim()).toBe(keys.privateKey);
    expect((await readFile(join(wgDir, 'keys/newphone_pub'), 'utf8')).trim()).toBe(keys.publicKey);
    expect((await readFile(join(wgDir, 'keys/newphone_psk'), 'utf8')).trim()).toBe(entry.presharedKey);
    for (const k of ['priv', 'pub', 'psk']) expect((await stat(join(wgDir, `keys/newphone_${k}`))).mode & 0o777).toBe(0o600);
    const homeCopy = join(f.root, 'home/pi/configs/newphone.conf');
    expect(await readFile(homeCopy, 'utf8')).toBe(config);
    expect((await stat(homeCopy)).mode & 0o777).toBe(0o640);
    expect((await stat(homeCopy)).uid).toBe(1000);
    // Untouched: the other clients' lines, byte for byte.
    const original = (await readFile(join(wgDir, 'configs/clients.txt'), 'utf8')).split('\n').slice(0, 3);
    expect(original.map((l) => l.split(' ')[0])).toEqual(['laptop', 'bob@phone', 'tablet']);

    // disableCONF.sh's test for "already disabled", then its listing of disabled clients.
    doc = setPeerEnabled(doc, 'newphone', false);
    await import('node:fs/promises').then((fs) => fs.writeFile(confPath, renderServerConfig(doc)));
    await layout.mirror.enabledChanged({ ...entry, enabled: false });
    expect(sh(`grep -q "#\\[disabled\\] ### begin newphone" wg0.conf && echo yes`, wgDir).trim()).toBe('yes');
    expect(sh(`grep '\\[disabled\\] ### begin' wg0.conf | sed 's/#//g; s/begin//'`, wgDir)).toMatch(/\[disabled\]\s+bob@phone\s+\n\[disabled\]\s+newphone/);
    expect((await stat(join(wgDir, 'keys/newphone_priv'))).isFile()).toBe(true);
    doc = setPeerEnabled(doc, 'newphone', true);

    // Revoke: what removeCONF.sh deletes.
    doc = removePeer(doc, 'newphone');
    await import('node:fs/promises').then((fs) => fs.writeFile(confPath, renderServerConfig(doc)));
    await layout.mirror.removed(entry);
    expect(sh(`grep -c "^newphone " configs/clients.txt || true`, wgDir).trim()).toBe('0');
    for (const p of ['keys/newphone_priv', 'keys/newphone_pub', 'keys/newphone_psk', 'configs/newphone.conf']) {
      await expect(stat(join(wgDir, p))).rejects.toThrow(/ENOENT/);
    }
    await expect(stat(homeCopy)).rejects.toThrow(/ENOENT/);
    expect(listPeers(parseServerConfig(await readFile(confPath, 'utf8'))).map((p) => p.name)).toEqual(['laptop', 'bob@phone', 'tablet']);
    // The bot reads its own result back as PiVPN's layout, cleanly.
    const again = await detectPivpnLayout({ root: f.root, configDir: '/etc/wireguard', interfaceName: 'wg0' });
    expect(again!.problems).toEqual([]);
  });

  it("keeps the home copy readable by the install user (0640, theirs) under the bot's umask 077", async () => {
    const f = await fixture();
    const layout = (await detectPivpnLayout({ root: f.root, configDir: '/etc/wireguard', interfaceName: 'wg0' }))!;
    const keys = generateKeyPair();
    const address = addressForV4(tunnelSubnetFromCidr('10.84.12.0/24', 'fd11:5ee:bad:c0de::/64'), '10.84.12.9');
    const entry = { name: 'umaskphone', publicKey: keys.publicKey, allowedIps: address.allowedIps, enabled: true };
    await rm(join(f.root, 'home/pi/configs'), { recursive: true, force: true });
    const previous = process.umask(0o077);
    try {
      await layout.mirror.added(entry, { privateKey: keys.privateKey, config: '[Interface]\n', createdAt: new Date() });
    } finally {
      process.umask(previous);
    }
    const dir = await stat(join(f.root, 'home/pi/configs'));
    expect(dir.mode & 0o777).toBe(0o750);
    const copy = await stat(join(f.root, 'home/pi/configs/umaskphone.conf'));
    expect(copy.mode & 0o777).toBe(0o640);
    expect(copy.uid).toBe(1000);
    // The bot's own copies stay private.
    expect((await stat(join(f.root, 'etc/wireguard/configs/umaskphone.conf'))).mode & 0o777).toBe(0o600);
  });

  it('revokes an imported peer with an @ in its name, including the home copy PiVPN made', async () => {
    const f = await fixture();
    const layout = (await detectPivpnLayout({ root: f.root, configDir: '/etc/wireguard', interfaceName: 'wg0' }))!;
    const bob = f.clients[1]!;
    await layout.mirror.removed({ name: bob.name, publicKey: bob.keys.publicKey, allowedIps: [`${bob.v4}/32`], enabled: false });
    await expect(stat(join(f.root, 'home/pi/configs/bob@phone.conf'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(f.root, 'etc/wireguard/keys/bob@phone_priv'))).rejects.toThrow(/ENOENT/);
    const lines = (await readFile(join(f.root, 'etc/wireguard/configs/clients.txt'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['laptop', 'tablet']);
    expect(lines[0]!.split(' ')[3]).toBe('2'); // the old-form line stays as PiVPN wrote it
  });
});
