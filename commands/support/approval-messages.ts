/** What the approval flow says to admins and requesters (the ApprovalService decides when). */
import type { ApprovalMessages } from '../../src/core/approval-service.js';
import { bold, code, paragraph } from '../../src/core/reply.js';
import { splitUserKey } from '../../src/core/user.js';
import { configDelivery } from './delivery.js';

export function approvalMessages(settings: { secretTtlFor(userKey: string): number; keepClientKeys: boolean }): ApprovalMessages {
  return {
    request: (r) => (t) => ({
      blocks: [
        paragraph(bold(t('approval.adminTitle'))),
        paragraph(
          t('approval.adminBody', {
            requester: r.requesterName,
            username: r.requesterUsername ? `@${r.requesterUsername}` : '-',
            platform: splitUserKey(r.requester).platform,
          }),
          ' ',
          code(r.requester),
        ),
        paragraph(t('approval.peerName'), ' ', code(r.peerName)),
      ],
      buttons: [
        { label: t('buttons.approve'), action: `/approve ${r.id}`, style: 'primary' },
        { label: t('buttons.deny'), action: `/deny ${r.id}`, style: 'danger' },
      ],
    }),
    decided: (r) => (t) => ({
      blocks: [
        paragraph(bold(t('approval.adminTitle'))),
        paragraph(
          t('approval.adminBody', {
            requester: r.requesterName,
            username: r.requesterUsername ? `@${r.requesterUsername}` : '-',
            platform: splitUserKey(r.requester).platform,
          }),
          ' ',
          code(r.requester),
        ),
        paragraph(t('approval.peerName'), ' ', code(r.peerName)),
        paragraph(
          bold(
            r.state === 'expired'
              ? t('approval.state.expired')
              : t('approval.decidedBy', { state: t(`approval.state.${r.state}`), by: r.decidedByName ?? '?' }),
          ),
        ),
      ],
    }),
    delivery: (r, result) => (t) => {
      const reply = configDelivery(t, { name: r.peerName, address: result.entry.allowedIps.join(', ') }, result.clientConfig, result.extra, {
        secretTtlSeconds: settings.secretTtlFor(r.requester),
        keptForQr: settings.keepClientKeys,
      });
      reply.blocks.unshift(paragraph(t('approval.approvedForYou', { name: r.peerName })));
      return reply;
    },
    refused: (r) => (t) => ({
      blocks: [paragraph(t(r.state === 'expired' ? 'approval.expiredForYou' : 'approval.deniedForYou', { name: r.peerName }))],
    }),
  };
}
