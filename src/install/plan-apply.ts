/**
 * Runs the install steps in two passes: first every step is checked and planned (nothing written; the
 * wizard shows this plan and asks), then the very plans shown are applied in order. Steps marked
 * `deferred` (the final verification) look at what the others started, so they run only at their turn.
 */
import { stat } from 'node:fs/promises';
import { showCommand } from './files.js';
import type { Progress } from './prompt.js';
import type { InstallContext, Plan, Step } from './types.js';

export interface StepReport {
  id: string;
  status: 'done' | 'changed' | 'planned';
  plan?: Plan;
}

export interface PlannedStep {
  step: Step;
  /** 1-based, for "[3/15]". */
  number: number;
  status: 'done' | 'todo';
  plan?: Plan;
}

/** ctx.decide: each choice made on first use and kept for the run, so the plan applied is the plan shown. */
export function decisions(): InstallContext['decide'] {
  const made = new Map<string, unknown>();
  return <T>(key: string, make: () => T): T => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as T;
  };
}

const mode = (m: number) => `0${m.toString(8).padStart(3, '0')}`;

/**
 * What a plan would do, one line each. `contents` adds the files' text (a dry run), never a secret one;
 * a secret file's masked preview (the settings in .env) is shown whenever there is one.
 */
export function describePlan(ctx: InstallContext, plan: Plan, write: (line: string) => void, contents = ctx.dryRun): void {
  const show = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .forEach((line) => write(`      | ${line}`));
  for (const f of plan.files) {
    write(`    ${ctx.t('install.run.file', { path: f.path, mode: mode(f.mode) })}`);
    if (f.secret && f.preview !== undefined) show(f.preview);
    else if (contents && !f.secret) show(f.content);
    else if (contents) write(`      | ${ctx.t('install.run.secretContent')}`);
  }
  for (const c of plan.commands) write(`    ${ctx.t('install.run.command', { command: showCommand(c.argv, c.secrets) })}`);
  for (const n of plan.notes) write(`    ${n.level === 'warn' ? '!' : '·'} ${ctx.t(n.key, n.params ?? {})}`);
}

const title = (ctx: InstallContext, p: PlannedStep, total: number) => `[${p.number}/${total}] ${ctx.t(p.step.title)}`;

/** The first pass: check and plan every step. Reads the system; writes nothing. */
export async function planSteps(ctx: InstallContext, steps: readonly Step[]): Promise<PlannedStep[]> {
  const planned: PlannedStep[] = [];
  for (const [index, step] of steps.entries()) {
    const number = index + 1;
    if (step.deferred) {
      planned.push({ step, number, status: 'todo', plan: { files: [], commands: [], notes: [{ key: step.deferred.note }] } });
      continue;
    }
    if ((await step.check(ctx)) === 'done') planned.push({ step, number, status: 'done' });
    else planned.push({ step, number, status: 'todo', plan: await step.plan(ctx) });
  }
  return planned;
}

/** The plan as the user confirms it: only the steps that would change something, with what they would do. */
export function planLines(ctx: InstallContext, planned: readonly PlannedStep[]): string[] {
  const lines: string[] = [];
  for (const p of planned) {
    if (p.status === 'done' || !p.plan) continue;
    lines.push(title(ctx, p, planned.length));
    describePlan(ctx, p.plan, (l) => lines.push(l), false);
  }
  return lines;
}

/** Prints the plan of a dry run, step by step as install would go. */
export function reportDryRun(ctx: InstallContext, planned: readonly PlannedStep[], write: (line: string) => void): StepReport[] {
  return planned.map((p) => {
    write(`${title(ctx, p, planned.length)} …`);
    if (p.status === 'done') {
      write(`    ✓ ${ctx.t('install.run.nothingToDo')}`);
      return { id: p.step.id, status: 'done' };
    }
    write(`    ${ctx.t('install.run.wouldDo')}`);
    describePlan(ctx, p.plan!, write);
    return { id: p.step.id, status: 'planned', plan: p.plan! };
  });
}

export interface ApplyOptions {
  /** Interactive runs show a spinner per step; otherwise each step is printed as it goes. */
  progress?: (label: string) => Progress;
}

/** The second pass: applies exactly the plans made by planSteps, in order. */
export async function applySteps(
  ctx: InstallContext,
  planned: readonly PlannedStep[],
  write: (line: string) => void,
  options: ApplyOptions = {},
): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back as it was
  const say = ctx.say;
  for (const p of planned) {
    const head = title(ctx, p, planned.length);
    const progress = options.progress?.(`${head} …`);
    if (progress) ctx.say = (line) => progress.say(line);
    else write(`${head} …`);
    try {
      const report = await applyOne(ctx, p);
      reports.push(report);
      const result = ctx.t(report.status === 'done' ? 'install.run.nothingToDo' : 'install.run.done');
      if (progress) progress.done(`${head}: ${result}`);
      else {
        // Unattended output says what was done (the interactive user saw it in the plan).
        if (report.plan) describePlan(ctx, report.plan, write);
        write(`    ✓ ${result}`);
      }
    } catch (error) {
      progress?.fail(head);
      throw error;
    } finally {
      ctx.say = say;
    }
  }
  return reports;
}

async function applyOne(ctx: InstallContext, p: PlannedStep): Promise<StepReport> {
  const { step } = p;
  let plan = p.plan;
  if (step.deferred) plan = (await step.check(ctx)) === 'done' ? undefined : await step.plan(ctx);
  if (p.status === 'done' || !plan) return { id: step.id, status: 'done' };
  const fresh: string[] = [];
  for (const f of plan.files) if (!(await stat(ctx.path(f.path)).catch(() => undefined))) fresh.push(f.path);
  await step.apply(ctx, plan);
  for (const path of fresh) if (!ctx.state.created.includes(path)) ctx.state.created.push(path);
  return { id: step.id, status: 'changed', plan };
}
