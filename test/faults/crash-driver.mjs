// Child process for the kill -9 tests: the bot (compiled, as it runs in production) against a live
// interface, driven through the command layer. Prints "OK i" once command i has been answered, and
// kills itself with SIGKILL at step boundary number `crashAt` (counted over every peer change step).
import { buildApp } from '../../dist/src/app.js';
import { parseConfig } from '../../dist/src/config/index.js';
import { createProcessRunner } from '../../dist/src/exec/runner.js';
import { createMemoryLogger } from '../../dist/src/log/logger.js';

const { env, ops, crashAt } = JSON.parse(process.argv[2]);
let steps = 0;
const onPeerStep = () => {
  steps++;
  if (steps === crashAt) process.kill(process.pid, 'SIGKILL');
};
const config = parseConfig(env, { isRoot: true, cwd: env.DATA_DIR });
const logger = createMemoryLogger();
const app = await buildApp(config, { logger, runner: createProcessRunner(logger), onPeerStep });
await app.start();
process.stdout.write('READY\n');
for (let i = 0; i < ops.length; i++) {
  await app.dispatcher.handle({ platform: 'test', userId: 'admin', displayName: 'Admin', text: ops[i], isPrivateChat: true });
  process.stdout.write(`OK ${i}\n`);
}
process.stdout.write(`STEPS ${steps}\n`);
await app.stop();
process.exit(0);
