/** A config file broken while the bot runs (a hand edit gone wrong): changes are refused plainly, reads go on, start still refuses. */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { ConfigError } from '../../src/core/errors.js';
import { createProcessRunner } from '../../src/exec/runner.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { admin, offlineApp, plain } from '../helpers/app.js';

let app: (App & { logger: { lines: string[] } }) | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('a config file broken while running', () => {
  it('is a plain message for a change and a log line (once), not a ConfigError; reads show the last good state', async () => {
    app = await offlineApp();
    await app.dispatcher.handle(admin('/addpeer laptop'));
    const path = app.config.interfaceConfigPath;
    const good = readFileSync(path, 'utf8');
    // A hand edit that loses the server's key.
    writeFileSync(path, good.replace(/^PrivateKey = .*$/m, ''));
    expect(plain(await app.dispatcher.handle(admin('/addpeer phone')))).toMatch(
      /The WireGuard config file .*wg0\.conf has an error, so I changed nothing: .*has no \[Interface\] PrivateKey/,
    );
    expect(plain(await app.dispatcher.handle(admin('/expire laptop 7d')))).toMatch(/has an error, so I changed nothing/);
    expect(plain(await app.dispatcher.handle(admin('/peers')))).toMatch(/laptop/);
    expect(readFileSync(path, 'utf8')).not.toMatch(/phone/);
    expect(app.db.data.peers.phone).toBeUndefined();
    expect(app.db.data.peers.laptop!.expiresAt).toBeUndefined();
    expect(app.logger.lines.filter((l) => /interface config file is broken/.test(l))).toHaveLength(1);
    expect(app.logger.lines.join('\n')).not.toMatch(/Sorry|failed for/);

    // Fixed by hand: changes work again.
    writeFileSync(path, good);
    await app.dispatcher.handle(admin('/addpeer phone')); // (no chat platform here to deliver the config to)
    expect(app.db.data.peers.phone).toBeDefined();
    expect(readFileSync(path, 'utf8')).toMatch(/### begin phone ###/);

    // At start the same fault is a ConfigError (the program stops with the file named).
    writeFileSync(path, good.replace(/^PrivateKey = .*$/m, ''));
    await app.stop();
    const logger = createMemoryLogger();
    const again = await buildApp(app.config, { logger, runner: createProcessRunner(logger) });
    app = undefined;
    await expect(again.start()).rejects.toBeInstanceOf(ConfigError);
    await again.stop().catch(() => undefined);
  });
});
