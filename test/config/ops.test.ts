import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { isLoopbackHost, parseListen } from '../../src/config/ops.js';
import { ConfigError } from '../../src/core/errors.js';

const opts = { isRoot: false, cwd: '/tmp/x' };
const errorOf = (env: Record<string, string>) => {
  try {
    parseConfig(env, opts);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  return undefined;
};

describe('operations configuration', () => {
  it('is off by default: no metrics listener, weekly backups', () => {
    const c = parseConfig({}, opts);
    expect(c.ops.METRICS_LISTEN).toBeUndefined();
    expect(c.ops.BACKUP_SCHEDULE).toBe('weekly');
    expect(c.ops.HEALTH_CHECK_INTERVAL).toBe(300);
  });

  it('takes a loopback listener without a token', () => {
    expect(parseConfig({ METRICS_LISTEN: '127.0.0.1:9586' }, opts).ops.METRICS_LISTEN).toEqual({ host: '127.0.0.1', port: 9586 });
    expect(parseConfig({ METRICS_LISTEN: '[::1]:9586' }, opts).ops.METRICS_LISTEN).toEqual({ host: '::1', port: 9586 });
  });

  it('refuses a non-loopback listener without a token, with a clear message', () => {
    const e = errorOf({ METRICS_LISTEN: '0.0.0.0:9586' });
    expect(e?.variable).toBe('METRICS_LISTEN');
    expect(e?.message).toMatch(/not a loopback address: set METRICS_TOKEN/);
    expect(errorOf({ METRICS_LISTEN: '192.168.1.5:9586' })?.variable).toBe('METRICS_LISTEN');
    expect(parseConfig({ METRICS_LISTEN: '0.0.0.0:9586', METRICS_TOKEN: 'a'.repeat(32) }, opts).ops.METRICS_TOKEN).toBe('a'.repeat(32));
  });

  it('refuses malformed values', () => {
    expect(errorOf({ METRICS_LISTEN: '9586' })?.variable).toBe('METRICS_LISTEN');
    expect(errorOf({ METRICS_LISTEN: '127.0.0.1:99999' })?.variable).toBe('METRICS_LISTEN');
    expect(errorOf({ METRICS_LISTEN: '127.0.0.1:9586', METRICS_TOKEN: 'short' })?.variable).toBe('METRICS_TOKEN');
    expect(errorOf({ BACKUP_SCHEDULE: 'hourly' })?.variable).toBe('BACKUP_SCHEDULE');
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'pi.local', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
    expect(parseListen('host:0')).toBeUndefined();
  });
});
