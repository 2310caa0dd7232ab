import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { botSchema } from '../../src/config/bot.js';
import { ddnsSchema } from '../../src/config/ddns.js';
import { opsSchema } from '../../src/config/ops.js';
import { slackSchema } from '../../src/config/slack.js';
import { telegramSchema } from '../../src/config/telegram.js';
import { trafficSchema } from '../../src/config/traffic.js';
import { wireguardSchema } from '../../src/config/wireguard.js';
import { installSchema } from '../../src/install/answers.js';

describe('.env.example', () => {
  it('names every variable the program reads (LANG aside, the system sets it)', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const read = [wireguardSchema, botSchema, telegramSchema, slackSchema, ddnsSchema, opsSchema, trafficSchema, installSchema].flatMap((s) =>
      Object.keys(s.shape),
    );
    expect(read.length).toBeGreaterThan(40);
    expect(read.filter((name) => name !== 'LANG' && !documented.has(name))).toEqual([]);
  });
});
