/**
 * The oldest Node.js the program runs on, and the check bin/wg-chatops.js makes before it loads anything
 * else: an older Node (Debian bookworm ships 18) cannot even load the bundle (it imports node:util's
 * parseEnv, added in 20.12), so the advice must come from here, not from a failed import. 20.19 because the
 * backup crypto (age-encryption's @noble packages) declares it; Debian trixie ships 20.19.
 * Imports only the message catalogues, which are plain data and load on any Node.
 */
import { install as en } from '../i18n/en/install.js';
import { install as ja } from '../i18n/ja/install.js';

export const MIN_NODE = [20, 19] as const;

export function nodeTooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1]);
}

/** The catalogue's install.preflight.node text for LANG (ja_JP.UTF-8 → Japanese), filled in. */
export function nodeTooOldMessage(version: string, lang: string | undefined): string {
  const text = (lang ?? '').toLowerCase().startsWith('ja') ? ja.install.preflight.node : en.install.preflight.node;
  return text.replaceAll('{{version}}', version).replaceAll('{{min}}', MIN_NODE.join('.'));
}
