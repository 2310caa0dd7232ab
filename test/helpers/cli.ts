/** Run the real program (compiled, as `npm start` does) with a piped console, for end-to-end tests. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/wg-chatops.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for the bot with nothing inherited that could point it at real services. */
export function botEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'en_US.UTF-8',
    PUBLIC_IP_SOURCES: 'none',
    // The per-peer firewall is tested in its own namespace (test/firewall); the bot outside must not touch the host's.
    WG_FIREWALL: 'off',
    // A settings file of this call's own that does not exist yet: a command that writes one (restore) must not
    // leave it where every later run would read it.
    WG_CHATOPS_ENV_FILE: join(tmpdir(), `wgc-noenv-${randomUUID()}`, '.env'),
    ...extra,
  };
}

export function runConsole(env: NodeJS.ProcessEnv, lines: string[], args: string[] = ['console']): Promise<CliResult> {
  return runBin(args, env, lines.map((l) => `${l}\n`).join(''));
}

/** The program with these arguments and standard input; its exit code and output. */
export function runBin(args: string[], env: NodeJS.ProcessEnv, stdin: string, options: { cwd?: string; uid?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const ids = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid };
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...ids,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** The files the console printed: between "# file: NAME" and "# end of file: NAME". */
export function printedFiles(stdout: string): Map<string, string> {
  const files = new Map<string, string>();
  const re = /^# file: (\S+)\n([\s\S]*?)^# end of file: \1$/gm;
  for (const m of stdout.matchAll(re)) files.set(m[1]!, m[2]!);
  return files;
}
