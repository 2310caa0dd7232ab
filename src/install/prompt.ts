/**
 * The wizard's questions, through @clack/prompts (masked secrets, defaults shown, a spinner while applying).
 * Non-interactive runs (--answers, --yes, no terminal) get defaultsPrompter: every question answered with its default.
 */
import { confirm, isCancel, log, note, password, spinner, text } from '@clack/prompts';
import type { Readable, Writable } from 'node:stream';

/** The user pressed Ctrl-C or Escape at a question: nothing has been written yet. */
export class WizardCancelled extends Error {
  constructor() {
    super('cancelled at a question');
    this.name = 'WizardCancelled';
  }
}

export type Validate = (value: string) => string | undefined;

export interface Progress {
  /** A line learnt while the step runs, shown when it ends (a spinner cannot share its line). */
  say(line: string): void;
  done(message: string): void;
  fail(message: string): void;
}

export interface Prompter {
  readonly interactive: boolean;
  /** Asks until `validate` returns undefined (it returns the problem to show). */
  text(question: string, fallback: string, validate?: Validate): Promise<string>;
  /** Like text, but what is typed is masked and never echoed. */
  secret(question: string, validate?: Validate): Promise<string>;
  confirm(question: string, fallback: boolean): Promise<boolean>;
  /** A block of lines under a title (the plan). */
  show(title: string, lines: readonly string[]): void;
  progress(label: string): Progress;
}

export function defaultsPrompter(): Prompter {
  return {
    interactive: false,
    text: async (_q, fallback) => fallback,
    secret: async () => '',
    confirm: async (_q, fallback) => fallback,
    show: () => undefined,
    progress: () => ({ say: () => undefined, done: () => undefined, fail: () => undefined }),
  };
}

function answered<T>(value: T | symbol): Exclude<T, symbol> {
  if (isCancel(value) || typeof value === 'symbol') throw new WizardCancelled();
  return value as Exclude<T, symbol>;
}

export interface ClackStreams {
  input: Readable;
  output: Writable;
  /** The words of the yes/no choice, and what to say when Ctrl-C ends the program while a step runs. */
  labels: { yes: string; no: string; interrupted: string };
}

export function createClackPrompter({ input, output, labels }: ClackStreams): Prompter {
  const io = { input, output };
  return {
    interactive: true,
    async text(question, fallback, validate) {
      const value = answered(await text({ ...io, message: question, initialValue: fallback, ...(validate ? { validate: (v) => validate(v ?? '') } : {}) }));
      return (value ?? '').trim();
    },
    async secret(question, validate) {
      return answered(await password({ ...io, message: question, ...(validate ? { validate: (v) => validate(v ?? '') } : {}) })).trim();
    },
    async confirm(question, fallback) {
      return answered(await confirm({ ...io, message: question, initialValue: fallback, active: labels.yes, inactive: labels.no }));
    },
    show(title, lines) {
      note(lines.join('\n'), title, { output, format: (l) => l });
    },
    progress(label) {
      const said: string[] = [];
      const spin = spinner({ output });
      // The spinner takes the terminal raw and ends the process itself on Ctrl-C (with status 0): say that it
      // was no success, and how to go on. The steps done stay done; each is idempotent, so a re-run resumes.
      const onExit = () => {
        process.exitCode = 130;
        output.write(`\n${labels.interrupted}\n`);
      };
      process.once('exit', onExit);
      spin.start(label);
      const end = (how: 'stop' | 'error', message: string) => {
        process.removeListener('exit', onExit);
        spin[how](message);
        for (const line of said) log.message(line, { output });
      };
      return { say: (line) => void said.push(line), done: (m) => end('stop', m), fail: (m) => end('error', m) };
    },
  };
}
