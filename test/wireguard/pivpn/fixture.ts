/** A PiVPN WireGuard layout as PiVPN's installer and makeCONF.sh leave it, under a temporary root. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, generatePresharedKey, type KeyPair } from '../../../src/core/keys.js';

export interface FixtureClient {
  name: string;
  keys: KeyPair;
  psk: string;
  v4: string;
  created: number;
  /** How clients.txt writes the address. */
  form: 'octet' | 'integer';
  disabled?: boolean;
}

export interface PivpnFixture {
  root: string;
  server: KeyPair;
  clients: FixtureClient[];
}

const ip2int = (v4: string): number => v4.split('.').reduce((a, o) => a * 256 + Number(o), 0);

export const SETUP_VARS = (home: string) => `PLAT=Raspbian
OSCN=bookworm
USING_UFW=0
IPv4dev=eth0
install_user=pi
install_home=${home}
VPN=wireguard
pivpnPORT=51820
pivpnDNS1=9.9.9.9
pivpnDNS2=149.112.112.112
pivpnHOST=vpn.example.org
pivpnPERSISTENTKEEPALIVE=25
pivpnPROTO=udp
pivpnMTU=1420
pivpnDEV=wg0
pivpnNET=10.84.12.0
subnetClass=24
pivpnenableipv6=1
pivpnNETv6="fd11:5ee:bad:c0de::"
subnetClassv6=64
ALLOWED_IPS="0.0.0.0/0, ::0/0"
UNATTUPG=1
INSTALLED_PACKAGES=(wireguard-tools qrencode "iptables-persistent")
`;

function block(c: FixtureClient): string {
  const hex = ip2int(c.v4).toString(16);
  const v6 = `fd11:5ee:bad:c0de::${hex.slice(0, -4).replace(/^0+/, '') || '0'}:${hex.slice(-4).replace(/^0+/, '') || '0'}`;
  const lines = [
    '### begin ' + c.name + ' ###',
    '[Peer]',
    `PublicKey = ${c.keys.publicKey}`,
    `PresharedKey = ${c.psk}`,
    `AllowedIPs = ${c.v4}/32,${v6}/128`,
    `### end ${c.name} ###`,
  ];
  return lines.map((l) => (c.disabled ? `#[disabled] ${l}` : l)).join('\n') + '\n';
}

export async function makePivpnFixture(): Promise<PivpnFixture> {
  const root = await mkdtemp(join(tmpdir(), 'pivpn-fixture-'));
  const server = generateKeyPair();
  const clients: FixtureClient[] = [
    { name: 'laptop', keys: generateKeyPair(), psk: generatePresharedKey(), v4: '10.84.12.2', created: 1_650_000_000, form: 'octet' },
    {
      name: 'bob@phone',
      keys: generateKeyPair(),
      psk: generatePresharedKey(),
      v4: '10.84.12.3',
      created: 1_700_000_000,
      form: 'integer',
      disabled: true,
    },
    { name: 'tablet', keys: generateKeyPair(), psk: generatePresharedKey(), v4: '10.84.12.4', created: 1_710_000_000, form: 'integer' },
  ];
  const wg = join(root, 'etc/wireguard');
  await mkdir(join(wg, 'keys'), { recursive: true, mode: 0o700 });
  await mkdir(join(wg, 'configs'), { recursive: true, mode: 0o700 });
  await mkdir(join(root, 'etc/pivpn/wireguard'), { recursive: true });
  await mkdir(join(root, 'home/pi/configs'), { recursive: true, mode: 0o750 });
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000:,,,:/home/pi:/bin/bash\n');
  await writeFile(join(root, 'etc/pivpn/wireguard/setupVars.conf'), SETUP_VARS('/home/pi'));
  await writeFile(join(wg, 'keys/server_priv'), `${server.privateKey}\n`, { mode: 0o600 });
  await writeFile(join(wg, 'keys/server_pub'), `${server.publicKey}\n`, { mode: 0o600 });
  let conf = `[Interface]\nPrivateKey = ${server.privateKey}\nAddress = 10.84.12.1/24,fd11:5ee:bad:c0de::1/64\nMTU = 1420\nListenPort = 51820\n`;
  let clientsTxt = '';
  for (const c of clients) {
    conf += block(c);
    await writeFile(join(wg, `keys/${c.name}_priv`), `${c.keys.privateKey}\n`, { mode: 0o600 });
    await writeFile(join(wg, `keys/${c.name}_pub`), `${c.keys.publicKey}\n`, { mode: 0o600 });
    await writeFile(join(wg, `keys/${c.name}_psk`), `${c.psk}\n`, { mode: 0o600 });
    const clientConf = `[Interface]\nPrivateKey = ${c.keys.privateKey}\nAddress = ${c.v4}/24\nDNS = 9.9.9.9, 149.112.112.112\n\n[Peer]\nPublicKey = ${server.publicKey}\nPresharedKey = ${c.psk}\nEndpoint = vpn.example.org:51820\nAllowedIPs = 0.0.0.0/0, ::0/0\n`;
    await writeFile(join(wg, `configs/${c.name}.conf`), clientConf, { mode: 0o600 });
    await writeFile(join(root, `home/pi/configs/${c.name}.conf`), clientConf, { mode: 0o640 });
    const field = c.form === 'octet' ? c.v4.split('.')[3] : String(ip2int(c.v4));
    clientsTxt += `${c.name} ${c.keys.publicKey} ${c.created} ${field}\n`;
  }
  await writeFile(join(wg, 'wg0.conf'), conf, { mode: 0o600 });
  await writeFile(join(wg, 'configs/clients.txt'), clientsTxt, { mode: 0o600 });
  return { root, server, clients };
}
