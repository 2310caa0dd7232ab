/**
 * PiVPN's /etc/pivpn/wireguard/setupVars.conf, read as text. It is a bash file meant to be sourced; we
 * never source it (that would run whatever it holds). The subset PiVPN writes is plain assignments:
 * unquoted words, "double" or 'single' quoted strings, and one-line arrays `NAME=(a b "c d")`.
 * Anything that would expand ($VAR, $(…), `…`) is refused with its line number.
 */
import { isIPv4, isIPv6 } from '../../core/ip.js';

export type SetupVars = Record<string, string | string[]>;

export class SetupVarsError extends Error {
  override readonly name = 'SetupVarsError';
  constructor(
    readonly lineNumber: number,
    message: string,
  ) {
    super(`line ${lineNumber}: ${message}`);
  }
}

const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

export function parseSetupVars(text: string): SetupVars {
  const vars: SetupVars = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = ASSIGNMENT.exec(line);
    if (!match) throw new SetupVarsError(lineNumber, `not a NAME=VALUE assignment: ${JSON.stringify(raw.slice(0, 60))}`);
    const [, key = '', rest = ''] = match;
    if (rest.startsWith('(')) {
      const close = rest.lastIndexOf(')');
      if (close === -1) throw new SetupVarsError(lineNumber, `${key}: array without a closing ")" (arrays must fit on one line)`);
      expectOnlyComment(rest.slice(close + 1), lineNumber, key);
      vars[key] = readWords(rest.slice(1, close), lineNumber, key);
      return;
    }
    const words = readWords(rest, lineNumber, key, true);
    if (words.length > 1) throw new SetupVarsError(lineNumber, `${key}: unquoted value with spaces`);
    vars[key] = words[0] ?? '';
  });
  return vars;
}

function expectOnlyComment(tail: string, lineNumber: number, key: string): void {
  const t = tail.trim();
  if (t !== '' && !t.startsWith('#')) throw new SetupVarsError(lineNumber, `${key}: unexpected text after the value`);
}

/** Shell words: quotes joined to neighbours as bash does ("a"b → ab); `#` after a blank starts a comment. */
function readWords(input: string, lineNumber: number, key: string, single = false): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let i = 0;
  const refuse = (what: string): never => {
    throw new SetupVarsError(lineNumber, `${key}: ${what} is not supported (the file is read, never run)`);
  };
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t') {
      if (current !== undefined) words.push(current);
      current = undefined;
      i++;
      continue;
    }
    if (c === '#' && current === undefined) break;
    if (c === '$' || c === '`') refuse(c === '`' ? 'command substitution' : 'variable expansion');
    if (c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')') refuse(`"${c}"`);
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end === -1) throw new SetupVarsError(lineNumber, `${key}: unterminated single quote`);
      current = (current ?? '') + input.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < input.length && input[j] !== '"'; j++) {
        const d = input[j]!;
        if (d === '\\' && j + 1 < input.length && '"\\$`'.includes(input[j + 1]!)) {
          value += input[++j];
          continue;
        }
        if (d === '$' || d === '`') refuse(d === '`' ? 'command substitution' : 'variable expansion');
        value += d;
      }
      if (j >= input.length) throw new SetupVarsError(lineNumber, `${key}: unterminated double quote`);
      current = (current ?? '') + value;
      i = j + 1;
      continue;
    }
    if (c === '\\' && i + 1 < input.length) {
      current = (current ?? '') + input[i + 1];
      i += 2;
      continue;
    }
    current = (current ?? '') + c;
    i++;
  }
  if (current !== undefined) words.push(current);
  if (single && words.length === 0) return [''];
  return words;
}

/** What the bot takes over from PiVPN. */
export interface PivpnSettings {
  interfaceName: string;
  /** "10.6.0.0/24" */
  subnet: string;
  /** "fd11:5ee:bad:c0de::/64" when pivpnenableipv6=1 */
  subnet6?: string;
  port: number;
  host?: string;
  dns: string[];
  /** What clients route through the tunnel (ALLOWED_IPS). */
  clientAllowedIps: string[];
  persistentKeepalive?: number;
  mtu?: number;
  installUser?: string;
  installHome?: string;
}

