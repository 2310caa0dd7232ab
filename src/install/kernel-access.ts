/**
 * Doctor's check of the kernel path (a Pi with the WireGuard module): there is no control socket, the bot
 * changes the interface by netlink as its own user, and that needs CAP_NET_ADMIN in the running process.
 * A wireguard-go interface (its socket in /var/run/wireguard) is reached through the proxy instead: no check.
 */
import { readFile, stat } from 'node:fs/promises';
import type { CheckResult } from '../core/doctor.js';
import type { CommandRunner } from '../exec/runner.js';
import { USERSPACE_SOCKET_DIR } from '../wireguard/uapi.js';
import { stdoutOf } from './probe.js';

export const CAP_NET_ADMIN = 12;

/** Whether the capability is in the "CapEff:" mask of a /proc/PID/status text (undefined: no such line). */
export function effectiveCapability(status: string, capability: number): boolean | undefined {
  const hex = /^CapEff:\s*([0-9a-f]+)$/im.exec(status)?.[1];
  if (hex === undefined) return undefined;
  return (BigInt(`0x${hex}`) & (1n << BigInt(capability))) !== 0n;
}

export interface KernelAccessDeps {
  runner: CommandRunner;
  iface: string;
  /** Resolves a system path (under --root in tests). */
  path(p: string): string;
}

export async function kernelAccessCheck(deps: KernelAccessDeps): Promise<CheckResult | undefined> {
  const { iface, runner } = deps;
  if (await stat(deps.path(`${USERSPACE_SOCKET_DIR}/${iface}.sock`)).catch(() => undefined)) return undefined;
  const link = await stdoutOf(runner, 'ip', ['-d', '-o', 'link', 'show', 'dev', iface]);
  // Down or not WireGuard at all: the interface check says so.
  if (!link || !/\swireguard\s/.test(` ${link} `)) return undefined;
  const pid = Number(await stdoutOf(runner, 'systemctl', ['show', '-p', 'MainPID', '--value', 'wg-chatops']));
  if (!pid)
    return {
      id: 'kernel-access',
      status: 'warn',
      key: 'doctor.kernelAccess.notRunning',
      params: { iface },
      fixKey: 'doctor.fix.service',
      fixParams: {},
    };
  const status = await readFile(deps.path(`/proc/${pid}/status`), 'utf8').catch(() => '');
  let has = effectiveCapability(status, CAP_NET_ADMIN);
  if (has === undefined) {
    // No /proc to read: what the unit grants, as systemd says it.
    has = /cap_net_admin/i.test((await stdoutOf(runner, 'systemctl', ['show', '-p', 'AmbientCapabilities', '--value', 'wg-chatops'])) ?? '');
  }
  const params = { pid, iface };
  return has
    ? { id: 'kernel-access', status: 'ok', key: 'doctor.kernelAccess.ok', params }
    : { id: 'kernel-access', status: 'fail', key: 'doctor.kernelAccess.missing', params, fixKey: 'doctor.fix.kernelAccess', fixParams: {} };
}
