/** WireGuard itself: packages, the server's interface config, IP forwarding, the wg-quick service. */
import { restoreWillWrite } from '../restore.js';
import { join } from 'node:path/posix';
import { tunnelSubnetFromCidr } from '../../core/allocate.js';
import { formatIPv6 } from '../../core/ip.js';
import { generateKeyPair } from '../../core/keys.js';
import { serverInterfaceText } from '../../core/server-config.js';
import { exists, fileUpToDate, applyPlan } from '../files.js';
import { packageInstalled, probe, stdoutOf } from '../probe.js';
import { chooseTunnelSubnet, chooseUla64, iptablesRules, nftablesRules, serverAddress, subnetConflict } from '../tunnel.js';
import { emptyPlan, type InstallContext, type Plan, type PlannedFile, type Step } from '../types.js';
import { renderUapiService, renderUapiSocket, renderWireguardGoDropIn } from '../unit.js';
import { UserError } from '../../core/errors.js';

export const wg = (ctx: InstallContext) => {
  const w = ctx.answers.config.wireguard;
  return { iface: w.WG_INTERFACE, dir: w.WG_CONFIG_DIR, path: join(w.WG_CONFIG_DIR, `${w.WG_INTERFACE}.conf`), port: w.WG_PORT ?? 51820 };
};

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };

export function firewallOf(ctx: InstallContext): 'nftables' | 'iptables' {
  const chosen = ctx.answers.install.INSTALL_FIREWALL;
  if (chosen !== 'auto') return chosen;
  return ctx.facts.firewall === 'iptables' ? 'iptables' : 'nftables';
}

function neededPackages(ctx: InstallContext): string[] {
  const pkgs = ['wireguard-tools'];
  if (!ctx.facts.kernelWireguard) pkgs.push('wireguard-go');
  const fw = firewallOf(ctx);
  if (ctx.facts.firewall !== fw) pkgs.push(fw);
  return pkgs;
}

async function missingPackages(ctx: InstallContext): Promise<string[]> {
  const missing: string[] = [];
  for (const p of neededPackages(ctx)) if (!(await packageInstalled(ctx.runner, p))) missing.push(p);
  return missing;
}

export const packages: Step = {
  id: 'packages',
  title: 'install.step.packages',
  check: async (ctx) => ((await missingPackages(ctx)).length === 0 ? 'done' : 'todo'),
  async plan(ctx) {
    const missing = await missingPackages(ctx);
    const plan = emptyPlan();
    if (missing.length === 0) return plan;
    plan.commands.push({ argv: ['apt-get', 'update'], env: APT_ENV });
    plan.commands.push({ argv: ['apt-get', 'install', '-y', '--no-install-recommends', ...missing], env: APT_ENV });
    plan.notes.push({ key: ctx.facts.kernelWireguard ? 'install.note.kernelModule' : 'install.note.wireguardGo' });
    return plan;
  },
  apply: applyPlan,
};

/** The tunnel subnet: WG_SUBNET when given (checked against the host's networks), else a free random /24. */
export function tunnelSubnet(ctx: InstallContext): string {
  const given = ctx.answers.config.wireguard.WG_SUBNET;
  if (given) {
    const conflict = subnetConflict(given, ctx.facts.ipv4Networks);
    if (conflict) throw new UserError('install.wg.subnetConflict', { subnet: given, network: conflict });
    return given;
  }
  return ctx.decide('tunnel-subnet', () => chooseTunnelSubnet(ctx.facts.ipv4Networks, ctx.random));
}

export const serverConfig: Step = {
  id: 'server-config',
  title: 'install.step.serverConfig',
  // An existing file (PiVPN's or ours) is adopted as it is: its keys and peers are the VPN. So is the one a
  // backup being restored (--restore) brings back.
  check: async (ctx) => ((await exists(ctx, wg(ctx).path)) || (await restoreWillWrite(ctx, wg(ctx).path)) ? 'done' : 'todo'),
  async plan(ctx) {
    const { iface, path, port } = wg(ctx);
    const w = ctx.answers.config.wireguard;
    const subnet = tunnelSubnet(ctx);
    const subnet6 = w.WG_SUBNET6 ?? ctx.decide('tunnel-subnet6', () => chooseUla64(ctx.random));
    const lanIface = ctx.facts.lan?.iface ?? 'eth0';
    const rules = firewallOf(ctx) === 'iptables' ? iptablesRules(subnet, subnet6, lanIface) : nftablesRules(subnet, subnet6, lanIface, iface);
    const keys = ctx.decide('server-keys', generateKeyPair);
    const v6 = subnet6 ? tunnelSubnetFromCidr(subnet, subnet6).v6 : undefined;
    const addresses = [serverAddress(subnet), ...(v6 ? [`${formatIPv6(v6.server)}/${v6.prefix}`] : [])];
    const content = serverInterfaceText({
      privateKey: keys.privateKey,
      addresses,
      listenPort: port,
      ...(w.WG_MTU ? { mtu: w.WG_MTU } : {}),
      postUp: rules.postUp,
      postDown: rules.postDown,
    });
    const plan = emptyPlan();
    plan.files.push({ path, mode: 0o600, content, secret: true });
    plan.notes.push({ key: 'install.note.subnet', params: { subnet, lan: lanIface, firewall: firewallOf(ctx) } });
    plan.notes.push({ key: 'install.note.serverKey', params: { publicKey: keys.publicKey } });
    return plan;
  },
  apply: applyPlan,
};

