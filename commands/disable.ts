import { defineCommand } from '../src/core/command.js';
import { required, peerName } from '../src/core/args.js';
import { setPeerEnabled } from './support/set-enabled.js';

/** Cut a peer off without deleting it (its keys and address stay reserved). */
export const disableCommand = defineCommand({
  name: 'disable',
  summaryKey: 'commands.disable',
  access: 'admin',
  args: [required('name', peerName)],
  run: (ctx, args) => setPeerEnabled(ctx, args.name, false),
});
