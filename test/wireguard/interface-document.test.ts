/**
 * The interface document writes, after each change, exactly the rendering of its document (from the bytes it
 * wrote before), and refuses a config WireGuard would misread: duplicate keys or addresses, with file:line and the fix.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { listPeers, parseServerConfig, renderPeerBlock, renderServerConfig } from '../../src/core/server-config.js';
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

describe('what a change writes', () => {
  const keys = Array.from({ length: 12 }, () => generateKeyPair().publicKey);
  type Op = { kind: 'add' | 'remove' | 'toggle'; pick: number };
  const ops = fc.array(fc.record({ kind: fc.constantFrom<Op['kind']>('add', 'add', 'remove', 'toggle'), pick: fc.nat() }), { maxLength: 24 });

  it('is the whole rendering of the new document, for any run of adds, removes, enables and disables (property)', async () => {
    await fc.assert(
      fc.asyncProperty(ops, fc.boolean(), async (run, accented) => {
        // Hand-written text the bot keeps: a comment with multi-byte characters and a [Peer] without markers,
        // so byte offsets differ from string offsets.
        const handPeer = `# 手書きのピア — keep${accented ? ' (née)' : ''}\n[Peer]\nPublicKey = ${keys[11]}\nAllowedIPs = 10.6.0.200/32\n\n`;
        const path = conf(handPeer + renderPeerBlock({ name: 'seed', publicKey: keys[10]!, allowedIps: ['10.6.0.100/32'], enabled: true }));
        const document = interfaceDocument(interfaceConfigFile(path));
        await document.load();
        let next = 0;
        const model = new Map<string, boolean>([['seed', true]]); // what the file must hold: name → enabled
        for (const op of run) {
          const peers = listPeers(document.doc);
          if (op.kind === 'add' || peers.length === 0) {
            if (next >= 10) continue;
            const entry = { name: `p${next}`, publicKey: keys[next]!, allowedIps: [`10.6.0.${next + 2}/32`], enabled: true };
            next++;
            expect(await document.apply({ op: 'add', entry })).toBe(true);
            model.set(entry.name, true);
          } else {
            const entry = peers[op.pick % peers.length]!;
            const change = op.kind === 'remove' ? { op: 'remove' as const, entry } : { op: entry.enabled ? ('disable' as const) : ('enable' as const), entry };
            expect(await document.apply(change)).toBe(true);
            if (op.kind === 'remove') model.delete(entry.name);
            else model.set(entry.name, !entry.enabled);
          }
          const onDisk = readFileSync(path, 'utf8');
          expect(onDisk).toBe(renderServerConfig(document.doc));
          expect(new Map(listPeers(parseServerConfig(onDisk)).map((p) => [p.name, p.enabled]))).toEqual(model);
          expect(listPeers(parseServerConfig(onDisk))).toEqual(listPeers(document.doc));
          expect(onDisk).toContain(handPeer);
        }
      }),
      { numRuns: 40 },
    );
  });
});
