import type { CommandDef } from './command.js';
import { UserError } from './errors.js';

/** What the dispatcher's command runs report to observers (metrics): one call per command run. */
export type CommandOutcome = 'ok' | 'refused' | 'error';

export interface CommandObserver {
  observe(command: string, outcome: CommandOutcome, seconds: number): void;
}


/** The same commands, each run reported to the observer (name, outcome, seconds); unchanged without one. */
export function observeCommands(commands: readonly CommandDef[], observer: CommandObserver | undefined, clock: () => number = () => performance.now()): CommandDef[] {
  if (!observer) return [...commands];
  return commands.map((c) => ({
    ...c,
    async run(ctx, args) {
      const started = clock();
      let outcome: CommandOutcome = 'error';
      try {
        const reply = await c.run(ctx, args);
        outcome = 'ok';
        return reply;
      } catch (error) {
        if (error instanceof UserError) outcome = 'refused';
        throw error;
      } finally {
        observer.observe(c.name, outcome, (clock() - started) / 1000);
      }
    },
  }));
}
