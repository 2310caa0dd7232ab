/**
 * Recognises a PiVPN layout beside the interface config, whether or not `wg-chatops install` ran:
 * keys/ and configs/clients.txt next to WG_INTERFACE.conf, and "### begin NAME ###" markers (or no
 * peers yet). Reading rewrites nothing. The peers themselves come from the interface config (the
 * PeerService parses it); this adds what only PiVPN's files hold, plus the mirror that keeps them in step.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tunnelSubnetFromAddresses, tunnelSubnetFromCidr, type TunnelSubnet } from '../../core/allocate.js';
import { isWireGuardKey, publicKeyFromPrivate } from '../../core/keys.js';
import { listPeers, parseServerConfig } from '../../core/server-config.js';
import type { Logger } from '../../log/logger.js';
import { hostV4, parseClientsTxt, resolveIpField, type IpFieldForm } from './clients-txt.js';
import { lookupUser, readIfExists, underRoot } from './fs-util.js';
import { PivpnMirror } from './mirror.js';
import { parseSetupVars, pivpnSettings, SetupVarsError, type PivpnSettings } from './setup-vars.js';

export const PIVPN_SETUP_VARS = '/etc/pivpn/wireguard/setupVars.conf';

/** What PiVPN knows about a peer that the interface config cannot hold. */
export interface ImportedPeer {
  name: string;
  publicKey: string;
  /** ISO time from clients.txt. */
  createdAt: string;
  /** From keys/NAME_priv, only when it matches the public key. */
  privateKey?: string;
  /** The tunnel IPv4 clients.txt gives, and in which form. */
  address?: string;
  ipFieldForm?: IpFieldForm;
}

export interface PivpnLayout {
  configDir: string;
  setupVarsPath?: string;
  settings?: PivpnSettings;
  peers: ImportedPeer[];
  /** Inconsistencies found (logged, shown by doctor); none of them stops the bot. */
  problems: string[];
  mirror: PivpnMirror;
}

export interface DetectOptions {
  /** WG_CONFIG_DIR, e.g. /etc/wireguard (a system path; resolved under root). */
  configDir: string;
  interfaceName: string;
  /** "/" in production; a temporary directory in tests. */
  root?: string;
  logger?: Logger;
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** undefined when this is not a PiVPN layout. Throws (naming the file) only on an unreadable setupVars.conf. */
export async function detectPivpnLayout(options: DetectOptions): Promise<PivpnLayout | undefined> {
  const root = options.root ?? '/';
  const configDir = underRoot(root, options.configDir);
  const interfaceText = await readIfExists(join(configDir, `${options.interfaceName}.conf`));
  const clientsText = await readIfExists(join(configDir, 'configs', 'clients.txt'));
  if (interfaceText === undefined || clientsText === undefined || !(await isDir(join(configDir, 'keys')))) return undefined;
  const hasMarkers = /^(#\[disabled\] )?### begin \S+ ###/m.test(interfaceText);
  const hasPeers = /^\s*\[Peer\]/im.test(interfaceText);
  if (!hasMarkers && hasPeers) return undefined;

  const problems: string[] = [];
  const setupVarsPath = underRoot(root, PIVPN_SETUP_VARS);
  const setupVarsText = await readIfExists(setupVarsPath);
  let settings: PivpnSettings | undefined;
  if (setupVarsText !== undefined) {
    try {
      settings = pivpnSettings(parseSetupVars(setupVarsText));
    } catch (error) {
      if (error instanceof SetupVarsError) throw new SetupVarsError(error.lineNumber, `${PIVPN_SETUP_VARS}: ${error.message}`);
      throw error;
    }
  }

  let doc;
  try {
    doc = parseServerConfig(interfaceText);
  } catch (error) {
    problems.push(`${options.interfaceName}.conf: ${(error as Error).message}`);
  }
  const filePeers = doc ? listPeers(doc) : [];
  let subnet: TunnelSubnet | undefined;
  try {
    if (doc && doc.iface.addresses.length > 0) subnet = tunnelSubnetFromAddresses(doc.iface.addresses);
    else if (settings) subnet = tunnelSubnetFromCidr(settings.subnet);
  } catch (error) {
    problems.push(`tunnel subnet: ${(error as Error).message}`);
  }

  const parsed = parseClientsTxt(clientsText);
  problems.push(...parsed.problems);
  const peers: ImportedPeer[] = [];
  for (const line of parsed.clients) {
    const peer: ImportedPeer = { name: line.name, publicKey: line.publicKey, createdAt: new Date(line.createdEpoch * 1000).toISOString() };
    const inFile = filePeers.find((p) => p.name === line.name);
    if (!inFile) problems.push(`clients.txt lists "${line.name}" but ${options.interfaceName}.conf has no block for it`);
    else if (inFile.publicKey !== line.publicKey) problems.push(`"${line.name}": public key in clients.txt differs from ${options.interfaceName}.conf`);
    const resolved = subnet ? resolveIpField(line.ipField, subnet) : undefined;
    const fileV4 = inFile ? hostV4(inFile.allowedIps) : undefined;
    if (resolved) {
      peer.address = resolved.v4;
      peer.ipFieldForm = resolved.form;
      if (fileV4 !== undefined && fileV4 !== resolved.v4) {
        problems.push(`"${line.name}": clients.txt says ${resolved.v4}, AllowedIPs say ${fileV4}; AllowedIPs win`);
        peer.address = fileV4;
      }
    } else if (subnet) {
      problems.push(`"${line.name}": address field ${line.ipField} is outside the tunnel subnet`);
      if (fileV4 !== undefined) peer.address = fileV4;
    }
    const privateKey = (await readIfExists(join(configDir, 'keys', `${line.name}_priv`)))?.trim();
    if (privateKey && isWireGuardKey(privateKey)) {
      if (publicKeyFromPrivate(privateKey) === line.publicKey) peer.privateKey = privateKey;
      else problems.push(`"${line.name}": keys/${line.name}_priv does not belong to its public key; not imported`);
    }
    peers.push(peer);
  }
  for (const p of filePeers) {
    if (!parsed.clients.some((c) => c.name === p.name)) problems.push(`${options.interfaceName}.conf has "${p.name}" but clients.txt does not`);
  }

  const installHome = settings?.installHome ? underRoot(root, settings.installHome) : undefined;
  const installOwner = settings?.installUser ? await lookupUser(root, settings.installUser) : undefined;
  const mirror = new PivpnMirror({
    configDir,
    ...(installHome ? { installHome } : {}),
    ...(installOwner ? { installOwner } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  for (const p of problems) options.logger?.warn(`pivpn: ${p}`);
  const layout: PivpnLayout = { configDir, peers, problems, mirror };
  if (setupVarsText !== undefined) layout.setupVarsPath = setupVarsPath;
  if (settings) layout.settings = settings;
  return layout;
}
