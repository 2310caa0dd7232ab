import type { CommandDef } from '../src/core/command.js';
import { decideRequest } from './approve.js';

export const denyCommand: CommandDef = {
  name: 'deny',
  summaryKey: 'commands.deny',
  access: 'admin',
  args: [{ name: 'id', required: true }],
  run: (ctx, args) => decideRequest(ctx, args.id ?? '', 'deny'),
};
