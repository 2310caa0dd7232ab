/**
 * Adopting a PiVPN WireGuard install on a real, booted Debian trixie. The container is seeded with the
 * files PiVPN leaves (../shared/reference/facts.md): setupVars.conf, wg0.conf with "### begin NAME ###"
 * blocks (one client disabled, "#[disabled] "), keys/, configs/NAME.conf, clients.txt in both IP forms,
 * and the 0640 copies in $install_home/configs, with real keys from `wg genkey`. Then the package and
 * `wg-chatops install --answers` adopt it. Afterwards PiVPN's files still list the same clients the way
 * `pivpn -l` reads them (listCONF: clients.txt's fields, disabled ones from wg0.conf's markers), an
 * existing client's config pings through, and /addpeer adds a client in PiVPN's format too.
 */
import { describe, expect, it } from 'vitest';
import { aptInstall, ask, bootedTestsEnabled, fileHashes, useTrixieLab, writeAnswers } from '../helpers/booted.js';
import { decodeQrPng } from '../helpers/qr.js';

const MIN = 60_000;
const NET6 = 'fd11:5ee:bad:c0de::';

interface Seeded {
  name: string;
  ip: string;
  /** clients.txt's 4th field as PiVPN wrote it: the old last-octet form or the 32-bit integer. */
  ipField: string;
  disabled: boolean;
  pub: string;
}

const ipToInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const v6Of = (ip: string) => {
  const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
  return `${NET6}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
};

/** What `pivpn -l` shows, read as listCONF.sh does: clients.txt line by line, disabled names from wg0.conf. */
function pivpnList(clientsTxt: string, wg0: string): { clients: { name: string; pub: string; created: number; ipField: string }[]; disabled: string[] } {
  const clients = clientsTxt
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [name = '', pub = '', created = '', ipField = ''] = l.trim().split(/\s+/);
      return { name, pub, created: Number(created), ipField };
    });
  const disabled = [...wg0.matchAll(/^#\[disabled\] ### begin (\S+) ###$/gm)].map((m) => m[1]!);
  return { clients, disabled };
}

/** The wg0.conf block of NAME (markers included), as PiVPN's scripts find it with sed. */
function block(wg0: string, name: string): string | undefined {
  const m = new RegExp(`^(#\\[disabled\\] )?### begin ${name} ###\\n([\\s\\S]*?)^(#\\[disabled\\] )?### end ${name} ###$`, 'm').exec(wg0);
  return m?.[0];
}

describe.runIf(bootedTestsEnabled())('adopt a PiVPN install (booted Debian trixie)', () => {
  const { lab, start } = useTrixieLab(241, 236);

  const read = (path: string) => lab.box.run(['cat', path]);
  const put = (path: string, text: string, mode: string, owner = 'root:root') =>
    lab.box.run(['sh', '-c', `umask 077; cat > "$1" && chmod ${mode} "$1" && chown ${owner} "$1"`, 'put', path], { input: text });
  const genkey = async () => (await lab.box.run(['wg', 'genkey'])).trim();
  const pubkey = async (priv: string) => (await lab.box.run(['wg', 'pubkey'], { input: `${priv}\n` })).trim();

  /** PiVPN's makeCONF.sh result for one client. */
  async function seedClient(c: Omit<Seeded, 'pub'>, serverPub: string, host: string): Promise<{ seeded: Seeded; peerBlock: string; config: string }> {
    const priv = await genkey();
    const pub = await pubkey(priv);
    const psk = (await lab.box.run(['wg', 'genpsk'])).trim();
    await put(`/etc/wireguard/keys/${c.name}_priv`, `${priv}\n`, '600');
    await put(`/etc/wireguard/keys/${c.name}_pub`, `${pub}\n`, '600');
    await put(`/etc/wireguard/keys/${c.name}_psk`, `${psk}\n`, '600');
    const config = `[Interface]\nPrivateKey = ${priv}\nAddress = ${c.ip}/24,${v6Of(c.ip)}/64\nDNS = 9.9.9.9, 149.112.112.112\n\n[Peer]\nPublicKey = ${serverPub}\nPresharedKey = ${psk}\nEndpoint = ${host}:51820\nAllowedIPs = 0.0.0.0/0, ::0/0\n`;
    await put(`/etc/wireguard/configs/${c.name}.conf`, config, '600');
    await put(`/home/pi/configs/${c.name}.conf`, config, '640', 'pi:pi');
    const lines = [
      '### begin ' + c.name + ' ###',
      '[Peer]',
      `PublicKey = ${pub}`,
      `PresharedKey = ${psk}`,
      `AllowedIPs = ${c.ip}/32,${v6Of(c.ip)}/128`,
      `### end ${c.name} ###`,
    ];
    const peerBlock = lines.map((l) => (c.disabled ? `#[disabled] ${l}` : l)).join('\n');
    return { seeded: { ...c, pub }, peerBlock, config };
  }

  it(
    'keeps PiVPN’s files describing the same clients, serves the old configs, and adds peers in PiVPN’s format',
    async () => {
      const bootMs = await start();
      const { box, fake, lan } = lab;
      const deb = lab.debs[0]!;
      console.info(`booted pivpn: boot to running ${(bootMs / 1000).toFixed(1)} s`);

      // PiVPN as its installer left it, for the Pi's user pi (home 0700 as trixie makes it).
      await box.run(['useradd', '--create-home', '--shell', '/bin/bash', 'pi']);
      await box.run(['chmod', '0700', '/home/pi']);
      await box.run(['install', '-d', '-m', '0700', '/etc/wireguard', '/etc/wireguard/keys', '/etc/wireguard/configs']);
      await box.run(['install', '-d', '-m', '0755', '/etc/pivpn', '/etc/pivpn/wireguard']); // the installer's mkdir -p, umask 022
      await box.run(['install', '-d', '-m', '0755', '-o', 'pi', '-g', 'pi', '/home/pi/configs']);
      const host = lan.serverIp;
      await put(
        '/etc/pivpn/wireguard/setupVars.conf',
        [
          'PLAT=Debian',
          'OSCN=trixie',
          'USING_UFW=0',
          'IPv4dev=host0',
          'IPv6dev=host0',
          'dhcpReserv=1',
          `IPv4addr=${box.guestIp}/24`,
          `IPv4gw=${box.hostIp}`,
          'useNetworkManager=0',
          'install_user=pi',
          'install_home=/home/pi',
          'VPN=wireguard',
          'pivpnDEV=wg0',
          'pivpnNET=10.6.0.0',
          'subnetClass=24',
          'pivpnenableipv6=1',
          `pivpnNETv6="${NET6}"`,
          'subnetClassv6=64',
          'pivpnforceipv6route=1',
          'pivpnPROTO=udp',
          'pivpnMTU=1420',
          'pivpnPERSISTENTKEEPALIVE=25',
          'pivpnPORT=51820',
          'pivpnDNS1=9.9.9.9',
          'pivpnDNS2=149.112.112.112',
          'pivpnSEARCHDOMAIN=',
          `pivpnHOST=${host}`,
          'ALLOWED_IPS="0.0.0.0/0, ::0/0"',
          'UNATTUPG=1',
          'INSTALLED_PACKAGES=(wireguard-tools qrencode)',
        ].join('\n') + '\n',
        '644',
      );
      const serverPriv = await genkey();
      const serverPub = await pubkey(serverPriv);
      await put('/etc/wireguard/keys/server_priv', `${serverPriv}\n`, '600');
      await put('/etc/wireguard/keys/server_pub', `${serverPub}\n`, '600');
      const clients = [
        { name: 'oldphone', ip: '10.6.0.2', ipField: '2', disabled: false }, // before Nov 2023: the last octet
        { name: 'laptop', ip: '10.6.0.3', ipField: String(ipToInt('10.6.0.3')), disabled: false },
        { name: 'tablet', ip: '10.6.0.4', ipField: String(ipToInt('10.6.0.4')), disabled: true },
      ];
      const made = [];
      for (const c of clients) made.push(await seedClient(c, serverPub, host));
      await put(
        '/etc/wireguard/wg0.conf',
        `[Interface]\nPrivateKey = ${serverPriv}\nAddress = 10.6.0.1/24,${NET6}1/64\nMTU = 1420\nListenPort = 51820\n${made.map((m) => m.peerBlock).join('\n')}\n`,
        '600',
      );
      const created = [1650000000, 1700000000, 1710000000];
      await put(
        '/etc/wireguard/configs/clients.txt',
        made.map((m, i) => `${m.seeded.name} ${m.seeded.pub} ${created[i]} ${m.seeded.ipField}`).join('\n') + '\n',
        '600',
      );
      const listed = pivpnList(await read('/etc/wireguard/configs/clients.txt'), await read('/etc/wireguard/wg0.conf'));
      const pivpnFiles = ['/etc/wireguard/keys', '/etc/wireguard/configs', '/home/pi/configs', '/etc/pivpn'];
      // Contents and modes; owners may change (the bot takes /etc/wireguard over), and so may the home copies'
      // directory, which install makes setgid 2770 so that the bot reaches it through the pi group (checked below).
      const pivpnState = async () => (await fileHashes(box, pivpnFiles)).replace(/ [\w-]+:[\w-]+$/gm, '').replace(/^\/home\/pi\/configs \d+$/m, '');
      const pivpnBefore = await pivpnState();

      expect((await aptInstall(box, deb)).code).toBe(0);
      await writeAnswers(box, fake, []);
      const t0 = Date.now();
      const r = await box.exec(['wg-chatops', 'install', '--answers', '/root/answers.env']);
      console.info(`booted pivpn: install (adopt) took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/PiVPN/);
      for (const unit of ['wg-quick@wg0', 'wg-chatops']) expect((await box.exec(['systemctl', 'is-active', unit])).stdout.trim(), unit).toBe('active');
      expect((await box.run(['wg', 'show', 'wg0', 'public-key'])).trim()).toBe(serverPub);

      // PiVPN's own files: the same clients, byte for byte (only the owner of /etc/wireguard moved to the bot).
      const wg0 = await read('/etc/wireguard/wg0.conf');
      expect(pivpnList(await read('/etc/wireguard/configs/clients.txt'), wg0)).toEqual(listed);
      expect(listed.clients.map((c) => c.name)).toEqual(['oldphone', 'laptop', 'tablet']);
      expect(listed.disabled).toEqual(['tablet']);
      for (const m of made) expect(block(wg0, m.seeded.name), m.seeded.name).toBe(m.peerBlock);
      for (const m of made) expect(await read(`/etc/wireguard/configs/${m.seeded.name}.conf`)).toBe(m.config);
      expect(await pivpnState()).toBe(pivpnBefore);
      expect((await box.run(['stat', '-c', '%U:%G %a', '/home/pi/configs'])).trim()).toBe('pi:pi 2770');
      // The disabled client is not on the live interface; the others are.
      const live = await box.run(['wg', 'show', 'wg0', 'peers']);
      expect(live).toContain(made[0]!.seeded.pub);
      expect(live).not.toContain(made[2]!.seeded.pub);

      // The old phone's config, as PiVPN made it, pings through the adopted server.
      lan.bringUp(made[0]!.config, '10.6.0.0/24');
      expect(await lan.ping('10.6.0.1')).toBe(true);

      // /addpeer: a new client in PiVPN's format too.
      const photo = await ask(fake, '/addpeer desk', (m) => m.kind === 'photo', 'the QR photo');
      const config = decodeQrPng(photo.file!.data)!;
      expect(config).toContain(`Endpoint = ${host}:51820`);
      const after = pivpnList(await read('/etc/wireguard/configs/clients.txt'), await read('/etc/wireguard/wg0.conf'));
      expect(after.clients.slice(0, 3)).toEqual(listed.clients);
      const desk = after.clients[3]!;
      expect(desk.name).toBe('desk');
      expect(desk.ipField).toBe(String(ipToInt('10.6.0.5'))); // lowest free; the disabled tablet keeps .4
      expect(Math.abs(desk.created - Date.now() / 1000)).toBeLessThan(3600);
      expect(after.disabled).toEqual(['tablet']);
      const wg0After = await read('/etc/wireguard/wg0.conf');
      expect(block(wg0After, 'desk')).toMatch(
        new RegExp(
          `^### begin desk ###\\n\\[Peer\\]\\nPublicKey = ${desk.pub.replace(/[+/]/g, '\\$&')}\\n(PresharedKey = \\S+\\n)?AllowedIPs = 10\\.6\\.0\\.5/32`,
        ),
      );
      expect((await read('/etc/wireguard/keys/desk_pub')).trim()).toBe(desk.pub);
      const deskPriv = (await read('/etc/wireguard/keys/desk_priv')).trim();
      expect(await pubkey(deskPriv)).toBe(desk.pub);
      expect(await read('/etc/wireguard/configs/desk.conf')).toBe(config);
      // The home copy: 0640 in the pi group, so pi can read it (scp it to a laptop). PiVPN would also make pi its
      // owner; the bot has no CAP_CHOWN, so the owner stays the bot's user (the setgid directory gives the group).
      expect((await box.run(['stat', '-c', '%G %a', '/home/pi/configs/desk.conf'])).trim()).toBe('pi 640');
      expect(await box.run(['setpriv', '--reuid=pi', '--regid=pi', '--init-groups', 'cat', '/home/pi/configs/desk.conf'])).toBe(config);
      for (const m of made) expect(block(wg0After, m.seeded.name), m.seeded.name).toBe(m.peerBlock);
      // And the new client's config works too.
      lan.bringUp(config, '10.6.0.0/24');
      expect(await lan.ping('10.6.0.1')).toBe(true);
    },
    15 * MIN,
  );
});
