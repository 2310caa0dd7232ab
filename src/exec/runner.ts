/**
 * The one place that starts processes: argv arrays (never a shell), secrets on stdin or in a
 * 0600 file in a private temporary directory, and secrets masked in every error and log line.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { execa as Execa } from 'execa';
import { ToolError } from '../core/errors.js';
import { MASK, type Logger } from '../log/logger.js';

export interface RunOptions {
  /** Written to the program's stdin (how secrets reach `wg pubkey` and friends). */
  input?: string;
  /** Values to mask wherever the command line or its output is reported. */
  secrets?: string[];
  /** Default true: a non-zero exit throws a ToolError. */
  reject?: boolean;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

export function maskSecrets(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const s of secrets ?? []) if (s) out = out.split(s).join(MASK);
  return out;
}

export function describeCommand(file: string, args: readonly string[], secrets?: readonly string[]): string {
  return maskSecrets([file, ...args].join(' '), secrets);
}

// execa costs ~15 MiB once loaded: load it when the first process runs, not at import.
let execaModule: Promise<typeof Execa> | undefined;
const loadExeca = () => (execaModule ??= import('execa').then((m) => m.execa));

export function createProcessRunner(logger?: Logger): CommandRunner {
  return {
    async run(file, args, options = {}) {
      const shown = describeCommand(file, args, options.secrets);
      logger?.debug(`run ${shown}`);
      let result;
      const execa = await loadExeca();
      try {
        result = await execa(file, [...args], {
          // No stdin pipe unless there is input to write: one less stream to set up per process.
          ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
          reject: false,
          env: options.env,
          timeout: options.timeoutMs ?? 30_000,
          stripFinalNewline: true,
          // execa's exit hook (kill children when we exit) cost ~1 ms per process, more at p95; our children
          // are short `wg`/`ip` calls, and systemd stops the whole control group with the service anyway.
          cleanup: false,
        });
      } catch (error) {
        throw new ToolError(`could not run ${shown}: ${maskSecrets((error as Error).message, options.secrets)}`, { cause: error });
      }
      if (result.failed && result.exitCode === undefined) {
        // Not found, killed or timed out: there is no exit code to speak of.
        const reason = result.code === 'ENOENT' ? 'program not found' : result.timedOut ? 'timed out' : (result.shortMessage ?? 'failed');
        throw new ToolError(`${shown}: ${maskSecrets(reason, options.secrets)}`, {
          code: result.code === 'ENOENT' ? 'not-installed' : result.timedOut ? 'timed-out' : 'failed',
          hint: result.code === 'ENOENT' ? `install the package that provides ${file}` : undefined,
        });
      }
      const out: RunResult = {
        exitCode: result.exitCode ?? 0,
        stdout: String(result.stdout ?? ''),
        stderr: maskSecrets(String(result.stderr ?? ''), options.secrets),
      };
      if (out.exitCode !== 0 && options.reject !== false) {
        throw new ToolError(`${shown} exited with ${out.exitCode}: ${out.stderr.trim() || out.stdout.trim()}`);
      }
      return out;
    },
  };
}

/**
 * For tools that take a secret only as a path (`wg set … preshared-key FILE`): the secret lives in a
 * 0600 file inside a 0700 directory of this process's own for the duration of `use`, and is removed
 * right after. (/dev/stdin does not work there: Node gives the child a socket pair, which wg cannot open.)
 */
export async function withSecretFile<T>(secret: string, use: (path: string) => Promise<T>): Promise<T> {
  const name = `secret-${randomBytes(8).toString('hex')}`;
  let path = join(await privateDir(), name);
  try {
    await writeFile(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // Something (a tmp cleaner) removed the directory meanwhile: make a new one.
    dirPromise = undefined;
    path = join(await privateDir(), name);
    await writeFile(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  }
  try {
    return await use(path);
  } finally {
    await rm(path, { force: true });
  }
}

// One private 0700 directory per process, made on first use and removed at exit: a directory per secret
// cost two more file-system round trips on every /addpeer.
let dirPromise: Promise<string> | undefined;
function privateDir(): Promise<string> {
  dirPromise ??= mkdtemp(join(tmpdir(), 'wg-chatops-')).then((dir) => {
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  });
  return dirPromise;
}
