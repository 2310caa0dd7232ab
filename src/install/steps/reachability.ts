/** The Pi reached from the Internet: the router's port forward (UPnP / NAT-PMP or by hand), DDNS and the CGNAT check. */
import { UserError } from '../../core/errors.js';
import { classifyNat } from '../../ddns/wan.js';
import { emptyPlan, type InstallContext, type Step } from '../types.js';
import { wg } from './wireguard.js';

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
