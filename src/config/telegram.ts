import * as z from 'zod';
import { httpUrl, list, optionalString } from './fields.js';

export const telegramSchema = z.object({
  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'expected a token from @BotFather, like 123456:ABC-DEF…')
      .optional(),
  ),
  TELEGRAM_ADMIN_IDS: list([]).pipe(z.array(z.string().regex(/^\d+$/, 'expected numeric Telegram user ids, comma-separated'))),
  TELEGRAM_API_ROOT: httpUrl('https://api.telegram.org'),
});
