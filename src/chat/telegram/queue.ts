/**
 * One queue per person: their updates run in order, different people's side by side, and polling is
 * never held up by a slow command. A handler that fails hands its error to the bot's error handler
 * (what `bot.catch` installed), as grammY does for middleware it awaits itself.
 *
 * Written here rather than taken from @grammyjs/runner (`run` + `sequentialize`): the runner loads
 * grammY's Node build (node-fetch, whatwg-url, tr46) beside the web build we use, 14 MiB more resident
 * memory measured on this VM (bench/grammy-plugins.ts: a Node process with grammY's web build: 43 MiB;
 * with the runner too: 57), against a 60 MiB budget for the whole bot; and `sequentialize` without
 * the runner would not help, as grammY's own polling awaits each update.
 */
import { BotError, type Context } from 'grammy/web';

export class PersonQueues {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly onError: (error: BotError<Context>) => unknown) {}

  push(ctx: Context, task: () => Promise<void>): void {
    const key = String(ctx.from?.id ?? ctx.chat?.id ?? '');
    const run = (this.tails.get(key) ?? Promise.resolve())
      .then(task)
      .catch((error: unknown) => this.onError(new BotError(error, ctx)))
      .catch(() => undefined) // an error handler that fails itself must not stop the queue
      .then(() => undefined);
    this.tails.set(key, run);
    this.running.add(run);
    void run.finally(() => {
      this.running.delete(run);
      if (this.tails.get(key) === run) this.tails.delete(key);
    });
  }

  /** Resolves when everything queued so far has finished. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
