/**
 * What the real `wg` says when things go wrong, read once into a ToolError code: an interface that is
 * not there is "no interface" (state undefined, a change false), anything else is an error.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/core/errors.js';
import { generateKeyPair } from '../../src/core/keys.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { wgCliInterface } from '../../src/wireguard/wg-cli.js';

const hasWg = spawnSync('wg', ['--version'], { stdio: 'ignore' }).status === 0;

describe.runIf(hasWg)('the wg CLI’s failures as codes', () => {
  // Only reads or fails: no interface by this name exists, so nothing on the machine changes.
  const absent = wgCliInterface(`wgno${randomBytes(3).toString('hex')}`, createProcessRunner());

  it('an interface that is not there: no state, and a change reports false', async () => {
    expect(await absent.state()).toBeUndefined();
    expect(await absent.removePeer(generateKeyPair().publicKey)).toBe(false);
  });

  it('a missing `wg` program is a ToolError coded not-installed, not a missing interface', async () => {
    const noWg = wgCliInterface('wg0', createProcessRunner(), '/nonexistent/wg');
    const error = await noWg.state().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('not-installed');
  });
});
