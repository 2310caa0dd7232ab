/**
 * The bot run as a user that may not touch the interface (here `nobody`, every capability dropped) against a
 * real wireguard-go interface: it must say plainly that permission is the cause, never that the interface
 * is down. Through the `wg` CLI (the kernel path's tool) and through the userspace control socket.
 */
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/core/errors.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { createProcessRunner, type CommandRunner } from '../../src/exec/runner.js';
import { DEFAULT_UNIT_OPTIONS, renderUnit } from '../../src/install/unit.js';
import { withUserspaceApi } from '../../src/wireguard/uapi.js';
import { wgCliInterface } from '../../src/wireguard/wg-cli.js';
import { rootWith, sh, tunnelTestsEnabled, useWgInterface } from '../helpers/netns.js';

const NOBODY = 65534;
const NO_CAPS = ['--inh-caps=-all', '--bounding-set=-all'];

/** Runs every program as nobody:nogroup with the given capabilities (by default none at all). */
function asNobody(inner: CommandRunner, caps = NO_CAPS): CommandRunner {
  const user = [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...caps];
  return { run: (file, args, options) => inner.run('setpriv', [...user, file, ...args], options) };
}

/** The capabilities the bot's unit grants, as setpriv options: "CAP_NET_ADMIN" → "+net_admin". */
function unitCaps(): string[] {
  const unit = renderUnit(DEFAULT_UNIT_OPTIONS);
  const caps = (key: string) =>
    /^(.*)$/m
      .exec(unit.split(`\n${key}=`)[1] ?? '')![1]!
      .split(/\s+/)
      .map((c) => `+${c.replace(/^CAP_/, '').toLowerCase()}`)
      .join(',');
  return [`--inh-caps=${caps('AmbientCapabilities')}`, `--ambient-caps=${caps('AmbientCapabilities')}`, `--bounding-set=-all,${caps('CapabilityBoundingSet')}`];
}

async function rejection(p: Promise<unknown>): Promise<ToolError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

describe.runIf(tunnelTestsEnabled() && rootWith('setpriv'))('an interface the service user may not change', () => {
  const { iface } = useWgInterface('wgp');

  it('the wg CLI as an unprivileged user: "permission denied", naming the interface and what grants access', async () => {
    const live = wgCliInterface(iface, asNobody(createProcessRunner()));
    const read = await rejection(live.state());
    expect(read.message).toMatch(new RegExp(`^wg show on ${iface}: permission denied \\(Unable to access interface: Permission denied\\)`));
    expect(read.message).toContain(`this user may not change WireGuard interface ${iface}`);
    expect(read.hint).toContain('CAP_NET_ADMIN');
    const { publicKey } = generateKeyPair();
    const write = await rejection(live.setPeer({ publicKey, allowedIps: ['10.9.9.2/32'] }));
    expect(write.message).toMatch(/^wg set on .*: permission denied \(Unable to modify interface: Permission denied\)/);
    const remove = await rejection(live.removePeer(publicKey));
    expect(remove.message).toContain('permission denied');
    // Nothing was changed: root sees no peer.
    expect(sh('wg', ['show', iface, 'peers']).trim()).toBe('');
  });

  it('with exactly the unit’s capabilities (CAP_NET_ADMIN), wireguard-go’s root-only socket is still refused, plainly', async () => {
    expect(unitCaps()).toEqual(['--inh-caps=+net_admin', '--ambient-caps=+net_admin', '--bounding-set=-all,+net_admin']);
    const live = wgCliInterface(iface, asNobody(createProcessRunner(), unitCaps()));
    const error = await rejection(live.setPeer({ publicKey: generateKeyPair().publicKey, allowedIps: ['10.9.9.3/32'] }));
    expect(error.message).toContain(`permission denied`);
    expect(error.hint).toContain(`wg-chatops-uapi@${iface}`);
  });

  it('the control socket as an unprivileged user: the same plain cause, not a raw EACCES', async () => {
    const live = withUserspaceApi(wgCliInterface(iface, asNobody(createProcessRunner())));
    // This test process itself connects to the socket: drop to nobody for the call (a forked worker, restored below).
    process.seteuid!(NOBODY);
    let error: ToolError;
    try {
      error = await rejection(live.state());
    } finally {
      process.seteuid!(0);
    }
    expect(error.message).toMatch(new RegExp(`^reading the peers on ${iface}: permission denied \\(/var/run/wireguard/${iface}.sock: EACCES\\)`));
    expect(error.hint).toContain(`wg-chatops-uapi@${iface}`);
  });
});
