/** The Pi's place on the LAN: a fixed address, the router's port forward, DDNS and CGNAT. */
import { UserError } from '../../core/errors.js';
import { classifyNat } from '../../ddns/wan.js';
import { applyPlan, readText } from '../files.js';
import { stdoutOf } from '../probe.js';
import { emptyPlan, type InstallContext, type Plan, type Step } from '../types.js';
import { wg } from './wireguard.js';

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

export const portForward: Step = {
  id: 'port-forward',
  title: 'install.step.portForward',
  async check(ctx) {
    const m = ctx.state.portMapping;
    return m && m.port === wg(ctx).port && m.lanAddress === ctx.facts.lan?.address ? 'done' : 'todo';
  },
  async plan(ctx) {
    const plan = emptyPlan();
    const lan = ctx.facts.lan?.address ?? '?';
    const port = wg(ctx).port;
    if (ctx.answers.install.INSTALL_PORT_MAPPING === 'auto') plan.notes.push({ key: 'install.note.tryUpnp', params: { port, lan } });
    else plan.notes.push({ key: 'install.note.routerSetting', params: { port, lan }, level: 'warn' });
    return plan;
  },
  async apply(ctx) {
    const lan = ctx.facts.lan?.address;
    const port = wg(ctx).port;
    if (!lan) return;
    if (ctx.answers.install.INSTALL_PORT_MAPPING === 'auto') {
      const mapping = await ctx.net.portMapper(ctx.facts.lan?.gateway).map(port, lan);
      if (mapping) {
        ctx.state.portMapping = {
          method: mapping.method,
          port,
          lanAddress: lan,
          ...(mapping.controlUrl ? { controlUrl: mapping.controlUrl } : {}),
          ...(mapping.serviceType ? { serviceType: mapping.serviceType } : {}),
          ...(mapping.gateway ? { gateway: mapping.gateway } : {}),
        };
        say(ctx, 'install.note.mapped', { method: mapping.method === 'upnp' ? 'UPnP' : 'NAT-PMP', port, lan });
        return;
      }
      say(ctx, 'install.note.noUpnp', {});
    }
    say(ctx, 'install.note.routerSetting', { port, lan });
    ctx.state.portMapping = { method: 'manual', port, lanAddress: lan };
  },
};

/** Steps that learn something only while applying print it through the runner's output. */
export function say(ctx: InstallContext, key: string, params: Record<string, string | number>): void {
  ctx.say(ctx.t(key, params));
}

export const ddns: Step = {
  id: 'ddns',
  title: 'install.step.ddns',
  // Once per host name (none: "") — a repeated update would count against No-IP's abuse limits.
  check: async (ctx) => (ctx.state.ddnsChecked?.hostname === (ctx.answers.config.ddns.DDNS_HOSTNAME ?? '') ? 'done' : 'todo'),
  async plan(ctx) {
    const plan = emptyPlan();
    const d = ctx.answers.config.ddns;
    plan.notes.push({ key: 'install.note.natCheck' });
    if (d.DDNS_PROVIDER !== 'none') plan.notes.push({ key: 'install.note.ddnsCheck', params: { provider: d.DDNS_PROVIDER, hostname: d.DDNS_HOSTNAME ?? '' } });
    return plan;
  },
  async apply(ctx) {
    const config = ctx.answers.config;
    const publicIp = await ctx.net.publicIPv4(config);
    const wan = await ctx.net.wanIPv4(ctx.facts.lan?.gateway);
    if (publicIp && wan) {
      const nat = classifyNat(wan, publicIp);
      if (nat) say(ctx, `install.note.nat.${nat}`, { wan, publicIp });
    }
    const result = await ctx.net.ddnsUpdate(config, publicIp);
    if (!result) {
      ctx.state.ddnsChecked = { hostname: '', at: new Date().toISOString() };
      return;
    }
    if (result.outcome !== 'good' && result.outcome !== 'nochg') {
      throw new UserError('install.ddns.failed', { provider: config.ddns.DDNS_PROVIDER, answer: result.answer });
    }
    say(ctx, 'install.note.ddnsOk', { hostname: config.ddns.DDNS_HOSTNAME ?? '', ip: publicIp ?? '?' });
    ctx.state.ddnsChecked = { hostname: config.ddns.DDNS_HOSTNAME ?? '', at: new Date().toISOString() };
  },
};
