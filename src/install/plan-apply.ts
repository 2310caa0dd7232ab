/** Runs the steps in order: check, then plan, then (unless --dry-run) apply; says what each did. */
import { stat } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import { showCommand } from './files.js';
import type { InstallContext, Plan, Step } from './types.js';

export interface StepReport {
  id: string;
  status: 'done' | 'changed' | 'planned';
  plan?: Plan;
}

const mode = (m: number) => `0${m.toString(8).padStart(3, '0')}`;

export function describePlan(ctx: InstallContext, plan: Plan, write: (line: string) => void): void {
  for (const f of plan.files) {
    write(`    ${ctx.t('install.run.file', { path: f.path, mode: mode(f.mode) })}`);
    if (ctx.dryRun && !f.secret) for (const line of f.content.trimEnd().split('\n')) write(`      | ${line}`);
    if (ctx.dryRun && f.secret) write(`      | ${ctx.t('install.run.secretContent')}`);
  }
  for (const c of plan.commands) write(`    ${ctx.t('install.run.command', { command: showCommand(c.argv, c.secrets) })}`);
  for (const n of plan.notes) write(`    ${n.level === 'warn' ? '!' : '·'} ${ctx.t(n.key, n.params ?? {})}`);
}

export async function runSteps(ctx: InstallContext, steps: readonly Step[], write: (line: string) => void): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  for (const [index, step] of steps.entries()) {
    const head = `[${index + 1}/${steps.length}] ${ctx.t(step.title)}`;
    write(`${head} …`);
    const status = await step.check(ctx);
    if (status === 'done') {
      write(`    ✓ ${ctx.t('install.run.nothingToDo')}`);
      reports.push({ id: step.id, status: 'done' });
      continue;
    }
    const plan = await step.plan(ctx);
    if (ctx.dryRun) {
      write(`    ${ctx.t('install.run.wouldDo')}`);
      describePlan(ctx, plan, write);
      reports.push({ id: step.id, status: 'planned', plan });
      continue;
    }
    const fresh: string[] = [];
    for (const f of plan.files) if (!(await stat(ctx.path(f.path)).catch(() => undefined))) fresh.push(f.path);
    await step.apply(ctx, plan);
    for (const p of fresh) if (!ctx.state.created.includes(p)) ctx.state.created.push(p);
    describePlan(ctx, plan, write);
    write(`    ✓ ${ctx.t('install.run.done')}`);
    reports.push({ id: step.id, status: 'changed', plan });
  }
  return reports;
}

export { UserError };
