import { describe, expect, it } from 'vitest';
import type { ApiCallFn, RawApi } from 'grammy/web';
import { paceTransformer, retryTransformer } from '../../../src/chat/telegram/retry.js';

type Answer = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

/** A Bot API that answers from a script, and a clock that only moves when the code under test sleeps. */
function scripted(answers: Answer[]) {
  const calls: string[] = [];
  const slept: number[] = [];
  const prev = (async (method: string) => {
    calls.push(method);
    return answers.shift() ?? { ok: true, result: true };
  }) as unknown as ApiCallFn<RawApi>;
  const sleep = async (ms: number) => {
    slept.push(ms);
  };
  return { calls, slept, prev, sleep };
}

const call = (t: ReturnType<typeof retryTransformer>, prev: ApiCallFn<RawApi>, method: string, payload: object = { chat_id: 1, text: 'x' }) =>
  (t as unknown as (p: ApiCallFn<RawApi>, m: string, pl: object) => Promise<Answer>)(prev, method, payload);

describe('retryTransformer', () => {
  it('waits exactly retry_after seconds on 429, then succeeds', async () => {
    const s = scripted([{ ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }]);
    const res = await call(retryTransformer({ sleep: s.sleep }), s.prev, 'sendMessage');
    expect(res.ok).toBe(true);
    expect(s.slept).toEqual([7000]);
    expect(s.calls).toEqual(['sendMessage', 'sendMessage']);
  });

  it('backs off exponentially on 5xx and gives up after maxAttempts with the last error', async () => {
    const err: Answer = { ok: false, error_code: 502, description: 'Bad Gateway' };
    const s = scripted([err, err, err, err]);
    const res = await call(retryTransformer({ sleep: s.sleep, maxAttempts: 3, baseDelayMs: 100 }), s.prev, 'sendPhoto');
    expect(res).toEqual(err);
    expect(s.slept).toEqual([100, 200]);
    expect(s.calls).toHaveLength(3);
  });

  it('does not retry client errors, over-long waits, or getUpdates (grammY polls on its own)', async () => {
    const s = scripted([
      { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
      { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 3600 } },
      { ok: false, error_code: 500, description: 'Internal' },
    ]);
    const t = retryTransformer({ sleep: s.sleep, maxRetryAfterSeconds: 60 });
    expect((await call(t, s.prev, 'sendMessage')).ok).toBe(false);
    expect((await call(t, s.prev, 'sendMessage')).ok).toBe(false);
    expect((await call(t, s.prev, 'getUpdates', {})).ok).toBe(false);
    expect(s.slept).toEqual([]);
    expect(s.calls).toHaveLength(3);
  });
});

describe('paceTransformer', () => {
  it('lets bursts through, then holds sends to 30 a second overall and 20 a minute per group', async () => {
    let now = 0;
    const slept: number[] = [];
    const t = paceTransformer({
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
      },
    }) as unknown as (p: ApiCallFn<RawApi>, m: string, pl: object) => Promise<unknown>;
    const prev = (async () => ({ ok: true, result: true })) as unknown as ApiCallFn<RawApi>;
    for (let i = 0; i < 30; i++) await t(prev, 'sendMessage', { chat_id: 1000 + i });
    expect(slept).toEqual([]);
    await t(prev, 'sendMessage', { chat_id: 5 });
    expect(slept).toEqual([34]); // one token at 30/s
    // Reading and answering buttons are not counted.
    await t(prev, 'answerCallbackQuery', { callback_query_id: '1' });
    await t(prev, 'getUpdates', {});
    expect(slept).toHaveLength(1);

    now = 60_000;
    slept.length = 0;
    for (let i = 0; i < 20; i++) await t(prev, 'sendMessage', { chat_id: -42 });
    expect(slept).toEqual([]);
    await t(prev, 'sendMessage', { chat_id: -42 });
    expect(slept).toEqual([3000]);
  });
});
