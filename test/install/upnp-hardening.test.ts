/** UPnP answers are believed only from the LAN, only when small, and the WAN address only from the default gateway. Loopback only. */
import { createSocket } from 'node:dgram';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isLanAddress, MAX_DESCRIPTION_BYTES, MAX_SOAP_ANSWER, MAX_SSDP_ANSWER, ssdpDiscover, upnpMapper } from '../../src/net/port-mapping.js';
import { send, startHttpFake, type HttpFake } from '../fakes/http-fake.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const IGD_XML = (control: string, extra = '') => `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">${extra}<device><serviceList>
<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>${control}</controlURL></service>
</serviceList></device></root>`;

async function igd(opts: { description?: string; externalIp?: string; soapPadding?: number } = {}): Promise<HttpFake> {
  const fake = await startHttpFake((req, res) => {
    if (req.path === '/desc.xml') return send(res, 200, opts.description ?? IGD_XML('/ctl'));
    const pad = ' '.repeat(opts.soapPadding ?? 0);
    send(
      res,
      200,
      `<s:Envelope><s:Body><u:R><NewExternalIPAddress>${opts.externalIp ?? '203.0.113.7'}</NewExternalIPAddress>${pad}</u:R></s:Body></s:Envelope>`,
    );
  });
  cleanups.push(() => fake.close());
  return fake;
}

/** An SSDP responder on loopback answering each M-SEARCH with the given datagrams. */
async function ssdpResponder(answers: string[]): Promise<string> {
  const socket = createSocket('udp4');
  socket.on('message', (_msg, rinfo) => {
    for (const a of answers) socket.send(a, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => socket.close(() => r())));
  return `127.0.0.1:${socket.address().port}`;
}

const answer = (location: string, padding = 0) =>
  `HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLOCATION: ${location}\r\nX-PAD: ${'x'.repeat(padding)}\r\n\r\n`;

describe('UPnP hardening', () => {
  it('isLanAddress: private, link-local and loopback only', () => {
    for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.254', '192.168.1.1', '169.254.3.4', '127.0.0.1', '::ffff:192.168.0.1', 'fe80::1', 'fd00::1', '::1'])
      expect(isLanAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '172.32.0.1', '100.64.0.1', '203.0.113.7', '2001:db8::1', 'router.local', '']) expect(isLanAddress(a), a).toBe(false);
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(isLanAddress(ip)).toBe(/^(10\.|127\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip));
      }),
    );
  });

  it('SSDP: keeps a LOCATION on the device that answered; drops one pointing elsewhere and oversized answers', async () => {
    const target = await ssdpResponder([
      answer('http://127.0.0.1:5000/good.xml'),
      answer('http://198.51.100.9/evil.xml'), // not the LAN (never contacted)
      answer('http://127.0.0.2:5000/other-host.xml'), // not the device that answered
      answer('http://127.0.0.1:5000/huge.xml', MAX_SSDP_ANSWER),
    ]);
    expect(await ssdpDiscover(500, target)).toEqual(['http://127.0.0.1:5000/good.xml']);
  });

  it('refuses a description larger than the bound, and a control URL on another host', async () => {
    const big = await igd({ description: IGD_XML('/ctl', `<pad>${'x'.repeat(MAX_DESCRIPTION_BYTES)}</pad>`) });
    expect(await upnpMapper(async () => [`${big.base}/desc.xml`], '127.0.0.1').map(51820, '192.168.1.23')).toBeUndefined();
    expect(big.requests.filter((r) => r.path === '/ctl')).toEqual([]);

    const elsewhere = await igd({ description: IGD_XML('http://127.0.0.2:9/ctl') });
    expect(await upnpMapper(async () => [`${elsewhere.base}/desc.xml`], '127.0.0.1').map(51820, '192.168.1.23')).toBeUndefined();

    const internet = await igd();
    // A LOCATION outside the LAN is never fetched.
    expect(await upnpMapper(async () => ['http://198.51.100.9/desc.xml'], '127.0.0.1').externalAddress()).toBeUndefined();
    expect(internet.requests).toEqual([]);
  });

  it('believes the WAN address only from the default gateway, only when the answer is small and an IPv4 address', async () => {
    const router = await igd();
    const where = async () => [`${router.base}/desc.xml`];
    expect(await upnpMapper(where, '127.0.0.1').externalAddress()).toBe('203.0.113.7');
    expect(await upnpMapper(where, '127.0.0.2').externalAddress()).toBeUndefined(); // a device that is not the gateway
    expect(await upnpMapper(where).externalAddress()).toBeUndefined(); // gateway unknown: nothing believed

    const padded = await igd({ soapPadding: MAX_SOAP_ANSWER });
    expect(await upnpMapper(async () => [`${padded.base}/desc.xml`], '127.0.0.1').externalAddress()).toBeUndefined();
    const junk = await igd({ externalIp: 'not-an-address' });
    expect(await upnpMapper(async () => [`${junk.base}/desc.xml`], '127.0.0.1').externalAddress()).toBeUndefined();
  });
});
