/** What the benchmarks share: a live wireguard-go interface in a private namespace, and percentiles. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rootWith } from '../test/helpers/netns.js';

const UNIT = fileURLToPath(new URL('../../deploy/wg-chatops.service', import.meta.url));

/** The Node flags the service runs the bot with (`ExecStart=/usr/bin/node FLAGS… /usr/lib/…/wg-chatops.js`), for benches of the real program. */
export function serviceNodeFlags(unit = readFileSync(UNIT, 'utf8')): string[] {
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.trim().split(/\s+/) ?? [];
  return exec.slice(1).filter((a) => a.startsWith('--'));
}

/** The environment the service gives the bot (its `Environment=` lines: glibc's malloc settings, NODE_ENV). */
export function serviceEnvironment(unit = readFileSync(UNIT, 'utf8')): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of unit.matchAll(/^Environment=(.*)$/gm)) {
    for (const kv of line[1]!.trim().split(/\s+/)) if (kv.includes('=')) env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  }
  return env;
}

/** What every bench of the real program gives it: an offline interface `iface` in `dir`, no firewall, no IP lookups, no .env. */
export function offlineProgramEnv(iface: string, dir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    WG_CHATOPS_ENV_FILE: '/nonexistent/.env',
    WG_INTERFACE: iface,
    WG_CONFIG_DIR: dir,
    DATA_DIR: join(dir, 'data'),
    WG_OFFLINE: 'true',
    WG_FIREWALL: 'off',
    WG_ENDPOINT: 'vpn.example.net',
    PUBLIC_IP_SOURCES: 'none',
  };
}

/** The full path (`wg set` on a live interface) can be measured. */
export const canUseLive = (): boolean => rootWith('wireguard-go', 'wg', 'wg-quick', 'ip');

export const sh = (cmd: string, args: string[], env?: Record<string, string>): string =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 }).toString();

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/**
 * A wireguard-go interface in a namespace of its own, loaded with the peers of `confPath` in one
 * `wg setconf` (wg-quick strip drops Address and the like). stop() removes it (socket first, or
 * wireguard-go keeps running).
 */
export function startLiveInterface(iface: string, confPath: string, workDir: string): { stop(): void } {
  const ns = `wgcb${randomBytes(3).toString('hex')}`;
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['netns', 'exec', ns, 'wireguard-go', iface], { WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' });
  const stripped = join(workDir, 'stripped.conf');
  writeFileSync(stripped, sh('wg-quick', ['strip', confPath]), { mode: 0o600 });
  sh('wg', ['setconf', iface, stripped]);
  return {
    stop() {
      rmSync(`/var/run/wireguard/${iface}.sock`, { force: true });
      try {
        sh('ip', ['netns', 'del', ns]);
      } catch {
        /* gone */
      }
    },
  };
}
