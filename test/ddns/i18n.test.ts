import { describe, expect, it } from 'vitest';
import { ddns as en } from '../../src/i18n/en/ddns.js';
import { ddns as ja } from '../../src/i18n/ja/ddns.js';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('DDNS messages', () => {
  it('English and Japanese have the same keys and the same placeholders', () => {
    expect(keys(ja).sort()).toEqual(keys(en).sort());
    const get = (o: object, path: string) => path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o) as string;
    for (const k of keys(en)) expect(placeholders(get(ja, k)), k).toEqual(placeholders(get(en, k)));
  });
});
