/** A tiny authoritative DNS server on loopback UDP: A/AAAA answers the test sets; NXDOMAIN for unknown names. */
import { createSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';

export async function startDnsServer() {
  const zone = new Map<string, string[]>();
  const queries: { name: string; type: number }[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    let offset = 12;
    const labels: string[] = [];
    while (offset < msg.length && msg[offset] !== 0) {
      const len = msg[offset]!;
      labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('ascii'));
      offset += len + 1;
    }
    offset += 1;
    const type = msg.readUInt16BE(offset);
    const question = msg.subarray(12, offset + 4);
    const name = labels.join('.').toLowerCase();
    queries.push({ name, type });
    const all = zone.get(name);
    const wanted = (all ?? []).filter((a) => (type === 1 ? isIPv4(a) : type === 28 ? a.includes(':') : false));
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8580 | (all === undefined ? 3 : 0), 2); // QR AA RD RA, rcode NXDOMAIN or 0
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(wanted.length, 6);
    const answers = wanted.map((a) => {
      const rdata = type === 1 ? Buffer.from(a.split('.').map(Number)) : ipv6Bytes(a);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(type, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(0, 6);
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    socket.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  return {
    /** For DDNS_RESOLVER / setServers. */
    server: `127.0.0.1:${port}`,
    queries,
    set(name: string, addresses: string[]) {
      zone.set(name.toLowerCase(), addresses);
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function ipv6Bytes(a: string): Buffer {
  const [head = '', tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
export type DnsServer = Awaited<ReturnType<typeof startDnsServer>>;
