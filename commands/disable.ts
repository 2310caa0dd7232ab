import type { CommandDef } from '../src/core/command.js';
import { setPeerEnabled } from './support/set-enabled.js';

/** Cut a peer off without deleting it (its keys and address stay reserved). */
export const disableCommand: CommandDef = {
  name: 'disable',
  summaryKey: 'commands.disable',
  access: 'admin',
  args: [{ name: 'name', required: true }],
  run: (ctx, args) => setPeerEnabled(ctx, args.name ?? '', false),
};
