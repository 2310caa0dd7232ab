import { defineCommand } from '../src/core/command.js';
import { bold, code, list, paragraph } from '../src/core/reply.js';

export const usersCommand = defineCommand({
  name: 'users',
  summaryKey: 'commands.users',
  access: 'admin',
  args: [],
  async run(ctx) {
    const users = ctx.services.users.list();
    if (users.length === 0) return { blocks: [paragraph(ctx.t('users.none'))] };
    return {
      blocks: [
        paragraph(bold(ctx.t('users.title', { count: users.length }))),
        list(
          users.map((u) => [
            bold(ctx.services.users.displayName(u.key)),
            ' ',
            code(u.key),
            ` — ${ctx.t('users.peers', { count: ctx.services.peers.countOwnedBy(u.key) })}`,
          ]),
        ),
      ],
    };
  },
});
