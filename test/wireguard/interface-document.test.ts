/** The interface document refuses a config WireGuard would misread: duplicate keys or addresses, with file:line and the fix. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { renderPeerBlock } from '../../src/core/server-config.js';
import { interfaceConfigFile } from '../../src/wireguard/config-file.js';
import { interfaceDocument } from '../../src/wireguard/interface-document.js';
import { offlineApp } from '../helpers/app.js';

function conf(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgc-dup-'));
  const path = join(dir, 'wg0.conf');
  writeFileSync(path, `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\n\n${body}`, { mode: 0o600 });
  return path;
}

const load = async (path: string) => {
  const error = await interfaceDocument(interfaceConfigFile(path))
    .load()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  return error as ConfigError | undefined;
};

describe('duplicates in the interface config', () => {
  const a = generateKeyPair().publicKey;
  const b = generateKeyPair().publicKey;

  it('a second peer with the same PublicKey: refused with both lines and the fix', async () => {
    const path = conf(
      renderPeerBlock({ name: 'one', publicKey: a, allowedIps: ['10.6.0.2/32'], enabled: true }) +
        renderPeerBlock({ name: 'two', publicKey: a, allowedIps: ['10.6.0.3/32'], enabled: false }),
    );
    const error = await load(path);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe(
      `${path}:10: peer "two" has the same PublicKey as peer "one" (line 5); WireGuard keeps only one of them. Remove one of the two, or give one a new key (wg genkey), then start again.`,
    );
  });

  it('a hand-written [Peer] holding the address of a block: refused with both lines and the fix', async () => {
    const path = conf(
      `${renderPeerBlock({ name: 'one', publicKey: a, allowedIps: ['10.6.0.2/32'], enabled: true })}\n[Peer]\nPublicKey = ${b}\nAllowedIPs = 10.6.0.2/32\n`,
    );
    const error = await load(path);
    expect(error!.message).toMatch(
      /wg0\.conf:11: a hand-written \[Peer\] has the address 10\.6\.0\.2 of peer "one" \(line 5\).*free address in 10\.6\.0\.0\/24/,
    );
  });

  it('distinct keys and addresses load', async () => {
    const path = conf(
      renderPeerBlock({ name: 'one', publicKey: a, allowedIps: ['10.6.0.2/32'], enabled: true }) +
        renderPeerBlock({ name: 'two', publicKey: b, allowedIps: ['10.6.0.3/32'], enabled: true }),
    );
    expect(await load(path)).toBeUndefined();
  });

  it('the bot refuses to start on such a file', async () => {
    const app = await offlineApp();
    writeFileSync(
      app.config.interfaceConfigPath,
      `[Interface]\nPrivateKey = ${generateKeyPair().privateKey}\nAddress = 10.6.0.1/24\n${renderPeerBlock({ name: 'x', publicKey: a, allowedIps: ['10.6.0.2/32'], enabled: true })}${renderPeerBlock({ name: 'y', publicKey: a, allowedIps: ['10.6.0.3/32'], enabled: true })}`,
    );
    await expect(app.peers.start()).rejects.toThrow(/same PublicKey/);
    await app.stop();
  });
});
