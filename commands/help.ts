import type { CommandDef } from '../src/core/command.js';
import { usage } from '../src/core/command.js';
import { bold, code, list, paragraph } from '../src/core/reply.js';

export const helpCommand: CommandDef = {
  name: 'help',
  summaryKey: 'commands.help',
  access: 'anyone',
  args: [],
  async run(ctx) {
    const role = ctx.actor.role;
    const visible = ctx.services.commands().filter((c) => !c.hidden && (c.access === 'anyone' || role === 'admin' || (c.access === 'user' && role === 'user')));
    return {
      blocks: [
        paragraph(bold(ctx.t('help.title'))),
        list(visible.map((c) => [code(usage(c)), ` — ${ctx.t(c.summaryKey)}`])),
        paragraph(ctx.t(`help.role.${role}`)),
      ],
    };
  },
};
