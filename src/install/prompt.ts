/**
 * The wizard's questions. node:readline (no dependency); a prompts package can replace
 * createReadlinePrompter behind this interface. Non-interactive runs answer every question with its default.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface Prompter {
  readonly interactive: boolean;
  /** Asks until `validate` returns undefined (it returns the problem to show). */
  text(question: string, fallback: string, validate?: (value: string) => string | undefined): Promise<string>;
  confirm(question: string, fallback: boolean): Promise<boolean>;
  close?(): void;
}

export function defaultsPrompter(): Prompter {
  return { interactive: false, text: async (_q, fallback) => fallback, confirm: async (_q, fallback) => fallback };
}

export function createReadlinePrompter(input: Readable, output: Writable, yesNo: { yes: string; no: string }): Prompter {
  // One interface for the whole session, read through its iterator: lines typed (or piped) ahead are queued, not lost.
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string> => {
    output.write(question);
    const next = await lines.next();
    if (next.done) throw new Error('input ended before the wizard finished (use --answers FILE for unattended installs)');
    return String(next.value).trim();
  };
  return {
    interactive: true,
    async text(question, fallback, validate) {
      for (;;) {
        const answer = (await ask(fallback ? `${question} [${fallback}] ` : `${question} `)) || fallback;
        const problem = validate?.(answer);
        if (!problem) return answer;
        output.write(`  ! ${problem}\n`);
      }
    },
    async confirm(question, fallback) {
      for (;;) {
        const answer = (await ask(`${question} [${fallback ? 'Y/n' : 'y/N'}] `)).toLowerCase();
        if (answer === '') return fallback;
        if (['y', 'yes', yesNo.yes.toLowerCase()].includes(answer)) return true;
        if (['n', 'no', yesNo.no.toLowerCase()].includes(answer)) return false;
      }
    },
    close: () => rl.close(),
  };
}
