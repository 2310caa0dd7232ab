import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { install as en } from '../../src/i18n/en/install.js';
import { install as ja } from '../../src/i18n/ja/install.js';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(dir, e.name), 'utf8')] : [],
  );
}

describe('install messages', () => {
  it('has the same keys and placeholders in English and Japanese', () => {
    expect(keys(ja).sort()).toEqual(keys(en).sort());
    const get = (o: object, k: string) => k.split('.').reduce<unknown>((a, p) => (a as Record<string, unknown>)[p], o) as string;
    for (const k of keys(en)) {
      const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(placeholders(get(ja, k)), k).toEqual(placeholders(get(en, k)));
    }
  });

  it('has every key the install code uses', () => {
    const all = new Set(keys(en));
    const used = sources('src/install').flatMap((s) => [...s.matchAll(/['`]((?:install|doctor|pivpn)\.[A-Za-z.]+)['`]/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((k) => !all.has(k))).toEqual([]);
    // Keys built at run time: every NAT kind and wizard question.
    for (const nat of ['cgnat', 'double-nat', 'upstream-nat']) {
      expect(all.has(`install.note.nat.${nat}`) && all.has(`doctor.publicIp.${nat}`) && all.has(`doctor.fix.${nat}`)).toBe(true);
    }
  });
});
