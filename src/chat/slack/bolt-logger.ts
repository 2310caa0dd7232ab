/**
 * Bolt / Web API / Socket Mode log lines into our logger (which masks secrets).
 * Their debug output carries whole request and event bodies (configs, commands), so it is dropped.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../log/logger.js';

export function boltLogger(logger: Logger): SlackLogger {
  const line = (parts: unknown[]): string =>
    `slack: ${parts.map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === 'string' ? p : safeJson(p))).join(' ')}`;
  return {
    debug: () => {},
    info: (...msg: unknown[]) => logger.info(line(msg)),
    warn: (...msg: unknown[]) => logger.warn(line(msg)),
    error: (...msg: unknown[]) => logger.error(line(msg)),
    // The libraries ask for the level to decide whether to build debug strings; keep them from it.
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
