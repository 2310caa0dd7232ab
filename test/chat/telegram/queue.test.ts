import { BotError, type Context } from 'grammy/web';
import { describe, expect, it } from 'vitest';
import { PersonQueues } from '../../../src/chat/telegram/queue.js';

const from = (id: number) => ({ from: { id }, chat: { id }, update: { update_id: id } }) as unknown as Context;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('PersonQueues', () => {
  it("runs one person's updates in order and different people's side by side", async () => {
    const queues = new PersonQueues(() => undefined);
    const log: string[] = [];
    const slow = gate();
    queues.push(from(1), async () => {
      log.push('1a start');
      await slow.opened;
      log.push('1a end');
    });
    queues.push(from(1), async () => void log.push('1b'));
    const other = gate();
    queues.push(from(2), async () => {
      log.push('2');
      other.open();
    });
    await other.opened;
    expect(log).toEqual(['1a start', '2']); // person 2 did not wait for person 1's slow command
    slow.open();
    await queues.idle();
    expect(log).toEqual(['1a start', '2', '1a end', '1b']);
  });

  it('hands a failing handler’s error to the error handler as a BotError with its context, and keeps going', async () => {
    const caught: BotError<Context>[] = [];
    const queues = new PersonQueues((error) => caught.push(error));
    const ctx = from(7);
    queues.push(ctx, async () => {
      throw new Error('send failed');
    });
    let after = false;
    queues.push(ctx, async () => void (after = true));
    await queues.idle();
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(BotError);
    expect((caught[0]!.error as Error).message).toBe('send failed');
    expect(caught[0]!.ctx).toBe(ctx);
    expect(after).toBe(true);
  });

  it('an error handler that fails itself does not stop the queue', async () => {
    const queues = new PersonQueues(() => {
      throw new Error('handler broke');
    });
    let ran = false;
    queues.push(from(3), async () => {
      throw new Error('first');
    });
    queues.push(from(3), async () => void (ran = true));
    await queues.idle();
    expect(ran).toBe(true);
  });
});
