import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startNatPmpServer } from '../fakes/natpmp-server.js';
import { classifyNat, defaultGateway, natPmpReader, routerWanReader } from '../../src/ddns/wan.js';

describe('router WAN address', () => {
  it('classifies CGNAT, double NAT and NAT upstream', () => {
    expect(classifyNat('100.64.0.1', '81.2.69.142')).toBe('cgnat');
    expect(classifyNat('100.127.255.254', '81.2.69.142')).toBe('cgnat');
    expect(classifyNat('192.168.0.10', '81.2.69.142')).toBe('double-nat');
    expect(classifyNat('10.1.2.3', '81.2.69.142')).toBe('double-nat');
    expect(classifyNat('81.2.69.1', '81.2.69.142')).toBe('upstream-nat');
    expect(classifyNat('81.2.69.142', '81.2.69.142')).toBeUndefined();
  });

  it('reads the external address over NAT-PMP', async () => {
    const server = await startNatPmpServer('100.64.1.2');
    try {
      await expect(natPmpReader('127.0.0.1', server.port, 10_000).read()).resolves.toBe('100.64.1.2');
    } finally {
      await server.close();
    }
  });

  it('returns undefined when the gateway refuses or says nothing', async () => {
    const refusing = await startNatPmpServer('81.2.69.142', 3);
    try {
      await expect(natPmpReader('127.0.0.1', refusing.port, 1000).read()).resolves.toBeUndefined();
    } finally {
      await refusing.close();
    }
    const silent = await startNatPmpServer('81.2.69.142');
    const port = silent.port;
    await silent.close();
    await expect(natPmpReader('127.0.0.1', port, 200).read()).resolves.toBeUndefined();
  });

  it('asks UPnP first and falls back to NAT-PMP', async () => {
    const server = await startNatPmpServer('100.64.9.9');
    try {
      const upnpAnswers = { externalAddress: async () => '192.168.1.50' };
      await expect(routerWanReader('127.0.0.1', server.port, upnpAnswers).read()).resolves.toBe('192.168.1.50');
      const noUpnp = { externalAddress: async () => undefined };
      await expect(routerWanReader('127.0.0.1', server.port, noUpnp).read()).resolves.toBe('100.64.9.9');
      const brokenUpnp = { externalAddress: async () => Promise.reject(new Error('SOAP fault')) };
      await expect(routerWanReader('127.0.0.1', server.port, brokenUpnp).read()).resolves.toBe('100.64.9.9');
      await expect(routerWanReader(undefined, server.port, noUpnp).read()).resolves.toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('finds the default gateway in /proc/net/route format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'route-'));
    const file = join(dir, 'route');
    writeFileSync(
      file,
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
        'eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n' +
        'eth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n',
    );
    await expect(defaultGateway(file)).resolves.toBe('192.168.1.1');
  });
});
