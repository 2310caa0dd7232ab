/** A fake NAT-PMP gateway (RFC 6886) on loopback answering the "external address" request. */
import { createSocket } from 'node:dgram';

export async function startNatPmpServer(wan: string, resultCode = 0) {
  const socket = createSocket('udp4');
  let requests = 0;
  socket.on('message', (msg, rinfo) => {
    if (msg.length !== 2 || msg[0] !== 0 || msg[1] !== 0) return;
    requests++;
    const out = Buffer.alloc(12);
    out[0] = 0;
    out[1] = 128;
    out.writeUInt16BE(resultCode, 2);
    out.writeUInt32BE(1234, 4); // seconds since the mapping table was initialised
    Buffer.from(wan.split('.').map(Number)).copy(out, 8);
    socket.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
