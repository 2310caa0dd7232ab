/**
 * What the expiry clock does with a due action: a peer whose end passed is switched off (a journaled
 * disable, reason "expired") and its owner and the admins are told; an owner whose peer ends soon is
 * reminded. The fact is stored before the message goes out, so a crash or a restart never sends one twice
 * (at most once: a crash between the two loses that message, never repeats it).
 */
import { formatEnd, formatLeft } from './duration.js';
import type { DueAction } from './expiry.js';
import type { Notifier, ReplyBuilder } from './notifier.js';
import { ADMINS_OWNER } from './peer.js';
import type { PeerView } from './peer-types.js';
import { textReply } from './reply.js';
import type { Logger } from '../log/logger.js';

export interface ExpiryPeers {
  expire(name: string, publicKey: string): Promise<PeerView | undefined>;
  markReminded(name: string, expiresAt: string): Promise<void>;
  readonly timeZone: string;
}

export interface NoticeDeps {
  peers: ExpiryPeers;
  notifier: Notifier;
  displayName: (userKey: string) => string;
  now: () => Date;
  logger: Logger;
}

export function expiryActions(deps: NoticeDeps): (action: DueAction) => Promise<void> {
  const { peers, notifier, logger } = deps;
  const end = (a: DueAction) => formatEnd(new Date(a.expiresAt), peers.timeZone);
  const tell = async (owner: string, toOwner: ReplyBuilder, toAdmins?: ReplyBuilder): Promise<void> => {
    const sent = toAdmins || owner === ADMINS_OWNER ? await notifier.toAdmins(toAdmins ?? toOwner) : [];
    // An admin who owns the peer gets the admins' notice only.
    if (owner !== ADMINS_OWNER && !sent.some((r) => r.recipient === owner)) await notifier.toUser(owner, toOwner);
  };
  return async (action) => {
    if (action.kind === 'expire') {
      const done = await peers.expire(action.name, action.publicKey);
      if (!done) return; // no longer due (changed meanwhile)
      logger.info(`expiry: ${action.name} reached its end (${action.expiresAt}) and is switched off`);
      const owner = action.owner === ADMINS_OWNER ? '' : deps.displayName(action.owner);
      await tell(
        action.owner,
        (t) => textReply(t('expiry.expiredOwner', { name: action.name, end: end(action) })),
        (t) => textReply(t('expiry.expiredAdmins', { name: action.name, owner: owner || t('peers.ownerAdmins'), end: end(action) })),
      ).catch((error) => logger.warn(`expiry: telling about ${action.name} failed`, { error }));
      return;
    }
    await peers.markReminded(action.name, action.expiresAt);
    const left = formatLeft(Date.parse(action.expiresAt) - deps.now().getTime());
    await tell(action.owner, (t) => textReply(t('expiry.reminder', { name: action.name, end: end(action), left }))).catch((error) =>
      logger.warn(`expiry: reminding about ${action.name} failed`, { error }),
    );
  };
}
