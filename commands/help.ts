import { defineCommand, usageLines, visibleCommands } from '../src/core/command.js';
import { bold, code, list, paragraph } from '../src/core/reply.js';

export const helpCommand = defineCommand({
  name: 'help',
  summaryKey: 'commands.help',
  access: 'anyone',
  args: [],
  async run(ctx) {
    const role = ctx.actor.role;
    const visible = visibleCommands(ctx.services.commands(), role);
    return {
      blocks: [
        paragraph(bold(ctx.t('help.title'))),
        list(visible.map((c) => [code(usageLines(c, role).join(' | ')), ` — ${ctx.t(c.summaryKey)}`])),
        paragraph(ctx.t(`help.role.${role}`)),
      ],
    };
  },
});
