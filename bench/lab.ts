/** What the benchmarks share: a live wireguard-go interface in a private namespace, and percentiles. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Root with wireguard-go, wg, wg-quick and ip: the full path (`wg set` on a live interface) can be measured. */
export function canUseLive(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('sh', ['-c', 'command -v wireguard-go && command -v wg && command -v wg-quick && command -v ip'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

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
