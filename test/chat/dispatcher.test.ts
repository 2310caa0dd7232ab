import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/chat/dispatcher.js';
import { bindArgs, UsageError } from '../../src/core/args.js';
import { peersCommand } from '../../commands/peers.js';
import { admin, offlineApp, plain, stranger } from '../helpers/app.js';

describe('parseCommandLine', () => {
  it('reads the command and its words, dropping a @bot mention', () => {
    expect(parseCommandLine('/AddPeer@my_bot  laptop ')).toEqual({ name: 'addpeer', args: ['laptop'] });
    expect(parseCommandLine('hello')).toBeUndefined();
    expect(parseCommandLine('/')).toBeUndefined();
    expect(parseCommandLine('/../etc')).toBeUndefined();
  });

  it('never throws and only yields safe command names, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const parsed = parseCommandLine(text);
        if (parsed) expect(parsed.name).toMatch(/^[a-z][a-z0-9_]{0,31}$/);
      }),
    );
  });

  it('binds arguments by position, typed, and refuses extra words', () => {
    expect(bindArgs(peersCommand.args, [])).toEqual({ page: undefined });
    expect(bindArgs(peersCommand.args, ['2'])).toEqual({ page: 2 });
    expect(() => bindArgs(peersCommand.args, ['2', '3'])).toThrow(UsageError);
  });
});

describe('Dispatcher', () => {
  let app: Awaited<ReturnType<typeof offlineApp>> | undefined;
  afterEach(async () => app?.stop());

  it('denies admin commands to strangers and tells them their id', async () => {
    app = await offlineApp();
    expect(plain(await app.dispatcher.handle(stranger('/revoke laptop')))).toMatch(/not registered.*test:bob/);
    expect(plain(await app.dispatcher.handle(stranger('/disable laptop')))).toMatch(/not registered/);
  });

  it('answers unknown commands and wrong usage without running anything', async () => {
    app = await offlineApp();
    expect(plain(await app.dispatcher.handle(admin('/frobnicate')))).toMatch(/do not know \/frobnicate/);
    expect(plain(await app.dispatcher.handle(admin('/addpeer')))).toMatch(/Usage: \/addpeer <name>/);
    expect(app.peers.list()).toHaveLength(0);
  });

  it('rate-limits non-admins but never admins', async () => {
    app = await offlineApp({ RATE_LIMIT_PER_MINUTE: '3' });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(plain(await app.dispatcher.handle(stranger('/help'))));
    expect(answers.slice(0, 3).every((a) => /Commands/.test(a))).toBe(true);
    expect(answers[3]).toMatch(/Too many commands/);
    expect(answers[4]).toBe(''); // told once, then silence: a flood gets no flood of answers
    expect(plain(await app.dispatcher.handle(stranger('/nonsense')))).toBe('');
    for (let i = 0; i < 6; i++) expect(plain(await app.dispatcher.handle(admin('/help')))).toMatch(/Commands/);
  });

  it('answers in Japanese when the platform says so', async () => {
    app = await offlineApp();
    expect(plain(await app.dispatcher.handle(admin('/help', { languageTag: 'ja-JP' })))).toMatch(/コマンド/);
  });

  it('turns an unexpected failure into a short reply and logs it', async () => {
    app = await offlineApp();
    // Make the config file unwritable in a way the service does not expect: replace it with a directory.
    const { rmSync, mkdirSync } = await import('node:fs');
    rmSync(app.config.interfaceConfigPath);
    mkdirSync(app.config.interfaceConfigPath);
    const reply = plain(await app.dispatcher.handle(admin('/addpeer laptop')));
    expect(reply).toMatch(/did not work/);
    expect(app.logger.lines.some((l) => l.startsWith('ERROR /addpeer failed'))).toBe(true);
  });
});
