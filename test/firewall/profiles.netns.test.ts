/**
 * Profiles enforced on the Pi, with real tunnels and real nftables, and the same again with the iptables
 * backend (iptables-nft and iptables-legacy). Topology (all namespaces made here):
 *
 *   client ns ──veth── server ns (wireguard-go, the bot's nft table, install's NAT table) ──veth── LAN ns   (192.168.77.10, fd77::10)
 *                                                                                          └─veth── "Internet" ns (81.2.69.20, 2001:db8:69::20)
 *
 * The bot runs in this process and drives the server interface through its control socket; its firewall
 * rules go into the server namespace through `ip netns exec NS nft` (or iptables-restore), connections are
 * cut there with `ip netns exec NS conntrack`. Traffic never leaves these namespaces.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/index.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { NftPeerPolicy, tableName } from '../../src/firewall/nft.js';
import { IptablesPeerPolicy, chainBase, iptablesProgram } from '../../src/firewall/iptables.js';
import { Conntrack } from '../../src/firewall/conntrack.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { iptablesRules, nftablesRules } from '../../src/install/tunnel.js';
import { createLab, createWgInterface, rootWith, sh, shAsync, tunnelTestsEnabled, uniqueName, type TestLab } from '../helpers/netns.js';
import { writeFileSync } from 'node:fs';

const LAN_HOST = '192.168.77.10';
const LAN_HOST6 = 'fd77::10';
const NET_HOST = '81.2.69.20';
const NET_HOST6 = '2001:db8:69::20';
const SUBNET6 = 'fd11:5ee:bad:c0de::/64';

type Backend = 'nftables' | 'iptables-nft' | 'iptables-legacy';
const tunnels = tunnelTestsEnabled();
const BACKENDS: Array<[Backend, boolean]> = [
  ['nftables', tunnels && rootWith('nft')],
  ['iptables-nft', tunnels && rootWith('iptables-nft-restore', 'ip6tables-nft-restore')],
  ['iptables-legacy', tunnels && rootWith('iptables-legacy-restore', 'ip6tables-legacy-restore')],
];
// conntrack cuts what a /route change forbids; CI installs it (a machine without it skips that one test).
const hasConntrack = rootWith('conntrack');

for (const [backend, enabled] of BACKENDS)
  describe.runIf(enabled)(`per-peer profiles enforced by the Pi (namespaces, wireguard-go, ${backend})`, () => {
    const variant = backend === 'iptables-nft' ? 'nft' : 'legacy';
    let lab: TestLab;
    let lanNs: string;
    let netNs: string;
    let app: (App & { isolation: boolean }) | undefined;
    const servers: ChildProcess[] = [];
    const clients: { iface: string; ns: string }[] = [];

    const inNs = (ns: string, cmd: string, args: string[]) => sh('ip', ['netns', 'exec', ns, cmd, ...args]);
    const ping = async (ns: string, target: string) => {
      const r = await shAsync('ip', ['netns', 'exec', ns, 'ping', target.includes(':') ? '-6' : '-4', '-c', '2', '-W', '1', '-i', '0.2', target]);
      return r.code === 0 && !/ 0 received/.test(r.stdout);
    };
    /** A TCP connect from a namespace (node as the client: no nc here); true when it connected. */
    const tcpConnects = async (ns: string, host: string, port: number) => {
      const script = `const s=require('net').connect({host:${JSON.stringify(host)},port:${port},timeout:1500});s.on('connect',()=>process.exit(0));s.on('timeout',()=>process.exit(2));s.on('error',()=>process.exit(3));`;
      return (await shAsync('ip', ['netns', 'exec', ns, process.execPath, '-e', script])).code === 0;
    };
    /** TCP servers that echo what they receive. */
    const listen = (ns: string, ports: number[]) => {
      const script = `for (const p of ${JSON.stringify(ports)}) for (const h of ['0.0.0.0','::']) require('net').createServer(c=>{c.on('error',()=>{});c.pipe(c)}).listen({port:p,host:h,ipv6Only:h==='::'});`;
      const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: 'ignore' });
      servers.push(child);
    };

    /** What the WireGuard app does with a config: addresses, routes for AllowedIPs, wg setconf. */
    function bringUp(config: string, opts: { ns?: string; allowedIps?: string[] } = {}): string {
      const ns = opts.ns ?? lab.clientNs;
      const iface = uniqueName('wgk');
      createWgInterface(ns, iface);
      clients.push({ iface, ns });
      const addresses: string[] = [];
      let allowed: string[] = [];
      const kept: string[] = [];
      for (const line of config.split('\n')) {
        const m = /^\s*(\w+)\s*=\s*(.*)$/.exec(line);
        const key = m?.[1]?.toLowerCase();
        if (key === 'address') addresses.push(...m![2]!.split(',').map((s) => s.trim()));
        else if (key === 'dns' || key === 'mtu') continue;
        else if (key === 'allowedips') {
          allowed = opts.allowedIps ?? m![2]!.split(',').map((s) => s.trim());
          kept.push(`AllowedIPs = ${allowed.join(', ')}`);
        } else kept.push(line);
      }
      const file = join(lab.configDir, `${iface}.conf`);
      writeFileSync(file, kept.join('\n'), { mode: 0o600 });
      sh('wg', ['setconf', iface, file]);
      for (const a of addresses)
        sh('ip', ['-n', ns, ...(a.includes(':') ? ['-6'] : []), 'addr', 'add', a, 'dev', iface, ...(a.includes(':') ? ['nodad'] : [])]);
      sh('ip', ['-n', ns, 'link', 'set', iface, 'up']);
      for (const cidr of allowed) {
        const six = cidr.includes(':');
        const dest = cidr === '0.0.0.0/0' || cidr === '::/0' ? 'default' : cidr;
        sh('ip', ['-n', ns, ...(six ? ['-6'] : []), 'route', 'replace', dest, 'dev', iface]);
      }
      return iface;
    }
    const down = (iface: string) => {
      const c = clients.find((x) => x.iface === iface)!;
      sh('rm', ['-f', `/var/run/wireguard/${iface}.sock`]);
      try {
        sh('ip', ['-n', c.ns, 'link', 'del', iface]);
      } catch {
        /* gone with its process */
      }
    };

    function veth(ns: string, name: string, serverCidrs: string[], hostCidrs: string[], gw4: string, gw6: string) {
      sh('ip', ['netns', 'add', ns]);
      sh('ip', ['link', 'add', `s${name}`, 'netns', lab.serverNs, 'type', 'veth', 'peer', 'name', `h${name}`, 'netns', ns]);
      for (const c of serverCidrs)
        sh('ip', ['-n', lab.serverNs, ...(c.includes(':') ? ['-6'] : []), 'addr', 'add', c, 'dev', `s${name}`, ...(c.includes(':') ? ['nodad'] : [])]);
      for (const c of hostCidrs)
        sh('ip', ['-n', ns, ...(c.includes(':') ? ['-6'] : []), 'addr', 'add', c, 'dev', `h${name}`, ...(c.includes(':') ? ['nodad'] : [])]);
      sh('ip', ['-n', lab.serverNs, 'link', 'set', `s${name}`, 'up']);
      sh('ip', ['-n', ns, 'link', 'set', `h${name}`, 'up']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      sh('ip', ['-n', ns, 'route', 'add', 'default', 'via', gw4]);
      sh('ip', ['-n', ns, '-6', 'route', 'add', 'default', 'via', gw6]);
    }

    let dataDir = '';
    async function startBot(isolation: boolean) {
      await app?.stop();
      dataDir ||= mkdtempSync(join(tmpdir(), 'wgc-fw-'));
      const config = parseConfig(
        {
          WG_INTERFACE: lab.serverIface,
          WG_CONFIG_DIR: lab.configDir,
          WG_ENDPOINT: lab.serverLanIp,
          WG_SUBNET: lab.tunnelCidr,
          WG_SUBNET6: SUBNET6,
          DATA_DIR: dataDir,
          ADMIN_KEYS: 'test:admin',
          LAN_SUBNETS: '192.168.77.0/24,fd77::/64',
          CLIENT_ISOLATION: String(isolation),
          WG_FIREWALL: 'nftables',
        },
        { isRoot: true, cwd: dataDir },
      );
      const logger = createMemoryLogger();
      const runner = createProcessRunner(logger);
      let built: App | undefined;
      const settings = () => {
        const t = built!.peers.tunnel();
        return {
          iface: lab.serverIface,
          tunnelNetworks: t.networks,
          serverAddresses: t.serverAddresses,
          lanSubnets: ['192.168.77.0/24', 'fd77::/64'],
          isolation,
        };
      };
      const conntrack = new Conntrack({ runner, argv: ['ip', 'netns', 'exec', lab.serverNs, 'conntrack'], logger });
      const policy =
        backend === 'nftables'
          ? new NftPeerPolicy({ runner, nft: ['ip', 'netns', 'exec', lab.serverNs, 'nft'], settings, conntrack })
          : new IptablesPeerPolicy({ runner, variant, prefix: ['ip', 'netns', 'exec', lab.serverNs], settings, conntrack });
      built = await buildApp(config, { logger, runner, policy });
      await built.start();
      app = Object.assign(built, { isolation });
      return built;
    }

    beforeAll(async () => {
      lab = createLab({ tunnelCidr: '10.88.0.0/24' });
      lanNs = `wgcl${lab.id}`;
      netNs = `wgci${lab.id}`;
      sh('ip', ['-n', lab.serverNs, '-6', 'addr', 'add', 'fd11:5ee:bad:c0de::1/64', 'dev', lab.serverIface, 'nodad']);
      veth(lanNs, `l${lab.id}`, ['192.168.77.1/24', 'fd77::1/64'], [`${LAN_HOST}/24`, `${LAN_HOST6}/64`], '192.168.77.1', 'fd77::1');
      veth(netNs, `i${lab.id}`, ['81.2.69.1/24', '2001:db8:69::1/64'], [`${NET_HOST}/24`, `${NET_HOST6}/64`], '81.2.69.1', '2001:db8:69::1');
      inNs(lab.serverNs, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
      inNs(lab.serverNs, 'sysctl', ['-qw', 'net.ipv6.conf.all.forwarding=1']);
      // install's own NAT (to the "Internet", IPv4 and NAT66) for that backend, as wg-quick's PostUp would add it.
      const nat =
        backend === 'nftables'
          ? nftablesRules(lab.tunnelCidr, SUBNET6, `si${lab.id}`, lab.serverIface).postUp
          : iptablesRules(lab.tunnelCidr, SUBNET6, `si${lab.id}`).postUp.map((c) => c.replace(/^(ip6?tables)/, `$1-${variant}`));
      for (const cmd of nat) inNs(lab.serverNs, 'sh', ['-c', cmd.replace(/%i/g, lab.serverIface)]);
      listen(lanNs, [445, 22]);
      listen(netNs, [443]);
      await new Promise((r) => setTimeout(r, 500));
    }, 60_000);

    afterAll(async () => {
      await app?.stop();
      for (const s of servers) s.kill('SIGKILL');
      for (const c of clients) sh('rm', ['-f', `/var/run/wireguard/${c.iface}.sock`]);
      for (const ns of [lanNs, netNs]) await shAsync('ip', ['netns', 'del', ns]);
      lab?.destroy();
    });

    /** How the backend holds the peers' dispatch (nft's map, or the iptables peers chain). */
    const dispatch = () =>
      backend === 'nftables'
        ? inNs(lab.serverNs, 'nft', ['list', 'map', 'inet', tableName(lab.serverIface), 'peers4'])
        : inNs(lab.serverNs, iptablesProgram({ variant }, 4, 'save')[0]!, ['-t', 'filter'])
            .split('\n')
            .filter((l) => l.startsWith(`-A ${chainBase(lab.serverIface)}-p `))
            .join('\n');

    const add = async (name: string, profile?: string) => (await app!.peers.add({ name, owner: 'test:admin', ...(profile ? { profile } : {}) })).clientConfig;

    it('the bot writes its own table (or chains) in the server namespace, named after the interface', async () => {
      await startBot(true);
      if (backend === 'nftables') {
        const table = inNs(lab.serverNs, 'nft', ['list', 'table', 'inet', tableName(lab.serverIface)]);
        expect(table).toMatch(/hook forward/);
        expect(table).toMatch(/oifname "[^"]+" drop/);
        return;
      }
      for (const family of [4, 6] as const) {
        const saved = inNs(lab.serverNs, iptablesProgram({ variant }, family, 'save')[0]!, ['-t', 'filter']);
        const base = chainBase(lab.serverIface);
        expect(saved).toContain(`-A FORWARD -j ${base}`);
        expect(saved).toContain(`-A INPUT -i ${lab.serverIface} -j ${base}-in`);
        expect(saved).toContain(`-A ${base} -o ${lab.serverIface} -j DROP`);
        expect(saved).toContain(`-A ${base}-p -j DROP`);
      }
      // A restart rewrites them instead of adding a second copy.
      await startBot(true);
      const again = inNs(lab.serverNs, iptablesProgram({ variant }, 4, 'save')[0]!, ['-t', 'filter']);
      expect(again.split('\n').filter((l) => l === `-A FORWARD -j ${chainBase(lab.serverIface)}`)).toHaveLength(1);
    });

    it('full reaches the LAN host and the Internet host, over IPv4 and IPv6 (server ULA too)', async () => {
      const iface = bringUp(await add('full1'));
      expect(await ping(lab.clientNs, LAN_HOST)).toBe(true);
      expect(await ping(lab.clientNs, NET_HOST)).toBe(true);
      expect(await ping(lab.clientNs, '10.88.0.1')).toBe(true);
      expect(await ping(lab.clientNs, 'fd11:5ee:bad:c0de::1')).toBe(true);
      expect(await ping(lab.clientNs, NET_HOST6)).toBe(true);
      expect(await tcpConnects(lab.clientNs, NET_HOST, 443)).toBe(true);
      down(iface);
    });

    it('lan reaches the LAN host but not the Internet host, even with the config edited to 0.0.0.0/0', async () => {
      const config = await add('lan1', 'lan');
      expect(config).not.toMatch(/0\.0\.0\.0\/0/);
      const iface = bringUp(config, { allowedIps: ['0.0.0.0/0', '::/0'] });
      expect(await ping(lab.clientNs, LAN_HOST)).toBe(true);
      expect(await ping(lab.clientNs, LAN_HOST6)).toBe(true);
      expect(await ping(lab.clientNs, NET_HOST)).toBe(false);
      expect(await ping(lab.clientNs, NET_HOST6)).toBe(false);
      expect(await tcpConnects(lab.clientNs, NET_HOST, 443)).toBe(false);
      down(iface);
    });

    it('a one-service peer reaches exactly that port', async () => {
      const iface = bringUp(await add('nas1', `${LAN_HOST}:445/tcp`), { allowedIps: ['0.0.0.0/0'] });
      expect(await tcpConnects(lab.clientNs, LAN_HOST, 445)).toBe(true);
      expect(await tcpConnects(lab.clientNs, LAN_HOST, 22)).toBe(false);
      expect(await tcpConnects(lab.clientNs, NET_HOST, 443)).toBe(false);
      down(iface);
    });

    it('connections from the LAN into the tunnel are dropped', async () => {
      const iface = bringUp(await add('full2'));
      const address = app!.peers.get('full2')!.entry.allowedIps[0]!.replace(/\/32$/, '');
      sh('ip', ['-n', lanNs, 'route', 'replace', lab.tunnelCidr, 'via', '192.168.77.1']);
      expect(await ping(lab.clientNs, LAN_HOST)).toBe(true); // its own connection is answered
      expect(await ping(lanNs, address)).toBe(false); // a new one from the LAN is not
      down(iface);
    });

    it('/route takes effect at once, without dropping another peer’s session', async () => {
      const other = bringUp(await add('steady'));
      const steadyAddr = app!.peers.get('steady')!.entry.allowedIps[0]!;
      const moverConfig = await add('mover', 'lan');
      // A second client namespace for the peer that moves (two tunnels in one namespace would share routes).
      const ns2 = `wgcx${lab.id}`;
      sh('ip', ['netns', 'add', ns2]);
      try {
        sh('ip', ['link', 'add', `x${lab.id}`, 'netns', lab.serverNs, 'type', 'veth', 'peer', 'name', `y${lab.id}`, 'netns', ns2]);
        sh('ip', ['-n', lab.serverNs, 'addr', 'add', '10.232.0.1/24', 'dev', `x${lab.id}`]);
        sh('ip', ['-n', ns2, 'addr', 'add', '10.232.0.2/24', 'dev', `y${lab.id}`]);
        sh('ip', ['-n', lab.serverNs, 'link', 'set', `x${lab.id}`, 'up']);
        sh('ip', ['-n', ns2, 'link', 'set', `y${lab.id}`, 'up']);
        const mover = bringUp(moverConfig.replace(/Endpoint = .*/, `Endpoint = 10.232.0.1:${lab.listenPort}`), {
          ns: ns2,
          allowedIps: ['0.0.0.0/0'],
        });
        expect(await ping(ns2, NET_HOST)).toBe(false);
        // A long-lived session of the steady peer: a TCP connection kept open across the change.
        const session = spawn('ip', [
          'netns',
          'exec',
          lab.clientNs,
          process.execPath,
          '-e',
          `const s=require('net').connect(443,${JSON.stringify(NET_HOST)});s.on('connect',()=>console.log('up'));s.on('close',()=>{console.log('closed');process.exit(1)});setTimeout(()=>{console.log('alive');process.exit(0)},9000);`,
        ]);
        let out = '';
        session.stdout.on('data', (d) => (out += String(d)));
        const exited = new Promise<number | null>((r) => session.on('exit', r));
        // Until the session is up (polled, generous for a slow machine; it stays open for 9 s).
        for (let i = 0; i < 80 && !/up/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
        expect(out).toMatch(/up/);
        const rulesBefore = dispatch();
        await app!.peers.setProfile('mover', 'full');
        expect(await ping(ns2, NET_HOST)).toBe(true);
        await app!.peers.setProfile('mover', `${NET_HOST}:443/tcp`);
        expect(await ping(ns2, NET_HOST)).toBe(false);
        expect(await tcpConnects(ns2, NET_HOST, 443)).toBe(true);
        const code = await exited;
        expect(out).toMatch(/alive/);
        expect(code).toBe(0);
        expect(await ping(lab.clientNs, NET_HOST)).toBe(true);
        // The steady peer's map element was untouched (no full reload).
        expect(rulesBefore).toContain(steadyAddr.replace(/\/32$/, ''));
        expect(dispatch()).toContain(steadyAddr.replace(/\/32$/, ''));
        down(mover);
      } finally {
        down(other);
        await shAsync('ip', ['netns', 'del', ns2]);
      }
    }, 60_000);

    it.runIf(hasConntrack)(
      'a connection opened before /route that the new profile forbids stops after it',
      async () => {
        const iface = bringUp(await add('cutme'));
        // An echo session to the Internet host: the client sends every 100 ms and logs the time of each echo.
        const session = spawn('ip', [
          'netns',
          'exec',
          lab.clientNs,
          process.execPath,
          '-e',
          `const s=require('net').connect(443,${JSON.stringify(NET_HOST)});s.on('data',()=>console.log(Date.now()));setInterval(()=>s.write('x'),100);s.on('error',()=>{});setTimeout(()=>process.exit(0),8000);`,
        ]);
        let out = '';
        session.stdout.on('data', (d) => (out += String(d)));
        const exited = new Promise((r) => session.on('exit', r));
        try {
          await new Promise((r) => setTimeout(r, 1500));
          expect(out.trim().split('\n').length).toBeGreaterThan(2); // flowing before the change
          await app!.peers.setProfile('cutme', 'lan');
          const changedAt = Date.now();
          await exited;
          const echoes = out.trim().split('\n').map(Number);
          // Nothing got through once the change was made (2 s of slack for echoes already on their way).
          expect(echoes.filter((t) => t > changedAt + 2000)).toEqual([]);
          expect(await ping(lab.clientNs, LAN_HOST)).toBe(true); // what lan allows still works
        } finally {
          session.kill('SIGKILL');
          down(iface);
        }
      },
      60_000,
    );

    it('peers cannot reach each other with isolation on, and can with it off (rules rebuilt at start)', async () => {
      for (const isolation of [true, false]) {
        await startBot(isolation);
        const a = app!.peers.get('full1')!.entry.allowedIps[0]!.replace(/\/32$/, '');
        // Peer full2 in the client namespace pings peer full1's tunnel address (full1 up in a second namespace).
        const ns3 = `wgcy${lab.id}`;
        sh('ip', ['netns', 'add', ns3]);
        try {
          sh('ip', ['link', 'add', `z${lab.id}`, 'netns', lab.serverNs, 'type', 'veth', 'peer', 'name', `w${lab.id}`, 'netns', ns3]);
          sh('ip', ['-n', lab.serverNs, 'addr', 'add', '10.233.0.1/24', 'dev', `z${lab.id}`]);
          sh('ip', ['-n', ns3, 'addr', 'add', '10.233.0.2/24', 'dev', `w${lab.id}`]);
          sh('ip', ['-n', lab.serverNs, 'link', 'set', `z${lab.id}`, 'up']);
          sh('ip', ['-n', ns3, 'link', 'set', `w${lab.id}`, 'up']);
          const first = app!.peers.clientConfigFor('full1')!;
          const one = bringUp(first.replace(/Endpoint = .*/, `Endpoint = 10.233.0.1:${lab.listenPort}`), { ns: ns3 });
          const two = bringUp(app!.peers.clientConfigFor('full2')!);
          expect(await ping(lab.clientNs, '10.88.0.1')).toBe(true);
          expect(await ping(lab.clientNs, a)).toBe(!isolation);
          down(one);
          down(two);
        } finally {
          await shAsync('ip', ['netns', 'del', ns3]);
        }
      }
    }, 60_000);
  });
