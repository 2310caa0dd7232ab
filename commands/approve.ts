import { defineCommand, type CommandContext } from '../src/core/command.js';
import { required, requestId } from '../src/core/args.js';
import type { Decision } from '../src/core/approval.js';
import { textReply, type Reply } from '../src/core/reply.js';

/** The text form of the Approve/Deny buttons. The id is only a lookup key into the bot's own records. */
export async function decideRequest(ctx: CommandContext, id: string, decision: Decision): Promise<Reply> {
  const result = await ctx.services.approvals.decide(id, decision, ctx.actor, ctx.now());
  if (!result.ok) {
    if (result.reason === 'already-decided' && result.request) {
      return textReply(
        ctx.t('approval.alreadyDecided', {
          name: result.request.peerName,
          by: result.request.decidedByName ?? '?',
          state: ctx.t(`approval.state.${result.request.state}`),
        }),
      );
    }
    return textReply(ctx.t(result.reason === 'expired' ? 'approval.expired' : 'approval.unknown'));
  }
  const r = result.request;
  if (decision === 'deny') return textReply(ctx.t('approval.deniedDone', { name: r.peerName, requester: r.requesterName }));
  return textReply(ctx.t(result.delivered ? 'approval.approvedDone' : 'approval.approvedUndelivered', { name: r.peerName, requester: r.requesterName }));
}

export const approveCommand = defineCommand({
  name: 'approve',
  summaryKey: 'commands.approve',
  access: 'admin',
  args: [required('id', requestId)],
  run: (ctx, args) => decideRequest(ctx, args.id, 'approve'),
});
