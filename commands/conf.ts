import { defineCommand } from '../src/core/command.js';
import { required, peerName } from '../src/core/args.js';
import { resendConfig } from './qr.js';

export const confCommand = defineCommand({
  name: 'conf',
  summaryKey: 'commands.conf',
  access: 'user',
  args: [required('name', peerName)],
  run: (ctx, args) => resendConfig(ctx, args.name, 'file'),
});
