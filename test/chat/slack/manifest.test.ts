/** The Slack app manifest in deploy/ matches the command table and the scopes the adapter uses. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { UMBRELLA } from '../../../src/chat/slack/events.js';

const manifest = readFileSync(new URL('../../../deploy/slack-app-manifest.yaml', import.meta.url), 'utf8');
const slashCommands = [...manifest.matchAll(/^\s*- command: \/(\S+)\s*$/gm)].map((m) => m[1]!);
const botScopes = [...(/^\s{4}bot:\n((?:\s{6}- .*\n)+)/m.exec(manifest)?.[1] ?? '').matchAll(/- ([a-z:.]+)/g)].map((m) => m[1]!);

/** Words Slack keeps for its own built-in commands, and Telegram's /start: reached as /wg WORD. */
const RESERVED_OR_TELEGRAM_ONLY = new Set(['status', 'start']);

describe('deploy/slack-app-manifest.yaml', () => {
  it('has the umbrella command and every visible command not reserved by Slack, and nothing else', () => {
    const visible = commands.filter((c) => !c.hidden).map((c) => c.name);
    expect(slashCommands).toContain(UMBRELLA);
    for (const name of visible) if (!RESERVED_OR_TELEGRAM_ONLY.has(name)) expect(slashCommands).toContain(name);
    for (const name of slashCommands) expect([UMBRELLA, ...visible]).toContain(name);
    expect(slashCommands.filter((n) => RESERVED_OR_TELEGRAM_ONLY.has(n))).toEqual([]);
    expect(new Set(slashCommands).size).toBe(slashCommands.length);
  });

  it('asks for exactly the bot scopes the adapter uses, with Socket Mode and interactivity on', () => {
    expect(botScopes.sort()).toEqual(['chat:write', 'commands', 'files:write', 'im:write', 'users:read']);
    expect(manifest).toMatch(/^\s+socket_mode_enabled: true$/m);
    expect(manifest).toMatch(/^\s+interactivity:\n\s+is_enabled: true$/m);
  });
});
