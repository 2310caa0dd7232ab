/** The Pi's place on the LAN: a fixed address (NetworkManager or dhcpcd), or the advice to reserve it on the router. */
import { UserError } from '../../core/errors.js';
import { applyPlan, readText } from '../files.js';
import { stdoutOf } from '../probe.js';
import { emptyPlan, type InstallContext, type Plan, type Step } from '../types.js';

async function nmConnection(ctx: InstallContext, iface: string): Promise<string | undefined> {
  const out = await stdoutOf(ctx.runner, 'nmcli', ['-t', '-f', 'NAME,DEVICE', 'connection', 'show', '--active']);
  for (const line of out?.split('\n') ?? []) {
    const at = line.lastIndexOf(':');
    if (line.slice(at + 1) === iface) return line.slice(0, at).replace(/\\:/g, ':');
  }
  return undefined;
}

/** Whether the user wants the address made static; asked once, before any plan is made. */
export async function staticIpConsent(ctx: InstallContext): Promise<boolean> {
  const choice = ctx.answers.install.INSTALL_STATIC_IP;
  if (choice !== 'ask') return choice === 'yes';
  const lan = ctx.facts.lan;
  if (!lan?.dynamic || ctx.state.lanAddress) return false;
  return ctx.prompt.confirm(ctx.t('install.ask.staticIp', { address: lan.address, iface: lan.iface }), false);
}

async function lanPlan(ctx: InstallContext): Promise<Plan> {
  const plan = emptyPlan();
  const lan = ctx.facts.lan;
  if (!lan) {
    plan.notes.push({ key: 'install.note.noLan', level: 'warn' });
    return plan;
  }
  const consent = await staticIpConsent(ctx);
  if (!consent || ctx.facts.networking === 'other') {
    plan.notes.push({ key: 'install.note.reserveOnRouter', params: { address: lan.address, iface: lan.iface }, level: 'warn' });
    return plan;
  }
  const cidr = `${lan.address}/${lan.prefix}`;
  const gateway = lan.gateway ?? '';
  if (ctx.facts.networking === 'NetworkManager') {
    const conn = await nmConnection(ctx, lan.iface);
    if (!conn) throw new UserError('install.lan.noConnection', { iface: lan.iface });
    // Takes effect at the next activation: changing it now would cut this SSH session.
    plan.commands.push({
      argv: ['nmcli', 'connection', 'modify', conn, 'ipv4.method', 'manual', 'ipv4.addresses', cidr, 'ipv4.gateway', gateway, 'ipv4.dns', gateway],
    });
  } else {
    const current = (await readText(ctx, '/etc/dhcpcd.conf')) ?? '';
    const block = `\n# Written by wg-chatops install: a fixed address for the VPN server.\ninterface ${lan.iface}\nstatic ip_address=${cidr}\nstatic routers=${gateway}\nstatic domain_name_servers=${gateway}\n`;
    plan.files.push({ path: '/etc/dhcpcd.conf', mode: 0o644, content: current + block });
  }
  plan.notes.push({ key: 'install.note.madeStatic', params: { address: cidr, via: ctx.facts.networking } });
  return plan;
}

export const lanAddress: Step = {
  id: 'lan-address',
  title: 'install.step.lanAddress',
  async check(ctx) {
    const lan = ctx.facts.lan;
    return !lan || !lan.dynamic || ctx.state.lanAddress?.address === lan.address ? 'done' : 'todo';
  },
  plan: lanPlan,
  async apply(ctx, plan) {
    await applyPlan(ctx, plan);
    const lan = ctx.facts.lan!;
    const made = plan.files.length + plan.commands.length > 0;
    ctx.state.lanAddress = { decision: made ? 'static' : 'reserved', address: lan.address, via: ctx.facts.networking };
  },
};
