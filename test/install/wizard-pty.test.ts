/**
 * The real program in a real pseudo-terminal (util-linux `script` gives it one): the keys typed reach the
 * wizard as from a keyboard in raw mode. A token typed is masked on screen, and Ctrl-C at a question ends
 * install with nothing written. Only the questions are reached: nothing here may touch this machine.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, botEnv } from '../helpers/cli.js';
import { rootWith } from '../helpers/netns.js';
import { makeRoot, TOKEN, tree } from './helpers.js';

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

const hash = async (root: string) =>
  createHash('sha256')
    .update(JSON.stringify(await tree(root)))
    .digest('hex');

/** Starts a program under `script` (by default `wg-chatops install --root ROOT`); `when` waits for text on the screen, then types. */
function inTerminal(root: string, argv = [process.execPath, BIN, 'install', '--root', root]) {
  // A pty made without a terminal behind it is 0 columns wide: give it a size first.
  const command = `stty cols 200 rows 50; ${argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')}`;
  const child = spawn('script', ['--quiet', '--return', '--flush', '--command', command, '/dev/null'], {
    env: { ...botEnv({}), TERM: 'xterm', SHELL: '/bin/sh' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const plain = () => stripVTControlCharacters(screen);
  return {
    raw: () => screen,
    plain,
    exited,
    async when(text: string, keys: string) {
      // Generous: a slow machine starts node in seconds.
      for (let i = 0; i < 600 && !plain().includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      if (!plain().includes(text)) throw new Error(`never asked "${text}":\n${plain()}`);
      for (const k of keys) {
        child.stdin.write(k);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

describe.runIf(rootWith('script') && existsSync(new URL('../../dist/bundle/main.js', import.meta.url)))('the wizard in a real terminal', () => {
  it('masks the token as it is typed, and Ctrl-C at the next question writes nothing', async () => {
    const root = await makeRoot();
    roots.push(root);
    const before = await hash(root);
    const term = inTerminal(root);
    await term.when('Telegram bot token from @BotFather', `${TOKEN}\r`);
    await term.when('Telegram user ids of the admins', '\x03');
    expect(await term.exited).toBe(130);
    expect(term.plain()).toContain('Cancelled: nothing was written or changed.');
    expect(term.plain()).toMatch(/▪{10,}|•{10,}/); // the mask, one per character typed
    expect(term.raw()).not.toContain(TOKEN.slice(7, 20));
    expect(await hash(root)).toBe(before);
  });

  it('Escape at the first question cancels too', async () => {
    const root = await makeRoot();
    roots.push(root);
    const before = await hash(root);
    const term = inTerminal(root);
    await term.when('Telegram bot token from @BotFather', '\x1b');
    expect(await term.exited).toBe(130);
    expect(await hash(root)).toBe(before);
  });

  const prompter = new URL('../../dist/src/install/prompt.js', import.meta.url);
  it.runIf(existsSync(prompter))('Ctrl-C while a step runs (under the spinner) exits 130 and says how to resume', async () => {
    const labels = { yes: 'yes', no: 'no', interrupted: 'Interrupted while applying: run install again to resume.' };
    const program = `import(${JSON.stringify(prompter.href)}).then(({ createClackPrompter }) => {
      const p = createClackPrompter({ input: process.stdin, output: process.stdout, labels: ${JSON.stringify(labels)} });
      p.progress("[2/15] WireGuard packages …");
      setTimeout(() => {}, 60000);
    })`;
    const term = inTerminal('/nonexistent', [process.execPath, '--input-type=module', '-e', program]);
    await term.when('[2/15] WireGuard packages', '\x03');
    expect(await term.exited).toBe(130);
    expect(term.plain()).toContain(labels.interrupted);
  });
});
