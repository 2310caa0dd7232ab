/**
 * The one message catalogue (English and Japanese) behind every word the bot says.
 * Adapters never hold wording of their own; they ask for a translator for the user's locale.
 * Each area keeps its messages in its own file (src/i18n/{en,ja}/AREA.ts) under its own top-level keys.
 */
import i18next, { type TFunction } from 'i18next';
import type { Locale } from '../core/user.js';
import { en } from './en/index.js';
import { ja } from './ja/index.js';

export type Translate = TFunction;

export interface I18n {
  t(locale: Locale): Translate;
}

export function createI18n(): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources: { en: { translation: en }, ja: { translation: ja } },
    lng: 'en',
    fallbackLng: 'en',
    // Adapters escape for their own markup; the catalogue holds plain text.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  });
  const cache = new Map<Locale, Translate>();
  return {
    t(locale) {
      let t = cache.get(locale);
      if (!t) {
        t = instance.getFixedT(locale);
        cache.set(locale, t);
      }
      return t;
    },
  };
}

/** Map a platform language tag (ja, ja-JP, en-US, …) or LANG (ja_JP.UTF-8) to a supported locale. */
export function toLocale(tag: string | undefined, fallback: Locale = 'en'): Locale {
  if (!tag) return fallback;
  const t = tag.toLowerCase();
  if (t.startsWith('ja')) return 'ja';
  if (t.startsWith('en')) return 'en';
  return fallback;
}
