import { defineCommand } from '../src/core/command.js';
import { required, requestId } from '../src/core/args.js';
import { decideRequest } from './approve.js';

export const denyCommand = defineCommand({
  name: 'deny',
  summaryKey: 'commands.deny',
  access: 'admin',
  args: [required('id', requestId)],
  run: (ctx, args) => decideRequest(ctx, args.id, 'deny'),
});
