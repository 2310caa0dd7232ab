import type { CommandDef } from '../src/core/command.js';
import { resendConfig } from './qr.js';

export const confCommand: CommandDef = {
  name: 'conf',
  summaryKey: 'commands.conf',
  access: 'user',
  args: [{ name: 'name', required: true }],
  run: (ctx, args) => resendConfig(ctx, args.name ?? '', 'file'),
};
