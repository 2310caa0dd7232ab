import { defineCommand } from '../src/core/command.js';
import { required, peerName } from '../src/core/args.js';
import { setPeerEnabled } from './support/set-enabled.js';

export const enableCommand = defineCommand({
  name: 'enable',
  summaryKey: 'commands.enable',
  access: 'admin',
  args: [required('name', peerName)],
  run: (ctx, args) => setPeerEnabled(ctx, args.name, true),
});
