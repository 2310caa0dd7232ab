/**
 * Doctor's kernel-path check. The kernel path itself cannot run here (no WireGuard module in this VM): what
 * is tested is reading a real process's effective capabilities, and that a wireguard-go interface (with
 * its control socket) is left to the other checks.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createProcessRunner } from '../../src/exec/runner.js';
import { CAP_NET_ADMIN, effectiveCapability, kernelAccessCheck } from '../../src/install/kernel-access.js';
import { rootWith, tunnelTestsEnabled, uniqueName, useWgInterface } from '../helpers/netns.js';

/** /proc/PID/status of a process started with these setpriv options (as nobody), read while it runs. */
async function statusOf(setpriv: string[]): Promise<string> {
  const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...setpriv, 'sleep', '30'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 50; i++) {
      const text = await readFile(`/proc/${child.pid}/status`, 'utf8');
      if (/^Name:\s*sleep$/m.test(text)) return text;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('setpriv never started sleep');
  } finally {
    child.kill();
  }
}

describe('CapEff', () => {
  it('parses the mask: bit 12 is CAP_NET_ADMIN', () => {
    expect(effectiveCapability('CapEff:\t0000000000001000\n', CAP_NET_ADMIN)).toBe(true);
    expect(effectiveCapability('CapEff:\t000001ffffffefff\n', CAP_NET_ADMIN)).toBe(false);
    expect(effectiveCapability('Name: x\n', CAP_NET_ADMIN)).toBeUndefined();
  });

  it.runIf(rootWith('setpriv'))('of real processes: with the unit’s ambient CAP_NET_ADMIN, and with nothing', async () => {
    const granted = await statusOf(['--inh-caps=+net_admin', '--ambient-caps=+net_admin', '--bounding-set=-all,+net_admin']);
    expect(effectiveCapability(granted, CAP_NET_ADMIN)).toBe(true);
    expect(/^CapEff:\s*(\S+)/m.exec(granted)![1]).toBe('0000000000001000'); // that one and no other
    const none = await statusOf(['--inh-caps=-all', '--bounding-set=-all']);
    expect(effectiveCapability(none, CAP_NET_ADMIN)).toBe(false);
  });
});

describe.runIf(tunnelTestsEnabled())('kernelAccessCheck on a wireguard-go interface', () => {
  const { iface } = useWgInterface('wgk');

  it('has a control socket, so the kernel check does not apply (the proxy is what the bot uses)', async () => {
    expect(await kernelAccessCheck({ runner: createProcessRunner(), iface, path: (p) => p })).toBeUndefined();
  });

  it('an interface that is not there is left to the interface check', async () => {
    expect(await kernelAccessCheck({ runner: createProcessRunner(), iface: uniqueName('wgz'), path: (p) => p })).toBeUndefined();
  });
});
