import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/core/errors.js';
import { createProcessRunner, withSecretFile } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';

describe('process runner (real tiny programs)', () => {
  it('passes argv without a shell and input on stdin', async () => {
    const runner = createProcessRunner();
    const r = await runner.run('sh', ['-c', 'printf "%s|" "$1"; cat', 'x', '$(echo injected); `id`'], { input: 'from-stdin' });
    expect(r.stdout).toBe('$(echo injected); `id`|from-stdin');
  });

  it('masks secrets in the error of a failing command', async () => {
    const log = createMemoryLogger();
    const runner = createProcessRunner(log);
    const error = await runner.run('sh', ['-c', 'echo "bad key $0" >&2; exit 3', 'TOPSECRETVALUE'], { secrets: ['TOPSECRETVALUE'] }).catch((e) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toMatch(/exited with 3/);
    expect(error.message).not.toContain('TOPSECRETVALUE');
    expect(log.lines.join('\n')).not.toContain('TOPSECRETVALUE');
  });

  it('reports a missing program with a hint', async () => {
    const error = await createProcessRunner()
      .run('no-such-program-here', [])
      .catch((e) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect(error.hint).toMatch(/install/);
    expect(error.code).toBe('not-installed');
  });

  it('gives each kind of failure its own code, for callers to branch on', async () => {
    const runner = createProcessRunner();
    expect((await runner.run('sh', ['-c', 'exit 2']).catch((e) => e)).code).toBe('failed');
    expect((await runner.run('sleep', ['5'], { timeoutMs: 50 }).catch((e) => e)).code).toBe('timed-out');
  });

  it('hands a secret over in a 0600 file in a private 0700 directory, removed right after', async () => {
    let seen = '';
    let path = '';
    await withSecretFile('psk-value', async (p) => {
      path = p;
      seen = readFileSync(p, 'utf8');
      expect(statSync(p).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(p)).mode & 0o777).toBe(0o700);
    });
    expect(seen).toBe('psk-value\n');
    expect(existsSync(path)).toBe(false);
    // The directory is the process's own and stays private (it is removed at exit).
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
  });
});

describe('withSecretFile', () => {
  it('recreates its private directory if it was removed meanwhile', async () => {
    const { rmSync } = await import('node:fs');
    let first = '';
    await withSecretFile('a', async (p) => {
      first = p;
    });
    rmSync(dirname(first), { recursive: true, force: true });
    let content = '';
    await withSecretFile('b', async (p) => {
      content = readFileSync(p, 'utf8');
    });
    expect(content).toBe('b\n');
  });
});
