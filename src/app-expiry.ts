/** The expiry clock as the composition root wires it: real timers (unref'd), the monotonic clock, the hub. */
import { ExpiryClock } from './core/expiry-clock.js';
import { expiryActions } from './core/expiry-notices.js';
import type { Notifier } from './core/notifier.js';
import type { PeerService } from './core/peer-service.js';
import type { Logger } from './log/logger.js';

export function expiryClock(deps: {
  peers: PeerService;
  notifier: Notifier;
  displayName: (key: string) => string;
  now: () => Date;
  logger: Logger;
  heartbeatMs?: number;
}): ExpiryClock {
  const { peers, now, logger } = deps;
  return new ExpiryClock({
    peers: () => peers.withEnds(), // the only ones with anything due
    act: expiryActions({ peers, notifier: deps.notifier, displayName: deps.displayName, now, logger }),
    now,
    monotonic: () => globalThis.performance.now(), // looked up on each call (tests fake it with the timers)
    setTimer: (run, ms) => setTimeout(run, ms).unref(),
    clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
    logger,
    ...(deps.heartbeatMs ? { heartbeatMs: deps.heartbeatMs } : {}),
  });
}
