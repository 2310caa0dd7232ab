/**
 * grammY API transformers: retry what the Bot API asks us to retry, and pace our own sends to
 * Telegram's published limits. Written here rather than taken from @grammyjs/auto-retry and
 * @grammyjs/transformer-throttler, measured on this VM (bench/grammy-plugins.ts): auto-retry loads
 * grammY's Node build (node-fetch, whatwg-url, tr46) beside the web build we use, +14 MiB resident
 * (a Node process with grammY's web build: 43 MiB; with auto-retry too: 57), and it retries network
 * errors by default, which can duplicate a send; the throttler brings Bottleneck, +5 MiB (48).
 * Against a 60 MiB budget for the whole bot, these few lines each are the cheaper way.
 */
import type { RawApi, Transformer } from 'grammy/web';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** A 429 asking for a longer wait than this is given up on (the caller gets the error). */
  maxRetryAfterSeconds?: number;
  /** First backoff for 5xx answers; doubles each time. */
  baseDelayMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (info: { method: string; attempt: number; errorCode: number; delayMs: number }) => void;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Retries 429 (after exactly retry_after seconds) and 5xx (exponential backoff) answers. Network
 * errors are not retried here: a send may have arrived, and a repeat would duplicate it. getUpdates is
 * left to grammY's polling loop, which already waits out errors and keeps polling until the network returns.
 */
export function retryTransformer(options: RetryOptions = {}): Transformer<RawApi> {
  const maxAttempts = options.maxAttempts ?? 5;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 120;
  const baseDelay = options.baseDelayMs ?? 1000;
  const sleep = options.sleep ?? abortableSleep;
  return async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt++) {
      const res = await prev(method, payload, signal);
      if (res.ok || method === 'getUpdates' || attempt >= maxAttempts) return res;
      let delayMs: number;
      if (res.error_code === 429) {
        const after = res.parameters?.retry_after ?? 1;
        if (after > maxRetryAfter) return res;
        delayMs = after * 1000;
      } else if (res.error_code >= 500) {
        delayMs = baseDelay * 2 ** (attempt - 1);
      } else {
        return res;
      }
      options.onRetry?.({ method, attempt, errorCode: res.error_code, delayMs });
      try {
        // grammY's typings name the abort-controller polyfill's signal; at run time it is a standard AbortSignal.
        await sleep(delayMs, signal as unknown as AbortSignal | undefined);
      } catch {
        return res; // stopped while waiting
      }
    }
  };
}

/** Methods that post or change a message and so count against Telegram's flood limits. */
const counted = /^(send|edit|copy|forward)/;

export interface PaceOptions {
  /** Messages per second across all chats (Telegram: about 30). */
  globalPerSecond?: number;
  /** Messages per minute into one group (Telegram: 20). Private chats are not paced: Telegram allows bursts there. */
  groupPerMinute?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Token buckets: sends go out at once until a bucket is empty, and only then wait. */
class Bucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }
  /** Milliseconds to wait before a token is free; takes it. */
  take(now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.perMs);
  }
}

export function paceTransformer(options: PaceOptions = {}): Transformer<RawApi> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms));
  const globalRate = options.globalPerSecond ?? 30;
  const groupRate = options.groupPerMinute ?? 20;
  const global = new Bucket(globalRate, globalRate / 1000, now());
  const groups = new Map<string, Bucket>();
  return async (prev, method, payload, signal) => {
    if (counted.test(method)) {
      let wait = global.take(now());
      const chatId = (payload as { chat_id?: number | string }).chat_id;
      // Group and channel ids are negative; a user's private chat id is the user id (positive).
      if (chatId !== undefined && String(chatId).startsWith('-')) {
        const key = String(chatId);
        let bucket = groups.get(key);
        if (!bucket) {
          bucket = new Bucket(groupRate, groupRate / 60_000, now());
          groups.set(key, bucket);
          if (groups.size > 1000) groups.delete(groups.keys().next().value!);
        }
        wait = Math.max(wait, bucket.take(now()));
      }
      if (wait > 0) await sleep(wait);
    }
    return prev(method, payload, signal);
  };
}
