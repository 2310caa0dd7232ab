import type { BotDb, ApprovedUser, Profile } from './database.js';
import type { Role } from './user.js';

/**
 * Roles: admins come from configuration (per platform), users are people an admin approved
 * before, everyone else is a stranger. Deny by default.
 */
export class UserService {
  constructor(
    private readonly db: BotDb,
    /** User keys (platform:id) of the configured admins. */
    private readonly adminKeys: () => ReadonlySet<string>,
  ) {}

  roleOf(key: string): Role {
    if (this.adminKeys().has(key)) return 'admin';
    if (this.db.data.users[key]) return 'user';
    return 'stranger';
  }

  isAdmin(key: string): boolean {
    return this.adminKeys().has(key);
  }

  list(): ApprovedUser[] {
    return Object.values(this.db.data.users).sort((a, b) => a.approvedAt.localeCompare(b.approvedAt));
  }

  get(key: string): ApprovedUser | undefined {
    return this.db.data.users[key];
  }

  async approve(key: string, name: string, by: string, now: Date): Promise<void> {
    if (this.db.data.users[key] || this.isAdmin(key)) return;
    await this.db.update((d) => {
      d.users[key] = { key, name, approvedBy: by, approvedAt: now.toISOString() };
    });
  }

  async remove(key: string): Promise<boolean> {
    if (!this.db.data.users[key]) return false;
    await this.db.update((d) => {
      delete d.users[key];
    });
    return true;
  }

  profile(key: string): Profile | undefined {
    return this.db.data.profiles[key];
  }

  /**
   * Remember a person's name and language for messages the bot starts (approval requests, alerts).
   * Kept in memory and saved with the next real change, so a read-only command never writes a file.
   */
  rememberProfile(key: string, profile: Profile): void {
    const old = this.db.data.profiles[key];
    if (old && old.name === profile.name && old.username === profile.username && old.locale === profile.locale) return;
    this.db.stage((d) => {
      d.profiles[key] = profile;
    });
  }

  displayName(key: string): string {
    const p = this.db.data.profiles[key];
    if (!p) return key;
    return p.username ? `${p.name} (@${p.username})` : p.name;
  }
}
