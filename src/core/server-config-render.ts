/** Writing the server's interface file: a whole document, one PiVPN block, a fresh [Interface] section. Pure. */
import { isWireGuardKey } from './keys.js';
import { isAddressableName } from './names.js';
import { parseCidr } from './ip.js';
import type { PeerEntry } from './peer.js';
import { DISABLED_PREFIX, type ServerConfigDoc } from './server-config-parse.js';

export function renderServerConfig(doc: ServerConfigDoc): string {
  return doc.segments.map((segment) => segment.text).join('');
}

function assertRenderable(entry: PeerEntry): void {
  // The name ends up in marker lines and file names: it must not be able to break either.
  if (!isAddressableName(entry.name)) throw new Error(`peer name ${JSON.stringify(entry.name)} cannot be written to the config`);
  if (!isWireGuardKey(entry.publicKey)) throw new Error(`peer ${entry.name}: public key is not a WireGuard key`);
  if (entry.presharedKey !== undefined && !isWireGuardKey(entry.presharedKey)) {
    throw new Error(`peer ${entry.name}: preshared key is not a WireGuard key`);
  }
  if (entry.allowedIps.length === 0) throw new Error(`peer ${entry.name}: no AllowedIPs`);
  for (const cidr of entry.allowedIps) parseCidr(cidr);
}

/** PiVPN's block (makeCONF.sh), AllowedIPs joined by "," without space as PiVPN writes them; disabled form when !enabled. */
export function renderPeerBlock(entry: PeerEntry, eol = '\n'): string {
  assertRenderable(entry);
  const lines = [
    `### begin ${entry.name} ###`,
    '[Peer]',
    `PublicKey = ${entry.publicKey}`,
    ...(entry.presharedKey === undefined ? [] : [`PresharedKey = ${entry.presharedKey}`]),
    `AllowedIPs = ${entry.allowedIps.join(',')}`,
    `### end ${entry.name} ###`,
  ];
  const prefix = entry.enabled ? '' : DISABLED_PREFIX;
  return lines.map((line) => `${prefix}${line}${eol}`).join('');
}

/** The file's line terminator, judged by its first line (new blocks use the same). */
export function eolOf(doc: ServerConfigDoc): string {
  for (const segment of doc.segments) {
    const newline = segment.text.indexOf('\n');
    if (newline !== -1) return newline > 0 && segment.text[newline - 1] === '\r' ? '\r\n' : '\n';
  }
  return '\n';
}

/** A fresh [Interface] section in PiVPN's order (PrivateKey, Address, MTU, ListenPort), then PostUp/PostDown. */
export function serverInterfaceText(opts: {
  privateKey: string;
  addresses: string[];
  listenPort: number;
  mtu?: number;
  postUp?: string[];
  postDown?: string[];
}): string {
  if (!isWireGuardKey(opts.privateKey)) throw new Error('server private key is not a WireGuard key');
  if (opts.addresses.length === 0) throw new Error('the interface needs at least one Address');
  for (const address of opts.addresses) parseCidr(address);
  if (!Number.isInteger(opts.listenPort) || opts.listenPort < 1 || opts.listenPort > 65535) {
    throw new Error(`ListenPort out of range: ${opts.listenPort}`);
  }
  if (opts.mtu !== undefined && (!Number.isInteger(opts.mtu) || opts.mtu < 576 || opts.mtu > 65535)) {
    throw new Error(`MTU out of range: ${opts.mtu}`);
  }
  const commands = [...(opts.postUp ?? []), ...(opts.postDown ?? [])];
  if (commands.some((command) => /[\r\n]/.test(command))) throw new Error('PostUp/PostDown commands must be single lines');

  const lines = [
    '[Interface]',
    `PrivateKey = ${opts.privateKey}`,
    `Address = ${opts.addresses.join(',')}`,
    ...(opts.mtu === undefined ? [] : [`MTU = ${opts.mtu}`]),
    `ListenPort = ${opts.listenPort}`,
    ...(opts.postUp ?? []).map((command) => `PostUp = ${command}`),
    ...(opts.postDown ?? []).map((command) => `PostDown = ${command}`),
  ];
  return lines.map((line) => `${line}\n`).join('');
}
