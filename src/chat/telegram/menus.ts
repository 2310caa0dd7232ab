/**
 * The command menus Telegram shows next to the text field: the user menu for everyone, the admin menu
 * in each admin's private chat, both in English and Japanese. An admin who had not opened a chat with
 * the bot yet gets theirs when they first write.
 */
import type { Api } from 'grammy/web';
import type { BotCommand, BotCommandScope } from 'grammy/types';
import type { CommandDef } from '../../core/command.js';
import type { Translate } from '../../core/translate.js';
import type { Locale, Role } from '../../core/user.js';
import type { Logger } from '../../log/logger.js';
import { truncatePlain } from './render.js';

const MENU_LOCALES: Locale[] = ['en', 'ja'];

export interface MenuDeps {
  api: Api;
  adminIds: () => readonly string[];
  visibleCommands: (role: Role) => CommandDef[];
  translator: (locale: Locale) => Translate;
  logger: Logger;
}

export class TelegramMenus {
  /** Admins whose private menu could not be set yet (they had not opened a chat with the bot). */
  private readonly pending = new Set<string>();

  constructor(private readonly deps: MenuDeps) {}

  async registerAll(): Promise<void> {
    await this.setMenu('user', { type: 'default' }).catch((error) => this.deps.logger.warn('Telegram: could not set the command menu', { error }));
    for (const id of this.deps.adminIds()) await this.registerAdmin(id);
  }

  /** Someone wrote: if they are an admin still without a menu, try again now. */
  heardFrom(userId: string): void {
    if (this.pending.has(userId)) void this.registerAdmin(userId);
  }

  private async registerAdmin(id: string): Promise<void> {
    try {
      await this.setMenu('admin', { type: 'chat', chat_id: Number(id) });
      this.pending.delete(id);
    } catch (error) {
      // Usually: this admin has not opened a chat with the bot yet. Tried again when they write.
      this.pending.add(id);
      this.deps.logger.debug(`Telegram: admin menu for ${id} not set yet`, { error });
    }
  }

  private async setMenu(role: Role, scope: BotCommandScope): Promise<void> {
    for (const locale of MENU_LOCALES) {
      const t = this.deps.translator(locale);
      const commands: BotCommand[] = this.deps
        .visibleCommands(role)
        .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name))
        .slice(0, 100)
        .map((c) => ({ command: c.name, description: truncatePlain(t(c.summaryKey) || c.name, 256) }));
      await this.deps.api.setMyCommands(commands, { scope, ...(locale === 'en' ? {} : { language_code: locale }) });
    }
  }
}
