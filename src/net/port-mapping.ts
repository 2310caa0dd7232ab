/**
 * Forwarding UDP WG_PORT on the home router without its web page: UPnP IGD (SSDP discovery, then SOAP
 * AddPortMapping with an unlimited lease) or, failing that, NAT-PMP (RFC 6886; its mappings expire and
 * must be renewed, so UPnP is tried first). Plain node:dgram and fetch: no dependency.
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { natPmpExchange } from './nat-pmp.js';
import { readBoundedText } from './bounded-body.js';

/** What a home router may send: bounded, so a hostile device on the LAN cannot make the bot swallow megabytes. */
export const MAX_SSDP_ANSWER = 4096;
export const MAX_DESCRIPTION_BYTES = 64 * 1024;
export const MAX_SOAP_ANSWER = 16 * 1024;
const HTTP_TIMEOUT_MS = 5000;

/**
 * Addresses a home router can have: private IPv4 (RFC 1918), link-local, loopback (the same host,
 * e.g. a router emulator or a test), and IPv6 link-local/ULA. Anything else is not the LAN.
 */
export function isLanAddress(address: string): boolean {
  const a = address
    .replace(/^::ffff:/i, '')
    .replace(/^\[|\]$/g, '')
    .split('%')[0]!;
  if (isIP(a) === 4) {
    const [x, y] = a.split('.').map(Number) as [number, number];
    return x === 10 || x === 127 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168) || (x === 169 && y === 254);
  }
  if (isIP(a) === 6) return a === '::1' || /^fe[89ab]/i.test(a) || /^f[cd]/i.test(a);
  return false;
}

/** The host of an http(s) URL when it is a LAN address literal; undefined otherwise (names are not trusted). */
function lanHost(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return isLanAddress(host) ? host : undefined;
  } catch {
    return undefined;
  }
}

export interface PortMapping {
  method: 'upnp' | 'natpmp';
  externalPort: number;
  /** UPnP: the control URL used (to check or delete later). */
  controlUrl?: string;
  serviceType?: string;
  /** NAT-PMP: the gateway and the lifetime granted (seconds). */
  gateway?: string;
  lifetime?: number;
}

export interface PortMapper {
  map(port: number, lanAddress: string): Promise<PortMapping | undefined>;
  /** Whether the mapping still points at lanAddress (UPnP only; NAT-PMP mappings are re-requested). */
  check(mapping: PortMapping, lanAddress: string): Promise<boolean | undefined>;
  unmap(mapping: PortMapping): Promise<void>;
}

const SSDP_ADDRESS = '239.255.255.250';
const SSDP_PORT = 1900;
const WAN_SERVICES = [
  'urn:schemas-upnp-org:service:WANIPConnection:2',
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANPPPConnection:1',
];
const DESCRIPTION = 'wg-chatops WireGuard';

/** LOCATION URLs of Internet gateway devices answering an SSDP M-SEARCH within timeoutMs. */
export function ssdpDiscover(timeoutMs = 2500, target = `${SSDP_ADDRESS}:${SSDP_PORT}`): Promise<string[]> {
  const [host, port] = target.split(':');
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const found = new Set<string>();
    const finish = () => {
      clearTimeout(timer);
      socket.close();
      resolve([...found]);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('error', finish);
    socket.on('message', (msg, rinfo) => {
      // Only LAN devices, only small answers, and only a LOCATION on the device that answered.
      if (msg.length > MAX_SSDP_ANSWER || !isLanAddress(rinfo.address)) return;
      const location = /^location:\s*(\S+)/im.exec(msg.toString('latin1'))?.[1];
      if (location && lanHost(location) === rinfo.address.replace(/^::ffff:/i, '')) found.add(location);
    });
    const request = [
      'M-SEARCH * HTTP/1.1',
      `HOST: ${SSDP_ADDRESS}:${SSDP_PORT}`,
      'MAN: "ssdp:discover"',
      'MX: 2',
      'ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1',
      '',
      '',
    ].join('\r\n');
    socket.send(request, Number(port), host, (error) => {
      if (error) finish();
    });
  });
}