const SYSCTL_PATH = '/etc/sysctl.d/99-wg-chatops.conf';

function sysctlFile(): PlannedFile {
  // The tunnel is dual-stack (install always gives it an IPv6 /64): IPv6 is forwarded too.
  const content = `# Written by wg-chatops install: the Pi routes VPN clients to the LAN and the Internet.\nnet.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 1\n`;
  return { path: SYSCTL_PATH, mode: 0o644, content };
}

export const ipForwarding: Step = {
  id: 'ip-forwarding',
  title: 'install.step.ipForwarding',
  async check(ctx) {
    const live = await stdoutOf(ctx.runner, 'sysctl', ['-n', 'net.ipv4.ip_forward']);
    return (await fileUpToDate(ctx, sysctlFile())) && live === '1' ? 'done' : 'todo';
  },
  async plan(ctx) {
    const plan = emptyPlan();
    const file = sysctlFile();
    if (!(await fileUpToDate(ctx, file))) plan.files.push(file);
    plan.commands.push({ argv: ['sysctl', '-p', ctx.path(SYSCTL_PATH)] });
    return plan;
  },
  apply: applyPlan,
};

export const wgGoDropInPath = (iface: string) => `/etc/systemd/system/wg-quick@${iface}.service.d/wg-chatops.conf`;

async function serviceState(ctx: InstallContext, unit: string): Promise<{ enabled: boolean; active: boolean }> {
  const enabled = (await probe(ctx.runner, 'systemctl', ['is-enabled', '--quiet', unit]))?.exitCode === 0;
  const active = (await probe(ctx.runner, 'systemctl', ['is-active', '--quiet', unit]))?.exitCode === 0;
  return { enabled, active };
}

export const UAPI_SOCKET_UNIT = '/etc/systemd/system/wg-chatops-uapi@.socket';
export const UAPI_SERVICE_UNIT = '/etc/systemd/system/wg-chatops-uapi@.service';

/** wireguard-go only: the drop-in and the control-socket proxy the bot talks to. */
export function userspaceFiles(ctx: InstallContext): PlannedFile[] {
  if (ctx.facts.kernelWireguard) return [];
  const { iface } = wg(ctx);
  return [
    { path: wgGoDropInPath(iface), mode: 0o644, content: renderWireguardGoDropIn() },
    { path: UAPI_SOCKET_UNIT, mode: 0o644, content: renderUapiSocket(ctx.answers.install.INSTALL_SERVICE_USER) },
    { path: UAPI_SERVICE_UNIT, mode: 0o644, content: renderUapiService() },
  ];
}

async function wgQuickPlan(ctx: InstallContext): Promise<Plan> {
  const { iface } = wg(ctx);
  const unit = `wg-quick@${iface}`;
  const plan = emptyPlan();
  let changed = false;
  for (const file of userspaceFiles(ctx)) {
    if (!(await fileUpToDate(ctx, file))) {
      plan.files.push(file);
      changed = true;
    }
  }
  if (changed) plan.commands.push({ argv: ['systemctl', 'daemon-reload'] });
  const state = await serviceState(ctx, unit);
  if (!state.enabled || !state.active) plan.commands.push({ argv: ['systemctl', 'enable', '--now', unit] });
  else if (changed) plan.commands.push({ argv: ['systemctl', 'restart', unit] });
  if (!ctx.facts.kernelWireguard) {
    const proxy = `wg-chatops-uapi@${iface}.socket`;
    const s = await serviceState(ctx, proxy);
    if (!s.enabled || !s.active) plan.commands.push({ argv: ['systemctl', 'enable', '--now', proxy] });
  }
  return plan;
}

export const wgQuickService: Step = {
  id: 'wg-quick',
  title: 'install.step.wgQuick',
  check: async (ctx) => {
    const plan = await wgQuickPlan(ctx);
    return plan.files.length + plan.commands.length === 0 ? 'done' : 'todo';
  },
  plan: wgQuickPlan,
  apply: applyPlan,
};