const scalar = (vars: SetupVars, key: string): string | undefined => {
  const v = vars[key];
  if (Array.isArray(v)) return v.join(' ');
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};

function intIn(vars: SetupVars, key: string, min: number, max: number): number | undefined {
  const v = scalar(vars, key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new SetupVarsError(0, `${key}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return Number(v);
}

/** Validates the keys the bot needs; throws SetupVarsError (lineNumber 0) naming the key at fault. */
export function pivpnSettings(vars: SetupVars): PivpnSettings {
  const vpn = scalar(vars, 'VPN');
  if (vpn !== undefined && vpn !== 'wireguard') throw new SetupVarsError(0, `VPN: this is a ${vpn} install, not WireGuard`);
  const net = scalar(vars, 'pivpnNET');
  if (net === undefined || !isIPv4(net)) throw new SetupVarsError(0, `pivpnNET: expected an IPv4 network such as 10.6.0.0, got ${JSON.stringify(net ?? '')}`);
  const subnetClass = intIn(vars, 'subnetClass', 8, 30) ?? 24;
  const settings: PivpnSettings = {
    interfaceName: scalar(vars, 'pivpnDEV') ?? 'wg0',
    subnet: `${net}/${subnetClass}`,
    port: intIn(vars, 'pivpnPORT', 1, 65535) ?? 51820,
    dns: [scalar(vars, 'pivpnDNS1'), scalar(vars, 'pivpnDNS2')].filter((d): d is string => d !== undefined),
    clientAllowedIps: (scalar(vars, 'ALLOWED_IPS') ?? '0.0.0.0/0, ::0/0')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  };
  if (scalar(vars, 'pivpnenableipv6') === '1') {
    const net6 = scalar(vars, 'pivpnNETv6') ?? 'fd11:5ee:bad:c0de::';
    if (!isIPv6(net6)) throw new SetupVarsError(0, `pivpnNETv6: expected an IPv6 network, got ${JSON.stringify(net6)}`);
    settings.subnet6 = `${net6}/${intIn(vars, 'subnetClassv6', 8, 96) ?? 64}`;
  }
  const host = scalar(vars, 'pivpnHOST');
  if (host !== undefined) settings.host = host;
  const keepalive = intIn(vars, 'pivpnPERSISTENTKEEPALIVE', 0, 65535);
  if (keepalive !== undefined) settings.persistentKeepalive = keepalive;
  const mtu = intIn(vars, 'pivpnMTU', 1280, 9000);
  if (mtu !== undefined) settings.mtu = mtu;
  const user = scalar(vars, 'install_user');
  if (user !== undefined) settings.installUser = user;
  const home = scalar(vars, 'install_home');
  if (home !== undefined) settings.installHome = home;
  return settings;
}

/** The bot's .env variables that carry PiVPN's settings over (same names as src/config/wireguard.ts). */
export function envFromPivpn(settings: PivpnSettings): Record<string, string> {
  const env: Record<string, string> = {
    WG_INTERFACE: settings.interfaceName,
    WG_PORT: String(settings.port),
    WG_SUBNET: settings.subnet,
    WG_CLIENT_ALLOWED_IPS: settings.clientAllowedIps.join(','),
  };
  if (settings.host !== undefined) env.WG_ENDPOINT = settings.host;
  if (settings.subnet6 !== undefined) env.WG_SUBNET6 = settings.subnet6;
  if (settings.dns.length > 0) env.WG_DNS = settings.dns.join(',');
  // PiVPN leaves the keepalive out unless asked; the bot's default (25) would change new clients' files.
  env.WG_PERSISTENT_KEEPALIVE = String(settings.persistentKeepalive ?? 0);
  if (settings.mtu !== undefined) env.WG_MTU = String(settings.mtu);
  return env;
}
