/** What the traffic sampler tells people: quota warnings and switch-offs, and connect/disconnect notices. */
import type { Notifier, ReplyBuilder } from './notifier.js';
import { ADMINS_OWNER, type PeerEntry, type PeerMeta } from './peer.js';
import type { Quota } from './quota.js';
import { paragraph } from './reply.js';
import { formatSize } from './size.js';
import type { Logger } from '../log/logger.js';

export class TrafficNotices {
  constructor(
    private readonly notifier: Notifier | undefined,
    private readonly logger: Logger,
  ) {}

  /** The owner's private chat; a peer of the admins (imported, or owned by nobody) goes to the admins. */
  async toOwner(owner: string | undefined, build: ReplyBuilder): Promise<void> {
    if (!this.notifier) return;
    try {
      if (!owner || owner === ADMINS_OWNER) await this.notifier.toAdmins(build);
      else await this.notifier.toUser(owner, build);
    } catch (error) {
      this.logger.warn('traffic: a notice could not be sent', { error });
    }
  }

  toAdmins(build: ReplyBuilder): void {
    void this.notifier?.toAdmins(build).catch((error) => this.logger.warn('traffic: a notice to the admins failed', { error }));
  }

  /** 80 %: the owner is warned. Switched off at 100 %: the admins and the owner (once, if not an admin) are told. */
  async quota(action: 'warn' | 'disabled', view: { entry: PeerEntry; meta?: PeerMeta }, quota: Quota, used: number): Promise<void> {
    const params = { name: view.entry.name, used: formatSize(used), limit: formatSize(quota.bytes), percent: Math.floor((used / quota.bytes) * 100) };
    if (action === 'warn') return this.toOwner(view.meta?.owner, (t) => ({ blocks: [paragraph(t('quota.warned', params))] }));
    this.logger.info(`traffic: ${view.entry.name} reached its quota of ${params.limit} and was disabled`);
    const build: ReplyBuilder = (t) => ({ blocks: [paragraph(t('quota.disabledNotice', params))] });
    const reached = (await this.notifier?.toAdmins(build).catch(() => [])) ?? [];
    const owner = view.meta?.owner;
    if (owner && owner !== ADMINS_OWNER && !reached.some((r) => r.recipient === owner)) await this.toOwner(owner, build);
  }
}
