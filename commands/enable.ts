import type { CommandDef } from '../src/core/command.js';
import { setPeerEnabled } from './support/set-enabled.js';

export const enableCommand: CommandDef = {
  name: 'enable',
  summaryKey: 'commands.enable',
  access: 'admin',
  args: [{ name: 'name', required: true }],
  run: (ctx, args) => setPeerEnabled(ctx, args.name ?? '', true),
};
