/**
 * Both ways the bot drives a live interface, against a real wireguard-go one in a namespace of the
 * test's own: the `wg` CLI (what a kernel interface gets) and the userspace control socket. Each must
 * add a peer with its preshared key, replace its addresses, remove it, read the peers as `wg show dump`
 * does, and say when there is no interface.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, generatePresharedKey } from '../../src/core/keys.js';
import type { LiveInterface } from '../../src/core/ports.js';
import { parseWgDump } from '../../src/core/wg-dump.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { withUserspaceApi } from '../../src/wireguard/uapi.js';
import { wgCliInterface } from '../../src/wireguard/wg-cli.js';
import { sh, tunnelTestsEnabled, useWgInterface } from '../helpers/netns.js';

/** `wg show NAME dump` peer lines by public key: [preshared key, allowed IPs, keepalive]. */
function dumpPeers(iface: string): Map<string, string[]> {
  const lines = sh('wg', ['show', iface, 'dump']).trim().split('\n').slice(1).filter(Boolean);
  return new Map(lines.map((l) => l.split('\t')).map((f) => [f[0]!, [f[1]!, f[3]!, f[7]!]]));
}

const runner = createProcessRunner();

/** The `wg` CLI, counting the calls it gets, optionally behind the control socket. */
function make(name: string, viaSocket: boolean): { live: LiveInterface; cliCalls: () => number } {
  const wg = wgCliInterface(name, runner);
  let calls = 0;
  const cli: LiveInterface = {
    name,
    state: () => (calls++, wg.state()),
    setPeer: (p) => (calls++, wg.setPeer(p)),
    removePeer: (k) => (calls++, wg.removePeer(k)),
  };
  return { live: viaSocket ? withUserspaceApi(cli) : cli, cliCalls: () => calls };
}

/** Each way, and how many calls it should have left to `wg` once the first test is done. */
const implementations: Array<[string, boolean, number]> = [
  ['the wg CLI', false, 5],
  ['the userspace control socket', true, 0],
];

describe.runIf(tunnelTestsEnabled()).each(implementations)('live interface through %s', (_label, viaSocket, expectedCliCalls) => {
  const { iface } = useWgInterface('wgl');

  it('adds a peer with its preshared key and keepalive, replaces its addresses, removes it', async () => {
    const { live, cliCalls } = make(iface, viaSocket);
    const { publicKey } = generateKeyPair();
    const presharedKey = generatePresharedKey();
    expect(await live.setPeer({ publicKey, presharedKey, allowedIps: ['10.9.0.2/32', 'fd00:9::2/128'], persistentKeepalive: 25 })).toBe(true);
    expect(dumpPeers(iface).get(publicKey)).toEqual([presharedKey, '10.9.0.2/32,fd00:9::2/128', '25']);

    expect(await live.setPeer({ publicKey, presharedKey, allowedIps: ['10.9.0.3/32'] })).toBe(true);
    expect(dumpPeers(iface).get(publicKey)?.[1]).toBe('10.9.0.3/32');

    const other = generateKeyPair().publicKey;
    expect(await live.setPeer({ publicKey: other, allowedIps: ['10.9.0.4/32'] })).toBe(true);
    expect(await live.removePeer(publicKey)).toBe(true);
    const after = dumpPeers(iface);
    expect(after.has(publicKey)).toBe(false);
    expect(after.get(other)).toEqual(['(none)', '10.9.0.4/32', 'off']);

    const state = await live.state();
    expect(state?.peers.map((p) => p.publicKey)).toEqual([other]);
    expect(state).toEqual(parseWgDump(sh('wg', ['show', iface, 'dump'])));
    expect(cliCalls()).toBe(expectedCliCalls);
  });

  it('a bare address (as hand-written configs may have it) is the single host, as with wg', async () => {
    const { live } = make(iface, viaSocket);
    const { publicKey } = generateKeyPair();
    expect(await live.setPeer({ publicKey, allowedIps: ['10.9.0.9'] })).toBe(true);
    expect(dumpPeers(iface).get(publicKey)?.[1]).toBe('10.9.0.9/32');
    expect(await live.removePeer(publicKey)).toBe(true);
  });

  it('an interface that is not there: false and undefined, not an error', async () => {
    const { live } = make(`wgn${randomBytes(4).toString('hex')}`, viaSocket);
    const { publicKey } = generateKeyPair();
    expect(await live.setPeer({ publicKey, presharedKey: generatePresharedKey(), allowedIps: ['10.9.0.5/32'] })).toBe(false);
    expect(await live.removePeer(publicKey)).toBe(false);
    expect(await live.state()).toBeUndefined();
  });
});