/** The WAN connection service's control URL and type from a device description. */
export function findWanService(xml: string, location: string): { controlUrl: string; serviceType: string } | undefined {
  const base = /<URLBase>\s*([^<]+?)\s*<\/URLBase>/i.exec(xml)?.[1] ?? location;
  for (const service of xml.match(/<service>[\s\S]*?<\/service>/gi) ?? []) {
    const type = /<serviceType>\s*([^<]+?)\s*<\/serviceType>/i.exec(service)?.[1];
    const control = /<controlURL>\s*([^<]+?)\s*<\/controlURL>/i.exec(service)?.[1];
    if (type && control && WAN_SERVICES.includes(type)) return { controlUrl: new URL(control, base).toString(), serviceType: type };
  }
  return undefined;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function soap(
  controlUrl: string,
  serviceType: string,
  action: string,
  args: Record<string, string | number>,
  timeoutMs = 5000,
): Promise<{ ok: boolean; body: string }> {
  const argXml = Object.entries(args)
    .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
    .join('');
  const body = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:${action} xmlns:u="${serviceType}">${argXml}</u:${action}></s:Body></s:Envelope>`;
  try {
    if (!lanHost(controlUrl)) return { ok: false, body: '' };
    const response = await fetch(controlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset="utf-8"', SOAPAction: `"${serviceType}#${action}"` },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { ok: response.ok, body: await readBoundedText(response, MAX_SOAP_ANSWER) };
  } catch {
    return { ok: false, body: '' };
  }
}

const tag = (xml: string, name: string) => new RegExp(`<(?:\\w+:)?${name}>\\s*([^<]*?)\\s*</(?:\\w+:)?${name}>`, 'i').exec(xml)?.[1];

/**
 * `gateway`: the default gateway's address. The WAN address is believed only from a device at that
 * address (another box on the LAN could claim any address); without it, never.
 */
export function upnpMapper(
  discover: () => Promise<string[]> = () => ssdpDiscover(),
  gateway?: string,
): PortMapper & { externalAddress(): Promise<string | undefined> } {
  const service = async () => {
    for (const location of await discover()) {
      const host = lanHost(location);
      if (!host) continue;
      try {
        const response = await fetch(location, { redirect: 'error', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
        const xml = await readBoundedText(response, MAX_DESCRIPTION_BYTES);
        const found = findWanService(xml, location);
        // The control URL stays on the device that described it (no URLBase pointing elsewhere).
        if (found && lanHost(found.controlUrl) === host) return { ...found, host };
      } catch {
        // next device
      }
    }
    return undefined;
  };
  return {
    async map(port, lanAddress) {
      const svc = await service();
      if (!svc) return undefined;
      const result = await soap(svc.controlUrl, svc.serviceType, 'AddPortMapping', {
        NewRemoteHost: '',
        NewExternalPort: port,
        NewProtocol: 'UDP',
        NewInternalPort: port,
        NewInternalClient: lanAddress,
        NewEnabled: 1,
        NewPortMappingDescription: DESCRIPTION,
        NewLeaseDuration: 0,
      });
      return result.ok ? { method: 'upnp', externalPort: port, controlUrl: svc.controlUrl, serviceType: svc.serviceType } : undefined;
    },
    async check(mapping, lanAddress) {
      if (!mapping.controlUrl || !mapping.serviceType) return undefined;
      const r = await soap(mapping.controlUrl, mapping.serviceType, 'GetSpecificPortMappingEntry', {
        NewRemoteHost: '',
        NewExternalPort: mapping.externalPort,
        NewProtocol: 'UDP',
      });
      if (!r.ok) return r.body === '' ? undefined : false;
      return tag(r.body, 'NewInternalClient') === lanAddress;
    },
    async unmap(mapping) {
      if (!mapping.controlUrl || !mapping.serviceType) return;
      await soap(mapping.controlUrl, mapping.serviceType, 'DeletePortMapping', {
        NewRemoteHost: '',
        NewExternalPort: mapping.externalPort,
        NewProtocol: 'UDP',
      });
    },
    async externalAddress() {
      if (!gateway) return undefined;
      const svc = await service();
      if (!svc || svc.host !== gateway) return undefined;
      const r = await soap(svc.controlUrl, svc.serviceType, 'GetExternalIPAddress', {});
      const address = r.ok ? tag(r.body, 'NewExternalIPAddress') : undefined;
      return address && isIP(address) === 4 ? address : undefined;
    },
  };
}

/** NAT-PMP mapping (lifetime in seconds; 0 deletes). */
export function natPmpMapper(gateway: string, pmpPort = 5351, lifetime = 7 * 24 * 3600): PortMapper {
  const request = (port: number, life: number) => {
    const b = Buffer.alloc(12);
    b[0] = 0;
    b[1] = 1; // map UDP
    b.writeUInt16BE(port, 4);
    b.writeUInt16BE(life === 0 ? 0 : port, 6);
    b.writeUInt32BE(life, 8);
    return b;
  };
  return {
    async map(port) {
      const r = await natPmpExchange(gateway, request(port, lifetime), { port: pmpPort });
      if (!r || r.readUInt16BE(2) !== 0) return undefined;
      return { method: 'natpmp', externalPort: r.readUInt16BE(10), gateway, lifetime: r.readUInt32BE(12) };
    },
    check: async () => undefined,
    async unmap(mapping) {
      await natPmpExchange(gateway, request(mapping.externalPort, 0), { port: pmpPort });
    },
  };
}
