import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UNIT_OPTIONS, renderUnit, renderWireguardGoDropIn } from '../../src/install/unit.js';

const hasAnalyze = (() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('deploy/', () => {
  it('holds exactly the unit and drop-in install writes with the defaults', async () => {
    expect(await readFile('deploy/wg-chatops.service', 'utf8')).toBe(renderUnit(DEFAULT_UNIT_OPTIONS));
    expect(await readFile('deploy/wg-quick-wireguard-go.conf', 'utf8')).toBe(renderWireguardGoDropIn());
  });

  it('is hardened: own user, CAP_NET_ADMIN only, writes only its two directories', async () => {
    const unit = await readFile('deploy/wg-chatops.service', 'utf8');
    const values = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
    expect(values('User')).toEqual(['wg-chatops']);
    expect(values('CapabilityBoundingSet')).toEqual(['CAP_NET_ADMIN']);
    expect(values('AmbientCapabilities')).toEqual(['CAP_NET_ADMIN']);
    expect(values('ReadWritePaths')).toEqual(['/etc/wireguard /var/lib/wg-chatops']);
    for (const [k, v] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['Restart', 'on-failure'],
    ]) {
      expect(values(k!)).toEqual([v]);
    }
    expect(values('ExecStart')[0]).toMatch(
      /^\/usr\/bin\/node --max-semi-space-size=1 --max-old-space-size=256 --compact-on-every-full-gc \S+\/bin\/wg-chatops\.js$/,
    );
    expect(values('ExecStart')[0]).not.toMatch(/npm/);
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wgc-unit-'));
    try {
      // verify checks that ExecStart's program exists: point it at this machine's node when /usr/bin/node is absent.
      let unit = await readFile('deploy/wg-chatops.service', 'utf8');
      if (!existsSync('/usr/bin/node')) unit = unit.replace('/usr/bin/node', process.execPath);
      await writeFile(join(dir, 'wg-chatops.service'), unit);
      const out = execFileSync('systemd-analyze', ['verify', join(dir, 'wg-chatops.service')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
