/**
 * `wg-chatops backup [FILE]`, `wg-chatops backup-key [--replace]`, `wg-chatops restore FILE`.
 * The recovery code is read from standard input (a prompt on a terminal), never from an argument
 * (which would end up in the shell history and the process list).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { botSchema } from '../config/bot.js';
import type { Config } from '../config/index.js';
import { wireguardSchema } from '../config/wireguard.js';
import type { Env } from '../config/load-env.js';
import { ConfigError, UserError } from '../core/errors.js';
import { createI18n, toLocale } from '../i18n/index.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { restoreBackup } from './restore.js';
import { createRecoveryCode, makeBackupFile, RECIPIENT_FILE, rootsFor } from './service.js';

export interface BackupCliDeps {
  env: Env;
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  version: string;
  cwd?: string;
  now?: () => Date;
}

/** Only the sections a backup needs: a chat token that does not validate must not stop a restore. */
function minimalConfig(env: Env, cwd: string): Pick<Config, 'wireguard' | 'dataDir'> {
  const parse = <T>(schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  }): T => {
    const r = schema.safeParse(env);
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'config'), issue.message);
  };
  const wireguard = parse(wireguardSchema);
  const bot = parse(botSchema);
  return { wireguard, dataDir: bot.DATA_DIR ?? (process.getuid?.() === 0 ? '/var/lib/wg-chatops' : `${cwd}/data`) };
}

function setup(deps: BackupCliDeps) {
  const cwd = deps.cwd ?? process.cwd();
  const config = minimalConfig(deps.env, cwd);
  const t = createI18n().t(toLocale(deps.env.LANG, 'en')) as (key: string, params?: Record<string, unknown>) => string;
  const say = (s: string) => deps.stdout.write(`${s}\n`);
  const fail = (error: unknown) => {
    if (error instanceof UserError) {
      deps.stderr.write(`${t(error.key, error.params)}\n`);
      return 1;
    }
    throw error;
  };
  return { cwd, config, t, say, fail, roots: rootsFor(config, deps.env, cwd) };
}

export async function runBackupKeyCli(argv: string[], deps: BackupCliDeps): Promise<number> {
  const { config, t, say, fail } = setup(deps);
  try {
    const code = await createRecoveryCode(config.dataDir, { replace: argv.includes('--replace') });
    say(t('backup.cli.keyShown', { code, path: join(config.dataDir, RECIPIENT_FILE) }));
    return 0;
  } catch (error) {
    return fail(error);
  }
}

export async function runBackupCli(argv: string[], deps: BackupCliDeps): Promise<number> {
  const { cwd, config, t, say, fail, roots } = setup(deps);
  try {
    const file = await makeBackupFile(roots, {
      appVersion: deps.version,
      interfaceName: config.wireguard.WG_INTERFACE,
      now: deps.now?.() ?? new Date(),
    });
    const path = resolve(cwd, argv[0] ?? file.name);
    if (existsSync(path)) {
      deps.stderr.write(`${t('backup.cli.exists', { path })}\n`);
      return 1;
    }
    await writeFileAtomic(path, file.data, 0o600);
    say(t('backup.cli.written', { path, peers: file.peers }));
    return 0;
  } catch (error) {
    return fail(error);
  }
}

/** The first line of standard input (after a prompt on a terminal): the recovery code. */
export async function readRecoveryCode(deps: { stdin: Readable; stderr: { write(s: string): unknown } }, prompt: string): Promise<string> {
  const tty = (deps.stdin as { isTTY?: boolean }).isTTY === true;
  if (tty) deps.stderr.write(prompt);
  const rl = createInterface({ input: deps.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line.trim();
  }
  return '';
}

export async function runRestoreCli(argv: string[], deps: BackupCliDeps): Promise<number> {
  const { cwd, t, say, fail, roots } = setup(deps);
  const name = argv[0];
  if (!name || name.startsWith('-')) {
    deps.stderr.write(`${t('backup.cli.usageRestore')}\n`);
    return 2;
  }
  try {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(resolve(cwd, name));
    } catch (error) {
      throw new UserError('backup.restoreFailed', { detail: (error as Error).message }, { cause: error });
    }
    const code = await readRecoveryCode(deps, t('backup.cli.askCode'));
    const r = await restoreBackup(bytes, code, roots);
    say(
      t('backup.cli.restored', {
        count: r.written.length,
        host: r.payload.hostname,
        date: r.payload.createdAt,
        version: r.payload.appVersion,
      }),
    );
    if (r.missingSecrets.length > 0) say(t('backup.cli.missingSecrets', { file: roots.envFile ?? '.env', names: r.missingSecrets.join(', ') }));
    say(t('backup.cli.next', { iface: r.payload.interfaceName }));
    return 0;
  } catch (error) {
    return fail(error);
  }
}
