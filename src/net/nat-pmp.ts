/**
 * One NAT-PMP (RFC 6886) request/response exchange with the router on UDP 5351. Used to read the
 * router's WAN address (opcode 0, CGNAT detection) and to map the WireGuard port (opcode 1).
 * Routers without NAT-PMP stay silent or answer ICMP unreachable: both resolve to undefined.
 */
import { createSocket } from 'node:dgram';

export const NAT_PMP_PORT = 5351;

export function natPmpExchange(gateway: string, request: Buffer, options: { port?: number; timeoutMs?: number } = {}): Promise<Buffer | undefined> {
  const opcode = request[1]!;
  // External-address answers are 12 bytes, mapping answers 16.
  const minLength = opcode === 0 ? 12 : 16;
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (answer: Buffer | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), options.timeoutMs ?? 2000);
    socket.on('error', () => done(undefined));
    socket.on('message', (msg, rinfo) => {
      // Only the gateway we asked may answer, with version 0 and our opcode + 128.
      if (rinfo.address !== gateway || msg.length < minLength || msg[0] !== 0 || msg[1] !== (opcode | 0x80)) return;
      done(msg);
    });
    socket.send(request, options.port ?? NAT_PMP_PORT, gateway, (error) => {
      if (error) done(undefined);
    });
  });
}
