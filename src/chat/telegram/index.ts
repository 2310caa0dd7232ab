/**
 * Telegram entry point. Loaded only with `await import()` when TELEGRAM_BOT_TOKEN is set, so grammY
 * costs no memory otherwise: nothing else may import this directory statically.
 */
import type { ChatAdapter } from '../adapter.js';
import { TelegramAdapter, type TelegramDeps } from './adapter.js';

export type { TelegramDeps, TelegramOptions } from './adapter.js';

export function createTelegramAdapter(deps: TelegramDeps): ChatAdapter {
  return new TelegramAdapter(deps);
}
