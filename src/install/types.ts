/** The shape of an install step and what it plans; see plan-apply.ts for how steps are run. */
import type { Env } from '../config/load-env.js';
import type { CommandRunner } from '../exec/runner.js';
import type { Translate } from '../core/translate.js';
import type { Answers } from './answers.js';
import type { SystemFacts } from './facts.js';
import type { WanProbe } from './wan-probe.js';
import type { Prompter } from './prompt.js';
import type { InstallState } from './state.js';
import type { PivpnLayout } from '../wireguard/pivpn/layout.js';
import type { RestoreInput } from './restore.js';

export type StepStatus = 'done' | 'todo';

export interface PlannedFile {
  /** System path (as on the Pi); written under ctx.root. */
  path: string;
  mode: number;
  content: string;
  /** "user:group" to chown to after writing. */
  owner?: string;
  /** Never print the content (keys, tokens). */
  secret?: boolean;
  /** For a secret file: what may be shown instead (the content with its secrets masked). */
  preview?: string;
}

export interface PlannedCommand {
  argv: string[];
  env?: Record<string, string>;
  /** Values masked when the command is printed. */
  secrets?: string[];
  /** Non-zero exit is acceptable (e.g. "already exists"). */
  mayFail?: boolean;
}

export interface Note {
  key: string;
  params?: Record<string, string | number>;
  level?: 'info' | 'warn';
}

export interface Plan {
  files: PlannedFile[];
  commands: PlannedCommand[];
  notes: Note[];
}

export const emptyPlan = (): Plan => ({ files: [], commands: [], notes: [] });

export interface InstallContext {
  /** "/" on the Pi; every system path is resolved under it (tests use a temporary directory). */
  root: string;
  path(systemPath: string): string;
  runner: CommandRunner;
  /** The environment merged with the answers file and the wizard's answers: what .env will hold. */
  env: Env;
  answers: Answers;
  facts: SystemFacts;
  state: InstallState;
  net: WanProbe;
  prompt: Prompter;
  t: Translate;
  dryRun: boolean;
  /** Accept defaults without asking. */
  yes: boolean;
  /** The built application (for the systemd unit), and the node binary that runs it. */
  appDir: string;
  nodePath: string;
  random: () => number;
  /** A choice made once per run (a random subnet, a key pair): planning twice gives the same plan. */
  decide<T>(key: string, make: () => T): T;
  /** Set when an existing PiVPN install is being adopted. */
  pivpn?: PivpnLayout;
  /** `--restore FILE`: the backup, opened and checked before any step ran. */
  restore?: RestoreInput;
  /** Prints a line under the running step (what a step learnt while applying). */
  say(line: string): void;
}

export interface Step {
  id: string;
  /** Catalogue key of the step's title. */
  title: string;
  check(ctx: InstallContext): Promise<StepStatus>;
  plan(ctx: InstallContext): Promise<Plan>;
  /** Checked only at its turn while applying: it looks at what the earlier steps started. The note says so in the plan. */
  deferred?: { note: string };
  /** Makes the change the plan describes (most steps: applyPlan from files.ts). */
  apply(ctx: InstallContext, plan: Plan): Promise<void>;
}

export type { Env };
