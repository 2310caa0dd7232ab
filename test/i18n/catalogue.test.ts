import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en/index.js';
import { ja } from '../../src/i18n/ja/index.js';
import { createI18n, toLocale } from '../../src/i18n/index.js';

function leaves(obj: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof obj === 'string') out.set(prefix, obj);
  else if (obj && typeof obj === 'object')
    for (const [k, v] of Object.entries(obj)) for (const [kk, vv] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(kk, vv);
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('message catalogue', () => {
  const enLeaves = leaves(en);
  const jaLeaves = leaves(ja);

  it('has the same keys in English and Japanese', () => {
    expect([...jaLeaves.keys()].sort()).toEqual([...enLeaves.keys()].sort());
  });

  it('uses the same placeholders in both languages', () => {
    for (const [key, text] of enLeaves) expect(placeholders(jaLeaves.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it('translates with parameters and falls back to English', () => {
    const i18n = createI18n();
    expect(i18n.t('en')('peer.revoked', { name: 'laptop' })).toBe('Peer laptop is revoked: its config no longer connects.');
    expect(i18n.t('ja')('peer.revoked', { name: 'laptop' })).toContain('laptop');
    expect(toLocale('ja_JP.UTF-8')).toBe('ja');
    expect(toLocale('de-DE')).toBe('en');
  });
});
