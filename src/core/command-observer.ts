import type { CommandContext, CommandDef, CommandForm } from './command.js';
import { UserError } from './errors.js';

/** What the dispatcher's command runs report to observers (metrics): one call per command run. */
export type CommandOutcome = 'ok' | 'refused' | 'error';

export interface CommandObserver {
  observe(command: string, outcome: CommandOutcome, seconds: number): void;
}

/** The same commands, each run (sub-actions too) reported to the observer (name, outcome, seconds); unchanged without one. */
export function observeCommands(
  commands: readonly CommandDef[],
  observer: CommandObserver | undefined,
  clock: () => number = () => performance.now(),
): CommandDef[] {
  if (!observer) return [...commands];
  const observed = <F extends CommandForm>(form: F, label: string): F => ({
    ...form,
    async run(ctx: CommandContext, args: never) {
      const started = clock();
      let outcome: CommandOutcome = 'error';
      try {
        const reply = await form.run(ctx, args);
        outcome = 'ok';
        return reply;
      } catch (error) {
        if (error instanceof UserError) outcome = 'refused';
        throw error;
      } finally {
        observer.observe(label, outcome, (clock() - started) / 1000);
      }
    },
  });
  return commands.map((c) => ({
    ...observed(c, c.name),
    ...(c.actions ? { actions: c.actions.map((a) => observed(a, `${c.name} ${a.name}`)) } : {}),
  }));
}
