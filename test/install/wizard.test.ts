import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runInstallCli } from '../../src/install/cli.js';
import { harness, makeRoot, TOKEN, tree } from './helpers.js';

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

describe('interactive wizard', () => {
  it('asks what is missing, re-asks a bad answer with the reason, and uses the answers', async () => {
    const root = await makeRoot();
    roots.push(root);
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const h = harness(root, { stdin });
    // token (bad, then good), admin ids, endpoint, port (default), static IP? no
    stdin.end(['not-a-token', TOKEN, '12345', 'home.example.org', '', 'n'].join('\n'));
    expect(await runInstallCli(['--root', root, '--dry-run'], h.deps)).toBe(0);
    const out = h.out.join('');
    expect(out).toContain('Telegram bot token from @BotFather (empty: no Telegram):');
    expect(out).toContain('! expected a token from @BotFather');
    expect(out).toContain('Telegram user ids of the admins, comma-separated:');
    expect(out).toContain('The host name or public IP clients connect to (your DDNS name):');
    expect(out).toContain('UDP port for WireGuard: [51820]');
    expect(out.match(/  ! expected/g)).toHaveLength(1);
    expect(out).toContain('Make it static now?');
    expect(out).toContain('reserve it for this Pi in the router’s DHCP settings');
    expect(out).not.toContain(TOKEN.slice(8));
    expect(Object.keys(await tree(root))).toEqual(['/etc/os-release', '/etc/passwd']);
  });

  it('says how to go unattended when the input ends early', async () => {
    const root = await makeRoot();
    roots.push(root);
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.end('');
    const h = harness(root, { stdin });
    expect(await runInstallCli(['--root', root], h.deps)).toBe(1);
    expect(h.err.join('')).toContain('use --answers FILE for unattended installs');
  });
});
