/** The admin approval flow's records and the pure rules that decide them. */
import type { SentHandle } from './notifier.js';

export type RequestState = 'pending' | 'approved' | 'denied' | 'expired';

export interface ApprovalRequest {
  /** Short random id carried by the buttons; the button's data is only a lookup key. */
  id: string;
  kind: 'addpeer';
  peerName: string;
  requester: string;
  requesterName: string;
  requesterUsername?: string;
  createdAt: string;
  expiresAt: string;
  state: RequestState;
  decidedBy?: string;
  decidedByName?: string;
  decidedAt?: string;
  /** The admin messages that carry this request's buttons (the notifier's handles, kept to edit them). */
  notices: SentHandle[];
}

export type Decision = 'approve' | 'deny';

export type DecisionOutcome =
  { ok: true; request: ApprovalRequest } | { ok: false; reason: 'unknown' | 'already-decided' | 'expired'; request?: ApprovalRequest };

/** First decision wins; an expired or decided request changes nothing. */
export function decide(request: ApprovalRequest | undefined, decision: Decision, admin: { key: string; name: string }, now: Date): DecisionOutcome {
  if (!request) return { ok: false, reason: 'unknown' };
  if (request.state !== 'pending') return { ok: false, reason: 'already-decided', request };
  if (now.getTime() >= Date.parse(request.expiresAt)) return { ok: false, reason: 'expired', request };
  return {
    ok: true,
    request: {
      ...request,
      state: decision === 'approve' ? 'approved' : 'denied',
      decidedBy: admin.key,
      decidedByName: admin.name,
      decidedAt: now.toISOString(),
    },
  };
}

export function isOpen(request: ApprovalRequest, now: Date): boolean {
  return request.state === 'pending' && now.getTime() < Date.parse(request.expiresAt);
}
