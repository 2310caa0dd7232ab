/**
 * Whether the server config is usable at start, and the offline trial that runs when it is not and no
 * chat token is set (used by the composition root, src/main.ts).
 */
import { constants, existsSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Env } from '../config/load-env.js';
import { ConfigError } from '../core/errors.js';
import { generateKeyPair } from '../core/keys.js';
import { serverInterfaceText } from '../core/server-config.js';
import type { Logger } from '../log/logger.js';
import { writeFileAtomic } from '../store/atomic-file.js';

/**
 * A fresh machine with no WireGuard server yet (and WG_CONFIG_DIR not set): run offline with a
 * throwaway server config in DATA_DIR/trial, so `npm start` shows the bot working before install.
 */
export async function trialSetup(config: Config, env: Env, logger: Logger, chatOn: boolean): Promise<{ path: string } | undefined> {
  if (chatOn) {
    await refuseTrial(config, env);
    return undefined;
  }
  const problem = await interfaceConfigProblem(config.interfaceConfigPath);
  if (!problem || env.WG_CONFIG_DIR) return undefined;
  const dir = join(config.dataDir, 'trial');
  const path = join(dir, `${config.wireguard.WG_INTERFACE}.conf`);
  if (!existsSync(path)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPair();
    const subnet = (config.wireguard.WG_SUBNET ?? '10.6.0.0/24').replace(/\.0\/(\d+)$/, '.1/$1');
    await writeFileAtomic(path, serverInterfaceText({ privateKey, addresses: [subnet], listenPort: config.wireguard.WG_PORT ?? 51820 }));
  }
  logger.warn(`${problem}: offline trial mode with ${path}`);
  return { path };
}

/** With a chat token the bot is meant to run the real VPN: never a silent trial; it stops and says why. */
export async function refuseTrial(config: Config, env: Env): Promise<void> {
  const problem = await interfaceConfigProblem(config.interfaceConfigPath);
  if (problem)
    throw new ConfigError(
      env.WG_CONFIG_DIR ? 'WG_CONFIG_DIR' : config.interfaceConfigPath,
      `${problem}; the bot stops rather than run an offline trial with a chat token set`,
    );
}

/** Why the server config cannot be used by this process, in words for the operator; undefined when it can. */
async function interfaceConfigProblem(path: string): Promise<string | undefined> {
  const dir = dirname(path);
  const who = `this user (${safeUserName()})`;
  const code = (error: unknown) => (error as NodeJS.ErrnoException).code;
  try {
    await access(dir, constants.R_OK | constants.X_OK);
  } catch (error) {
    if (code(error) === 'ENOENT') return `${dir} does not exist (install WireGuard first: sudo wg-chatops install)`;
    return `${dir} is not readable by ${who}`;
  }
  try {
    await access(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    if (code(error) === 'ENOENT') return `${path} does not exist (install WireGuard first: sudo wg-chatops install, or set WG_CONFIG_DIR)`;
    return `${path} is not readable and writable by ${who}`;
  }
  return undefined;
}

/** The user this process runs as, for messages. */
export function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'admin';
  }
}
