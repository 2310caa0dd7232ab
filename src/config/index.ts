/**
 * Configuration: parsed and validated once, at start, by the composition root.
 * Sections keep the variables' own names as keys, so the README, .env.example and code say the same thing.
 */
import type * as z from 'zod';
import { ConfigError } from '../core/errors.js';
import { botSchema } from './bot.js';
import { ddnsSchema } from './ddns.js';
import { opsSchema } from './ops.js';
import { slackSchema } from './slack.js';
import { telegramSchema } from './telegram.js';
import { trafficSchema } from './traffic.js';
import { wireguardSchema } from './wireguard.js';
import type { Env } from './load-env.js';
import { quoteEnvValue } from './env-file.js';

const sections = {
  wireguard: wireguardSchema,
  bot: botSchema,
  telegram: telegramSchema,
  slack: slackSchema,
  ddns: ddnsSchema,
  ops: opsSchema,
  traffic: trafficSchema,
} as const;

type Sections = typeof sections;

/** Every setting's name, as the schemas declare them. */
export function settingNames(): string[] {
  return Object.values(sections).flatMap((schema) => Object.keys(schema.shape));
}

/**
 * The settings this process was started with, as .env text (the names the schemas know, in order); a value no
 * .env can carry is left out. Secrets are still in it: the caller empties them (backups do).
 */
export function settingsAsEnvText(env: Env): string {
  const lines: string[] = [];
  for (const name of settingNames()) {
    const value = env[name];
    if (value === undefined) continue;
    const quoted = quoteEnvValue(value);
    if (quoted.ok) lines.push(`${name}=${quoted.text}`);
  }
  return `${lines.join('\n')}\n`;
}
export type Config = { [K in keyof Sections]: z.output<Sections[K]> } & {
  /** Derived: where the database and audit log live. */
  dataDir: string;
  /** Derived: WG_CONFIG_DIR/WG_INTERFACE.conf */
  interfaceConfigPath: string;
};

export interface ParseOptions {
  /** True when running as root: the default DATA_DIR is then /var/lib/wg-chatops. */
  isRoot: boolean;
  cwd: string;
}

export function parseConfig(env: Env, options: ParseOptions): Config {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(sections)) {
    const result = schema.safeParse(env);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const variable = String(issue.path[0] ?? name);
      throw new ConfigError(variable, issue.message);
    }
    out[name] = result.data;
  }
  const config = out as Omit<Config, 'dataDir' | 'interfaceConfigPath'>;
  const dataDir = config.bot.DATA_DIR ?? (options.isRoot ? '/var/lib/wg-chatops' : `${options.cwd}/data`);
  const interfaceConfigPath = `${config.wireguard.WG_CONFIG_DIR.replace(/\/+$/, '')}/${config.wireguard.WG_INTERFACE}.conf`;
  crossCheck(config);
  return { ...config, dataDir, interfaceConfigPath };
}

function crossCheck(config: Omit<Config, 'dataDir' | 'interfaceConfigPath'>): void {
  const { slack } = config;
  if (slack.SLACK_BOT_TOKEN && !slack.SLACK_APP_TOKEN && !slack.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_APP_TOKEN', 'Slack needs SLACK_APP_TOKEN (Socket Mode, recommended) or SLACK_SIGNING_SECRET (HTTP mode)');
  }
  if ((slack.SLACK_APP_TOKEN || slack.SLACK_SIGNING_SECRET) && !slack.SLACK_BOT_TOKEN) {
    throw new ConfigError('SLACK_BOT_TOKEN', 'is required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set');
  }
}

/** Every value in the configuration that must never be logged. */
export function configSecrets(config: Config): string[] {
  const values: Record<string, unknown> = Object.assign({}, ...Object.keys(sections).map((name) => config[name as keyof Sections] as object)) as Record<
    string,
    unknown
  >;
  return SECRET_VARIABLES.map((name) => values[name]).filter((s): s is string => typeof s === 'string');
}

/** The variables whose values must never be printed. */
export const SECRET_VARIABLES = [
  'TELEGRAM_BOT_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'DDNS_PASSWORD',
  'DDNS_TOKEN',
  'METRICS_TOKEN',
] as const;

/** The same secrets read straight from the environment, for commands that run before (or without) a valid configuration. */
export function envSecrets(env: Env): string[] {
  return SECRET_VARIABLES.map((name) => env[name]?.trim()).filter((s): s is string => !!s);
}
