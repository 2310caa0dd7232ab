/**
 * The interactive wizard, driven by keystrokes through @clack/prompts' own input and output streams (the
 * keys are parsed by node's readline as from a terminal). System effects come from the recording fake
 * system the install tests already use; what is asserted here is the wizard: masking, cancel, confirm.
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { publicKeyFromPrivate } from '../../src/core/keys.js';
import { runInstallCli, runUninstallCli } from '../../src/install/cli.js';
import { isQuery } from './fake-system.js';
import { harness, makeRoot, TOKEN, tree, writeAnswers } from './helpers.js';

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

const KEY = { enter: '\r', ctrlC: '\x03', right: '\x1b[C' };

/** A terminal-like stdin, and what the wizard printed so far with the colours and cursor moves taken out. */
function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  const out: string[] = [];
  const screen = () => stripVTControlCharacters(out.join(''));
  /** Waits for `text` to appear (at least `times` times), then types the keys. */
  const when = async (text: string, keys: string, times = 1) => {
    for (let i = 0; i < 2000 && screen().split(text).length - 1 < times; i++) await new Promise((r) => setTimeout(r, 10));
    if (screen().split(text).length - 1 < times) throw new Error(`never asked: ${text}\n${screen()}`);
    for (const k of keys) stdin.write(k);
  };
  return { stdin, out, screen, when };
}

async function setup() {
  const root = await makeRoot();
  roots.push(root);
  const term = terminal();
  // A wide terminal, so that no line of the plan is wrapped.
  const stdout = Object.assign(new Writable({ write: (chunk: Buffer, _e, done) => (term.out.push(chunk.toString()), done()) }), {
    columns: 400,
  });
  const h = harness(root, { stdin: term.stdin, stdout });
  return { root, term, h };
}

const hash = async (root: string) =>
  createHash('sha256')
    .update(JSON.stringify(await tree(root)))
    .digest('hex');

/** Answers the questions up to the plan: token (a bad one first), admin ids, endpoint, port (default), static IP (no). */
async function answerAll(term: ReturnType<typeof terminal>) {
  await term.when('Telegram bot token from @BotFather', `not-a-token${KEY.enter}`);
  await term.when('expected a token from @BotFather', `${'\x7f'.repeat(11)}${TOKEN}${KEY.enter}`);
  await term.when('Telegram user ids of the admins', `12345${KEY.enter}`);
  await term.when('The host name or public IP clients connect to', `home.example.org${KEY.enter}`);
  await term.when('UDP port for WireGuard', KEY.enter);
  await term.when('Make it static now?', KEY.enter); // the default: No
}

