/**
 * The answers file for unattended installs (`--answers FILE`): KEY=VALUE lines with the .env names
 * plus install-only INSTALL_* keys, like PiVPN's unattended file. Every value is checked with the
 * same schemas the bot uses at start, so a bad value stops the install before anything is written.
 */
import * as z from 'zod';
import { botSchema } from '../config/bot.js';
import { ddnsSchema } from '../config/ddns.js';
import { parseConfig, type Config } from '../config/index.js';
import type { Env } from '../config/load-env.js';
import { slackSchema } from '../config/slack.js';
import { telegramSchema } from '../config/telegram.js';
import { wireguardSchema } from '../config/wireguard.js';
import { ConfigError } from '../core/errors.js';

const yesNo = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const s = v.trim().toLowerCase();
      if (['yes', 'y', 'true', '1', 'on'].includes(s)) return true;
      if (['no', 'n', 'false', '0', 'off'].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: `expected yes or no, got "${v}"` });
      return z.NEVER;
    });

const oneOf = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim().toLowerCase()))
    .pipe(z.enum(values, { message: `expected one of ${values.join(', ')}` }));

const absolutePath = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim()))
    .pipe(z.string().regex(/^\/[^\0\n]*$/, 'expected an absolute path'));

/** Install-only keys: what the wizard asks besides the .env values. */
export const installSchema = z.object({
  /** Make the Pi's LAN address static (yes), leave it to a router reservation (no), or ask. */
  INSTALL_STATIC_IP: oneOf(['ask', 'yes', 'no'], 'ask'),
  /** Try UPnP IGD / NAT-PMP to forward the port (auto), or only print the router setting (manual). */
  INSTALL_PORT_MAPPING: oneOf(['auto', 'manual'], 'auto'),
  INSTALL_UNATTENDED_UPGRADES: yesNo(true),
  INSTALL_FIREWALL: oneOf(['auto', 'nftables', 'iptables'], 'auto'),
  INSTALL_LAN_INTERFACE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
    .pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_.@-]{1,15}$/, 'expected a network interface name such as eth0')
        .optional(),
    ),
  INSTALL_SERVICE_USER: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? 'wg-chatops' : v.trim()))
    .pipe(z.string().regex(/^[a-z_][a-z0-9_-]{0,30}$/, 'expected a system user name such as wg-chatops')),
  INSTALL_ENV_FILE: absolutePath('/etc/wg-chatops/.env'),
  /** Take over an existing PiVPN install (default) instead of refusing to touch it. */
  INSTALL_ADOPT_PIVPN: yesNo(true),
  INSTALL_BOT_SERVICE: yesNo(true),
});

export type InstallOptions = z.output<typeof installSchema>;

export interface Answers {
  install: InstallOptions;
  config: Config;
  /** The .env values (KEY → text) exactly as they will be written. */
  envValues: Record<string, string>;
}

const ENV_KEYS = new Set<string>([
  ...Object.keys(wireguardSchema.shape),
  ...Object.keys(botSchema.shape),
  ...Object.keys(telegramSchema.shape),
  ...Object.keys(slackSchema.shape),
  ...Object.keys(ddnsSchema.shape),
]);
const INSTALL_KEYS = new Set(Object.keys(installSchema.shape));
/** Never written to .env: they describe the session, not the bot. */
const NOT_IN_ENV = new Set(['LANG']);

/** Settings whose value is never shown: typed masked in the wizard, printed as •••• in the plan. */
export const isSecretKey = (key: string): boolean => /TOKEN|PASSWORD|SECRET|PRIVATE/.test(key);

export function isKnownKey(key: string): boolean {
  return ENV_KEYS.has(key) || INSTALL_KEYS.has(key);
}

/** KEY=VALUE lines; "#" comments; values optionally in matching quotes. Line numbers in every error. */
export function parseAnswersText(text: string, source: string): Env {
  const out: Env = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const where = `${source} line ${index + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new ConfigError(where, 'expected KEY=VALUE');
    const [, key = '', rawValue = ''] = match;
    if (!isKnownKey(key)) throw new ConfigError(`${where}: ${key}`, 'unknown key (the names are those of .env and INSTALL_*; see .env.example)');
    let value = rawValue;
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      if (value.length < 2 || !value.endsWith(quote)) throw new ConfigError(`${where}: ${key}`, 'unterminated quote');
      value = value.slice(1, -1);
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    if (key in out) throw new ConfigError(`${where}: ${key}`, 'given twice');
    out[key] = value;
  });
  return out;
}

/** Validates everything (bot config and install keys); ConfigError names the variable. */
export function validateAnswers(values: Env, source: string): Answers {
  const installResult = installSchema.safeParse(values);
  if (!installResult.success) {
    const issue = installResult.error.issues[0]!;
    throw new ConfigError(`${source}: ${String(issue.path[0] ?? 'INSTALL')}`, issue.message);
  }
  let config: Config;
  try {
    config = parseConfig(values, { isRoot: true, cwd: '/' });
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${source}: ${error.variable}`, error.message.replace(/^[^:]*: /, ''), { cause: error });
    throw error;
  }
  const envValues: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (ENV_KEYS.has(key) && !NOT_IN_ENV.has(key) && value !== undefined && value.trim() !== '') envValues[key] = value.trim();
  }
  return { install: installResult.data, config, envValues };
}
