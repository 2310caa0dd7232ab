import { ToolError } from '../core/errors.js';
import type { LiveInterface, LivePeer } from '../core/ports.js';
import { parseWgDump } from '../core/wg-dump.js';
import { withSecretFile, type CommandRunner } from '../exec/runner.js';

/** `wg` exits 1 with one of these when the interface is not there (its only way of saying so). */
const MISSING = /No such device|Unable to access interface|does not exist|Protocol not supported/i;
/** …and with one of these when it is there but this user may not touch it ("Unable to access interface: Permission denied"). */
const DENIED = /Permission denied|Operation not permitted/i;

/**
 * The bot may not read or change the interface: named plainly, with what grants the access, instead of
 * passing for "the interface is down".
 */
export function permissionDenied(name: string, what: string, detail: string, cause?: unknown): ToolError {
  return new ToolError(`${what} on ${name}: permission denied (${detail}): this user may not change WireGuard interface ${name}`, {
    ...(cause ? { cause } : {}),
    code: 'permission-denied',
    hint: `a kernel interface needs CAP_NET_ADMIN (the wg-chatops unit grants it); a wireguard-go one is reached through the wg-chatops-uapi@${name} socket (WG_UAPI_DIR); run "sudo wg-chatops doctor"`,
  });
}

/** A failed `wg` run as a ToolError; its stderr is read here, once, into a code callers branch on. */
function wgFailure(name: string, what: string, r: { stderr: string }): ToolError {
  // "Unable to access interface: Permission denied" also matches MISSING: the permission check comes first.
  if (DENIED.test(r.stderr)) return permissionDenied(name, what, r.stderr.trim());
  return new ToolError(`${what} on ${name} failed: ${r.stderr.trim()}`, { code: MISSING.test(r.stderr) ? 'no-interface' : 'failed' });
}

/**
 * The live interface through the `wg` CLI: one `wg set` per change (about 2 ms at any size),
 * never a `wg syncconf` of the whole file, so existing sessions are untouched.
 */
export function wgCliInterface(name: string, runner: CommandRunner, wgPath = 'wg'): LiveInterface {
  return {
    name,
    async state() {
      const result = await runner.run(wgPath, ['show', name, 'dump'], { reject: false });
      if (result.exitCode === 0) return parseWgDump(result.stdout);
      const failure = wgFailure(name, 'wg show', result);
      if (failure.code === 'no-interface') return undefined;
      throw failure;
    },
    async setPeer(peer: LivePeer) {
      const args = ['set', name, 'peer', peer.publicKey];
      const tail = ['allowed-ips', peer.allowedIps.join(',')];
      if (peer.persistentKeepalive !== undefined) tail.push('persistent-keepalive', String(peer.persistentKeepalive || 'off'));
      const run = (extra: string[]) => runner.run(wgPath, [...args, ...extra, ...tail], { reject: false }).then((r) => outcome(name, 'wg set', r));
      return peer.presharedKey ? withSecretFile(peer.presharedKey, (path) => run(['preshared-key', path])) : run([]);
    },
    async removePeer(publicKey) {
      return outcome(name, 'wg set … remove', await runner.run(wgPath, ['set', name, 'peer', publicKey, 'remove'], { reject: false }));
    },
  };
}

/** True when done, false when the interface is not there; any other failure is an error. */
function outcome(name: string, what: string, r: { exitCode: number; stderr: string }): boolean {
  if (r.exitCode === 0) return true;
  const failure = wgFailure(name, what, r);
  if (failure.code === 'no-interface') return false;
  throw failure;
}