describe('interactive wizard', () => {
  it('masks the token, shows defaults and the plan, and "No" changes nothing', async () => {
    const { root, term, h } = await setup();
    const before = await hash(root);
    const run = runInstallCli(['--root', root], h.deps);
    await answerAll(term);
    await term.when('Apply this plan?', `${KEY.right}${KEY.enter}`);
    expect(await run).toBe(0);
    const screen = term.screen();
    expect(screen).toContain('51820'); // the port's default, shown in the field
    expect(screen).toContain('The plan: what install would change');
    expect(screen).toContain('write /etc/wg-chatops/.env (mode 0600)');
    expect(screen).toContain('TELEGRAM_BOT_TOKEN=••••••••');
    expect(screen).toContain('TELEGRAM_ADMIN_IDS=12345');
    expect(screen).toContain('run: useradd --system');
    expect(screen).toContain('Not applied: nothing was written or changed.');
    // Neither the token nor any part of it was echoed, in the field or in the plan.
    expect(term.out.join('')).not.toContain(TOKEN.slice(7, 20));
    expect(term.out.join('')).not.toContain('not-a-token');
    expect(await hash(root)).toBe(before);
    expect(h.system.mutations()).toEqual([]);
  });

  it('Ctrl-C at a question exits cleanly and writes nothing', async () => {
    const { root, term, h } = await setup();
    const before = await hash(root);
    const run = runInstallCli(['--root', root], h.deps);
    await term.when('Telegram bot token from @BotFather', `123${KEY.ctrlC}`);
    expect(await run).toBe(130);
    expect(h.err.join('')).toContain('Cancelled: nothing was written or changed.');
    expect(await hash(root)).toBe(before);
    expect(h.system.calls.filter((c) => !isQuery(c.argv))).toEqual([]);
  });

  it('Ctrl-C at a question asked while planning (static address) writes nothing either', async () => {
    const { root, term, h } = await setup();
    const before = await hash(root);
    const run = runInstallCli(['--root', root], h.deps);
    await term.when('Telegram bot token from @BotFather', `${TOKEN}${KEY.enter}`);
    await term.when('Telegram user ids of the admins', `12345${KEY.enter}`);
    await term.when('The host name or public IP clients connect to', `home.example.org${KEY.enter}`);
    await term.when('UDP port for WireGuard', KEY.enter);
    await term.when('Make it static now?', KEY.ctrlC);
    expect(await run).toBe(130);
    expect(await hash(root)).toBe(before);
    expect(h.system.mutations()).toEqual([]);
  });

  it('"Yes" applies exactly the plan shown: the same files, commands, subnet and server key', async () => {
    const { root, term, h } = await setup();
    const run = runInstallCli(['--root', root], h.deps);
    await answerAll(term);
    await term.when('Apply this plan?', KEY.enter);
    const code = await run;
    const screen = term.screen();
    expect(code, `${screen}\n${h.err.join('')}`).toBe(0);
    const [plan, applied] = [screen.slice(0, screen.indexOf('Apply this plan?')), screen.slice(screen.indexOf('Apply this plan?'))];
    expect(applied).toContain('Finished:');
    // Every file written is one the plan named, and every file the plan named was written.
    const shownFiles = [...plan.matchAll(/write (\/\S+) \(mode/g)].map((m) => m[1]!).sort();
    const written = Object.keys(await tree(root)).filter(
      (p) => !['/etc/os-release', '/etc/passwd', '/etc/group', '/etc/wg-chatops/install-state.json'].includes(p) && !p.startsWith('/usr/local/lib/'),
    );
    expect(written.sort()).toEqual(shownFiles);
    // Every command run that changes something was shown, as it ran.
    const shownCommands = [...plan.matchAll(/run: (.+)/g)].map((m) => m[1]!.replace(/│\s*$/, '').trim());
    for (const { argv } of h.system.mutations()) expect(shownCommands, argv.join(' ')).toContain(argv.join(' '));
    expect(h.system.mutations().length).toBeGreaterThan(0);
    // The random choices were made once: the subnet and public key shown are those written.
    const conf = await readFile(join(root, 'etc/wireguard/wg0.conf'), 'utf8');
    const subnet = plan.match(/tunnel subnet (\d+\.\d+\.\d+)\.0\/24/)![1]!;
    expect(conf).toContain(`Address = ${subnet}.1/24`);
    expect(plan).toContain(publicKeyFromPrivate(conf.match(/PrivateKey = (\S+)/)![1]!));
    // The token went to the 0600 .env, never to the screen.
    expect(await readFile(join(root, 'etc/wg-chatops/.env'), 'utf8')).toContain(TOKEN);
    expect(term.out.join('')).not.toContain(TOKEN.slice(7, 20));
  });

  it('uninstall asks about the keys before removing anything: Ctrl-C there leaves all; the default keeps them', async () => {
    const { root, term, h } = await setup();
    const answers = await writeAnswers(root, `TELEGRAM_BOT_TOKEN=${TOKEN}\nTELEGRAM_ADMIN_IDS=1\nWG_ENDPOINT=vpn.example.org\nINSTALL_STATIC_IP=no\n`);
    expect(await runInstallCli(['--root', root, '--answers', answers], h.deps)).toBe(0);
    const installed = await hash(root);
    const cancelled = runUninstallCli(['--root', root], h.deps);
    await term.when('Also remove the WireGuard config, keys', KEY.ctrlC);
    expect(await cancelled).toBe(130);
    expect(await hash(root)).toBe(installed);
    const kept = runUninstallCli(['--root', root], h.deps);
    await term.when('Also remove the WireGuard config, keys', KEY.enter, 2);
    expect(await kept).toBe(0);
    const files = await tree(root);
    expect(files['/etc/wireguard/wg0.conf']).toBeDefined();
    expect(files['/etc/systemd/system/wg-chatops.service']).toBeUndefined();
  });
});
