import { defineCommand } from '../src/core/command.js';
import { code, paragraph } from '../src/core/reply.js';

/** The first thing a new person sees: what this bot is, and their id so an admin can add them. */
export const startCommand = defineCommand({
  name: 'start',
  summaryKey: 'commands.start',
  access: 'anyone',
  args: [],
  async run(ctx) {
    return {
      blocks: [paragraph(ctx.t('start.intro')), paragraph(ctx.t('start.yourId'), ' ', code(ctx.actor.key)), paragraph(ctx.t(`start.role.${ctx.actor.role}`))],
    };
  },
});
