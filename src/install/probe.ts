/** Read-only queries through the command runner: a missing program or a non-zero exit is an answer, not a crash. */
import type { CommandRunner, RunResult } from '../exec/runner.js';

export async function probe(runner: CommandRunner, file: string, args: string[]): Promise<RunResult | undefined> {
  try {
    return await runner.run(file, args, { reject: false, timeoutMs: 10_000 });
  } catch {
    return undefined; // not installed / not runnable
  }
}

export async function succeeds(runner: CommandRunner, file: string, args: string[]): Promise<boolean> {
  return (await probe(runner, file, args))?.exitCode === 0;
}

export async function stdoutOf(runner: CommandRunner, file: string, args: string[]): Promise<string | undefined> {
  const r = await probe(runner, file, args);
  return r?.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** `ip -j …` output, or [] when ip is missing or says something else. */
export async function ipJson<T>(runner: CommandRunner, args: string[]): Promise<T[]> {
  const out = await stdoutOf(runner, 'ip', ['-j', ...args]);
  if (!out) return [];
  try {
    const parsed: unknown = JSON.parse(out);
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    return [];
  }
}

export async function packageInstalled(runner: CommandRunner, name: string): Promise<boolean> {
  const out = await stdoutOf(runner, 'dpkg-query', ['-W', '-f=${Status}', name]);
  return out === 'install ok installed';
}
