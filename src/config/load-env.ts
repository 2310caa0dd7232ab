import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError } from '../core/errors.js';

export type Env = Record<string, string | undefined>;

/**
 * The process environment merged over an optional .env file: the environment wins, so a
 * systemd Environment= or a one-off `WG_PORT=… npm start` overrides the file.
 */
export function loadEnv(processEnv: Env, dotEnvPath: string | undefined): Env {
  if (!dotEnvPath) return { ...processEnv };
  let text: string;
  try {
    text = readFileSync(dotEnvPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...processEnv };
    throw new ConfigError(dotEnvPath, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  let fromFile: Env;
  try {
    fromFile = parseEnv(text);
  } catch (error) {
    throw new ConfigError(dotEnvPath, `is not a valid KEY=VALUE file`, { cause: error });
  }
  return { ...fromFile, ...processEnv };
}
