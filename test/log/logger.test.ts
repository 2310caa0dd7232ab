import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/keys.js';
import { createMemoryLogger } from '../../src/log/logger.js';

describe('logger', () => {
  it('masks registered secrets and any WireGuard key, wherever they appear', () => {
    const log = createMemoryLogger();
    log.addSecret('123456:SECRETTOKENVALUE');
    const key = generateKeyPair().privateKey;
    log.error(`calling https://api.telegram.org/bot123456:SECRETTOKENVALUE/getMe failed`, { config: `PrivateKey = ${key}` });
    expect(log.lines.join('\n')).not.toContain('SECRETTOKENVALUE');
    expect(log.lines.join('\n')).not.toContain(key);
    expect(log.lines[0]).toContain('***');
  });

  it('never prints a registered secret embedded in any text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string(), fc.string(), (secret, before, after) => {
        const log = createMemoryLogger();
        log.addSecret(secret);
        log.info(`${before}${secret}${after}`);
        expect(log.lines[0]!.includes(secret)).toBe(false);
      }),
    );
  });

  it('never prints a WireGuard key, registered or not, embedded in any text (keys are masked by shape, not listed)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.boolean(), (before, after, register) => {
        const key = generateKeyPair().privateKey;
        const log = createMemoryLogger();
        if (register) log.addSecret(key);
        log.info(`${before}${key}${after}`);
        expect(log.lines[0]!.includes(key)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('masks a short secret too (a 4-digit PIN, a 5-character password)', () => {
    const log = createMemoryLogger();
    log.addSecret('4821');
    log.addSecret('pa$$1');
    log.warn('login with 4821 failed', { password: 'pa$$1' });
    expect(log.lines[0]).toBe('WARN login with *** failed {"password":"***"}');
  });

  it('masks the whole of a longer secret that contains a shorter one', () => {
    const log = createMemoryLogger();
    log.addSecret('abc');
    log.addSecret('xxabcxx');
    log.info('token xxabcxx');
    expect(log.lines[0]).toBe('INFO token ***');
  });

  it('respects the level', () => {
    const log = createMemoryLogger('warn');
    log.info('quiet');
    log.warn('loud');
    expect(log.lines).toEqual(['WARN loud']);
  });
});

describe('logger key pattern', () => {
  it('masks unregistered WireGuard keys whatever character they start with', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const key = Buffer.from(bytes).toString('base64');
        const log = createMemoryLogger();
        log.info(`PrivateKey = ${key}`);
        expect(log.lines[0]).toBe('INFO PrivateKey = ***');
      }),
    );
  });
});

describe('logger and errors', () => {
  it('keeps a ToolError’s hint next to its message', async () => {
    const { ToolError } = await import('../../src/core/errors.js');
    const log = createMemoryLogger();
    log.error('wg failed', { error: new ToolError('wg: program not found', { hint: 'install the package that provides wg' }) });
    expect(log.lines[0]).toMatch(/"message":"wg: program not found","hint":"install the package that provides wg"/);
  });
});
