import { createSocket } from 'node:dgram';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runInstallCli } from '../../src/install/cli.js';
import { defaultWanProbe } from '../../src/install/wan-probe.js';
import { findWanService, natPmpMapper, upnpMapper } from '../../src/net/port-mapping.js';
import { startIpEcho } from '../fakes/ip-echo-server.js';
import { send, startHttpFake } from '../fakes/http-fake.js';
import { startNoipServer } from '../fakes/noip-server.js';
import { harness, makeRoot, TOKEN, tree, writeAnswers } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const IGD_XML = (control: string) => `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<deviceList><device><deviceList><device><serviceList>
<service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType><controlURL>/cmn</controlURL></service>
<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>${control}</controlURL></service>
</serviceList></device></deviceList></device></deviceList></device></root>`;

describe('port mapping', () => {
  it('UPnP IGD: finds the WAN service, maps UDP to the Pi, checks and removes it', async () => {
    const mappings = new Map<string, string>();
    const igd = await startHttpFake((req, res) => {
      if (req.path === '/desc.xml') return send(res, 200, IGD_XML('/ctl/IPConn'));
      const action = /#(\w+)"/.exec(String(req.headers.soapaction))?.[1];
      const arg = (n: string) => new RegExp(`<${n}>([^<]*)</${n}>`).exec(req.body)?.[1] ?? '';
      if (action === 'AddPortMapping') mappings.set(`${arg('NewProtocol')}/${arg('NewExternalPort')}`, arg('NewInternalClient'));
      if (action === 'DeletePortMapping') mappings.delete(`${arg('NewProtocol')}/${arg('NewExternalPort')}`);
      if (action === 'GetSpecificPortMappingEntry') {
        const client = mappings.get(`${arg('NewProtocol')}/${arg('NewExternalPort')}`);
        if (!client) return send(res, 500, '<s:Envelope><s:Body><s:Fault>NoSuchEntryInArray</s:Fault></s:Body></s:Envelope>');
        return send(res, 200, `<s:Envelope><s:Body><u:R><NewInternalClient>${client}</NewInternalClient></u:R></s:Body></s:Envelope>`);
      }
      send(res, 200, '<s:Envelope><s:Body/></s:Envelope>');
    });
    cleanups.push(() => igd.close());
    const mapper = upnpMapper(async () => [`${igd.base}/desc.xml`]);
    const mapping = await mapper.map(51820, '192.168.1.23');
    expect(mapping).toEqual({
      method: 'upnp',
      externalPort: 51820,
      controlUrl: `${igd.base}/ctl/IPConn`,
      serviceType: 'urn:schemas-upnp-org:service:WANIPConnection:1',
    });
    expect(mappings.get('UDP/51820')).toBe('192.168.1.23');
    expect(igd.requests.find((r) => r.path === '/ctl/IPConn')!.body).toContain('<NewLeaseDuration>0</NewLeaseDuration>');
    expect(await mapper.check(mapping!, '192.168.1.23')).toBe(true);
    expect(await mapper.check(mapping!, '192.168.1.99')).toBe(false);
    await mapper.unmap(mapping!);
    expect(await mapper.check(mapping!, '192.168.1.23')).toBe(false);
    expect(findWanService(IGD_XML('http://10.0.0.1:1/x'), 'http://192.168.1.1/d.xml')?.controlUrl).toBe('http://10.0.0.1:1/x');
  });

  it('NAT-PMP: maps UDP with a lifetime and deletes with lifetime 0', async () => {
    const socket = createSocket('udp4');
    const seen: { port: number; life: number }[] = [];
    socket.on('message', (msg, rinfo) => {
      if (msg.length !== 12 || msg[1] !== 1) return;
      const port = msg.readUInt16BE(4);
      const life = msg.readUInt32BE(8);
      seen.push({ port, life });
      const out = Buffer.alloc(16);
      out[1] = 129;
      out.writeUInt32BE(99, 4);
      out.writeUInt16BE(port, 8);
      out.writeUInt16BE(life === 0 ? 0 : port, 10);
      out.writeUInt32BE(Math.min(life, 3600), 12);
      socket.send(out, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => socket.close(() => r())));
    const mapper = natPmpMapper('127.0.0.1', socket.address().port);
    const mapping = await mapper.map(51820, '192.168.1.23');
    expect(mapping).toEqual({ method: 'natpmp', externalPort: 51820, gateway: '127.0.0.1', lifetime: 3600 });
    await mapper.unmap(mapping!);
    expect(seen).toEqual([
      { port: 51820, life: 7 * 24 * 3600 },
      { port: 51820, life: 0 },
    ]);
  });
});

describe('install: DDNS and CGNAT', () => {
  async function setup(noipAnswer?: string) {
    const root = await makeRoot();
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const echo = await startIpEcho();
    cleanups.push(() => echo.close());
    echo.set('a', '81.2.69.142');
    const noip = await startNoipServer();
    cleanups.push(() => noip.close());
    if (noipAnswer) noip.answerWith(noipAnswer);
    const answers = await writeAnswers(
      root,
      [
        `TELEGRAM_BOT_TOKEN=${TOKEN}`,
        'TELEGRAM_ADMIN_IDS=1',
        'DDNS_PROVIDER=noip',
        'DDNS_HOSTNAME=myhome.ddns.net',
        'DDNS_USERNAME=me@example.org',
        'DDNS_PASSWORD=s3cret-pass',
        `DDNS_SERVER=${noip.base}`,
        `PUBLIC_IP_SOURCES=${echo.url('a')}`,
        'INSTALL_STATIC_IP=no',
        'INSTALL_PORT_MAPPING=manual',
      ].join('\n'),
    );
    // The real probe against loopback fakes; only the router's WAN address is given (no SSDP on the test's LAN).
    const net = { ...defaultWanProbe('0.1.0'), wanIPv4: async () => '100.64.7.8' };
    return { root, noip, answers, h: harness(root, { net }) };
  }

  it('checks the credentials with one real update and warns about CGNAT', async () => {
    const { root, noip, answers, h } = await setup();
    expect(await runInstallCli(['--root', root, '--answers', answers], h.deps)).toBe(0);
    const out = h.out.join('');
    expect(noip.updates).toHaveLength(1);
    expect(noip.updates[0]).toMatchObject({ hostname: 'myhome.ddns.net', myip: '81.2.69.142', auth: 'me@example.org:s3cret-pass' });
    expect(out).toContain('myhome.ddns.net updated to 81.2.69.142');
    expect(out).toContain('the router’s WAN address 100.64.7.8 is carrier-grade NAT');
    expect(out).toContain('on the router, forward protocol UDP, external port 51820, to 192.168.1.23 port 51820');
    expect(out).not.toContain('s3cret-pass');
    expect((await tree(root))['/etc/wg-chatops/.env']!.content).toContain('DDNS_PASSWORD=s3cret-pass');
    // A second run does not update again (No-IP blocks clients that repeat nochg).
    const h2 = harness(root, { net: h.deps.net! });
    Object.assign(h2.system, { packages: h.system.packages, enabled: h.system.enabled, active: h.system.active, sysctl: h.system.sysctl });
    await runInstallCli(['--root', root, '--answers', answers], h2.deps);
    expect(noip.updates).toHaveLength(1);
  });

  it('stops with the provider’s answer when the credentials are wrong', async () => {
    const { root, answers, h } = await setup('badauth');
    expect(await runInstallCli(['--root', root, '--answers', answers], h.deps)).toBe(1);
    expect(h.err.join('')).toMatch(/The DDNS check with noip failed: .*badauth.*Fix the DDNS_ settings/);
  });
});
