/**
 * Non-admins ask, admins decide. A request is a record in the bot's database; the Approve/Deny buttons
 * only carry its id, so a forged, edited or stale button changes nothing: every decision is looked up
 * here and re-checked (presser is an admin, request still pending and not expired).
 */
import { randomBytes } from 'node:crypto';
import { decide, isOpen, type ApprovalRequest, type Decision } from './approval.js';
import { UserError } from './errors.js';
import type { Notifier, ReplyBuilder } from './notifier.js';
import type { PeerService, AddResult } from './peer-service.js';
import type { UserService } from './user-service.js';
import type { Actor } from './user.js';
import type { BotDb } from './database.js';
import type { Logger } from '../log/logger.js';

export interface ApprovalMessages {
  /** The message each admin gets, with Approve/Deny buttons. */
  request(request: ApprovalRequest): ReplyBuilder;
  /** What the admins' request messages become once someone decided or it expired. */
  decided(request: ApprovalRequest): ReplyBuilder;
  /** Delivered privately to the requester on approval (the QR and .conf). */
  delivery(request: ApprovalRequest, result: AddResult<Uint8Array>): ReplyBuilder;
  /** Sent to the requester on denial or expiry. */
  refused(request: ApprovalRequest): ReplyBuilder;
}

interface Deps {
  db: BotDb;
  peers: PeerService;
  users: UserService;
  notifier: Notifier;
  messages: ApprovalMessages;
  /** Makes the QR PNG for a delivery while the peer is committed. */
  renderQr: (clientConfig: string) => Promise<Uint8Array>;
  ttlSeconds: number;
  /** MAX_PEERS_PER_USER: a non-admin's peers plus open requests; checked at request, approval and undo. */
  maxPeersPerUser: number;
  logger: Logger;
}

export type DecisionResult =
  { ok: true; request: ApprovalRequest; delivered: boolean } | { ok: false; reason: 'unknown' | 'already-decided' | 'expired'; request?: ApprovalRequest };

export class ApprovalService {
  private lock: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: Deps) {}

  get(id: string): ApprovalRequest | undefined {
    return this.deps.db.data.requests[id];
  }

  pending(now: Date): ApprovalRequest[] {
    return Object.values(this.deps.db.data.requests).filter((r) => isOpen(r, now));
  }

  /** What counts toward MAX_PEERS_PER_USER: the peers someone owns plus their open requests. */
  quotaUsed(key: string, now: Date): number {
    return this.deps.peers.countOwnedBy(key) + this.pending(now).filter((r) => r.requester === key).length;
  }

  get maxPeersPerUser(): number {
    return this.deps.maxPeersPerUser;
  }

  /** A non-admin asks for a peer: checked now (name, limits), decided later by an admin. */
  request(actor: Actor, peerName: string, now: Date): Promise<ApprovalRequest> {
    return this.serialised(async () => {
      const open = this.pending(now);
      // A request does not hold the name for anyone else: the first peer actually created takes it.
      // Only the same person asking twice for the same name is refused.
      if (open.some((r) => r.peerName === peerName && r.requester === actor.key)) throw new UserError('approval.nameRequested', { name: peerName });
      const mine = open.filter((r) => r.requester === actor.key).length;
      if (mine >= 3) throw new UserError('approval.tooManyOpen', { count: mine });
      // Open requests count toward the quota: asking for more than one may have is refused now.
      if (this.quotaUsed(actor.key, now) >= this.deps.maxPeersPerUser) throw new UserError('peer.limit', { max: this.deps.maxPeersPerUser });
      const request: ApprovalRequest = {
        id: randomBytes(6).toString('base64url'),
        kind: 'addpeer',
        peerName,
        requester: actor.key,
        requesterName: actor.displayName,
        ...(actor.username ? { requesterUsername: actor.username } : {}),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.deps.ttlSeconds * 1000).toISOString(),
        state: 'pending',
        notices: [],
      };
      await this.deps.db.update((d) => {
        d.requests[request.id] = request;
        this.prune(d.requests, now);
      });
      const notices = await this.deps.notifier.toAdmins(this.deps.messages.request(request));
      if (notices.length === 0) this.deps.logger.warn(`approval request ${request.id}: no admin could be reached on any platform`);
      await this.deps.db.update((d) => {
        const r = d.requests[request.id];
        if (r) r.notices = notices;
      });
      return { ...request, notices };
    });
  }

  decide(id: string, decision: Decision, admin: Actor, now: Date): Promise<DecisionResult> {
    return this.serialised(async () => {
      if (!this.deps.users.isAdmin(admin.key)) throw new UserError('access.adminOnly');
      const current = this.deps.db.data.requests[id];
      const outcome = decide(current, decision, { key: admin.key, name: admin.displayName }, now);
      if (!outcome.ok) return outcome;
      let decided = outcome.request;
      let delivered = false;
      if (decision === 'approve') {
        // The quota again, now: peers may have been added (or restored) since the request.
        const owned = this.deps.peers.countOwnedBy(decided.requester);
        if (!this.deps.users.isAdmin(decided.requester) && owned >= this.deps.maxPeersPerUser) {
          throw new UserError('approval.overLimit', { name: decided.peerName, max: this.deps.maxPeersPerUser });
        }
        // Create first: if it fails (name taken meanwhile, subnet full) the request stays pending.
        const result = await this.deps.peers.add({ name: decided.peerName, owner: decided.requester }, this.deps.renderQr);
        await this.deps.users.approve(decided.requester, decided.requesterName, admin.key, now);
        await this.save(decided);
        const sent = await this.deps.notifier.toUser(decided.requester, this.deps.messages.delivery(decided, result));
        delivered = sent.length > 0;
      } else {
        await this.save(decided);
        await this.deps.notifier.toUser(decided.requester, this.deps.messages.refused(decided));
      }
      await this.deps.notifier.edit(decided.notices, this.deps.messages.decided(decided));
      decided = this.deps.db.data.requests[id] ?? decided;
      return { ok: true, request: decided, delivered };
    });
  }

  /** Close requests whose time ran out: admins' messages are updated, the requester is told. */
  expireDue(now: Date): Promise<number> {
    return this.serialised(async () => {
      const due = Object.values(this.deps.db.data.requests).filter((r) => r.state === 'pending' && Date.parse(r.expiresAt) <= now.getTime());
      if (due.length === 0) return 0;
      await this.deps.db.update((d) => {
        for (const r of due) {
          const rec = d.requests[r.id];
          if (rec) rec.state = 'expired';
        }
      });
      for (const r of due) {
        const expired = { ...r, state: 'expired' as const };
        await this.deps.notifier.edit(r.notices, this.deps.messages.decided(expired));
        await this.deps.notifier.toUser(r.requester, this.deps.messages.refused(expired));
      }
      return due.length;
    });
  }

  private async save(request: ApprovalRequest): Promise<void> {
    await this.deps.db.update((d) => {
      d.requests[request.id] = request;
    });
  }

  /** Keep decided requests for a week (so late button presses get a clear answer), then forget them. */
  private prune(requests: Record<string, ApprovalRequest>, now: Date): void {
    const weekAgo = now.getTime() - 7 * 24 * 3600 * 1000;
    for (const [id, r] of Object.entries(requests)) {
      if (r.state !== 'pending' && Date.parse(r.decidedAt ?? r.expiresAt) < weekAgo) delete requests[id];
    }
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }
}
