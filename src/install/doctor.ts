/**
 * `wg-chatops doctor` and /status: checks the setup and says how to fix each failure. Read-only.
 * Usable from the CLI (with an install context) and from the bot (createDoctor with its own deps).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path/posix';
import type { Config } from '../config/index.js';
import { tunnelSubnetFromAddresses } from '../core/allocate.js';
import { formatIPv4 } from '../core/ip.js';
import { parseServerConfig } from '../core/server-config.js';
import type { CheckResult, CheckStatus, DoctorService } from '../core/doctor.js';
import type { Translate } from '../core/translate.js';
import { classifyNat } from '../ddns/wan.js';
import { globalIPv6 } from '../ddns/public-ip.js';
import { ipv6Advice, ipv6AdviceText } from '../core/ipv6-advice.js';
import type { CommandRunner } from '../exec/runner.js';
import { healthCheckOnce, systemProbes } from '../health/monitor.js';
import { underRoot } from '../wireguard/pivpn/fs-util.js';
import type { LanInfo } from './facts.js';
import type { WanProbe } from './wan-probe.js';
import { findDrift } from './drift.js';
import { kernelAccessCheck } from './kernel-access.js';
import { probe, stdoutOf } from './probe.js';
import type { InstallState } from './state.js';

export interface DoctorDeps {
  root: string;
  runner: CommandRunner;
  config: Config;
  /** Omit to skip the network checks (public IP, DDNS, UPnP). */
  net?: WanProbe;
  lan?: LanInfo;
  state?: InstallState;
  envFile?: string;
  /** Skip the bot-service check (when the bot itself is asking). */
  insideBot?: boolean;
}

const result = (
  id: string,
  status: CheckStatus,
  key: string,
  params: Record<string, string | number> = {},
  fixKey?: string,
  fixParams?: Record<string, string | number>,
): CheckResult => ({
  id,
  status,
  key,
  params,
  ...(fixKey ? { fixKey, fixParams: fixParams ?? params } : {}),
});

async function modeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (s) => s.mode & 0o777,
    () => undefined,
  );
}

export function createDoctorService(deps: DoctorDeps): DoctorService {
  const w = deps.config.wireguard;
  const iface = w.WG_INTERFACE;
  const path = (p: string) => underRoot(deps.root, p);
  const confPath = join(w.WG_CONFIG_DIR, `${iface}.conf`);

  const checks: (() => Promise<CheckResult | undefined>)[] = [
    async () => {
      const port = await stdoutOf(deps.runner, 'wg', ['show', iface, 'listen-port']);
      if (port === undefined) return result('interface', 'fail', 'doctor.interface.down', { iface }, 'doctor.fix.interface');
      if (w.WG_PORT !== undefined && port !== String(w.WG_PORT)) {
        return result('interface', 'fail', 'doctor.interface.port', { iface, port, expected: w.WG_PORT }, 'doctor.fix.interfacePort');
      }
      return result('interface', 'ok', 'doctor.interface.ok', { iface, port });
    },
    async () => {
      const live = await stdoutOf(deps.runner, 'wg', ['show', iface, 'allowed-ips']);
      const found = await findDrift(
        { conf: path(confPath), db: path(join(deps.config.dataDir, 'db.json')), journal: path(join(deps.config.dataDir, 'journal')) },
        live === undefined ? undefined : `${live}\n`,
      );
      if (found.length === 0) return result('drift', 'ok', 'doctor.drift.ok');
      return result('drift', 'warn', 'doctor.drift.found', { count: found.length, list: found.join('; ') }, 'doctor.fix.drift');
    },
    async () => {
      const v = await stdoutOf(deps.runner, 'sysctl', ['-n', 'net.ipv4.ip_forward']);
      return v === '1'
        ? result('forwarding', 'ok', 'doctor.forwarding.ok')
        : result('forwarding', 'fail', 'doctor.forwarding.off', {}, 'doctor.fix.forwarding');
    },
    async () => {
      const nft = (await stdoutOf(deps.runner, 'nft', ['list', 'ruleset'])) ?? '';
      const ipt = (await stdoutOf(deps.runner, 'iptables', ['-t', 'nat', '-S', 'POSTROUTING'])) ?? '';
      const subnet = await tunnelSubnetOf(path(confPath));
      // A masquerade rule for the tunnel's subnet (ours from PostUp, or PiVPN's in iptables); any, if the file is unreadable.
      const found = [...nft.split('\n'), ...ipt.split('\n')].some((l) => /masquerade/i.test(l) && (subnet === undefined || l.includes(subnet)));
      return found ? result('nat', 'ok', 'doctor.nat.ok') : result('nat', 'fail', 'doctor.nat.missing', { iface }, 'doctor.fix.nat');
    },
    async () => {
      const lan = deps.lan;
      if (!lan) return result('lan', 'skip', 'doctor.lan.unknown');
      if (!lan.dynamic) return result('lan', 'ok', 'doctor.lan.static', { address: lan.address });
      if (deps.state?.lanAddress?.decision === 'static') return result('lan', 'ok', 'doctor.lan.static', { address: lan.address });
      if (deps.state?.lanAddress?.decision === 'reserved') return result('lan', 'ok', 'doctor.lan.reserved', { address: lan.address });
      return result('lan', 'warn', 'doctor.lan.dynamic', { address: lan.address }, 'doctor.fix.lan');
    },
    ...networkChecks(deps),
    async () => {
      if (deps.insideBot) return undefined;
      const active = (await probe(deps.runner, 'systemctl', ['is-active', '--quiet', 'wg-chatops']))?.exitCode === 0;
      return active ? result('service', 'ok', 'doctor.service.ok') : result('service', 'warn', 'doctor.service.down', {}, 'doctor.fix.service');
    },
    async () => (deps.insideBot ? undefined : kernelAccessCheck({ runner: deps.runner, iface, path })),
    async () => {
      const c = deps.config;
      const tokens = Boolean(c.telegram.TELEGRAM_BOT_TOKEN || c.slack.SLACK_BOT_TOKEN);
      if (!tokens) return result('tokens', 'warn', 'doctor.tokens.none', {}, 'doctor.fix.tokens');
      const admins = c.telegram.TELEGRAM_ADMIN_IDS.length + c.slack.SLACK_ADMIN_IDS.length + c.bot.ADMIN_KEYS.length;
      return admins > 0 ? result('tokens', 'ok', 'doctor.tokens.ok', { admins }) : result('tokens', 'fail', 'doctor.tokens.noAdmins', {}, 'doctor.fix.admins');
    },
    async () => {
      const loose: string[] = [];
      const check = async (p: string) => {
        const m = await modeOf(path(p));
        if (m !== undefined && (m & 0o077) !== 0) loose.push(`${p} (0${m.toString(8)})`);
      };
      await check(confPath);
      for (const name of await readdir(path(join(w.WG_CONFIG_DIR, 'keys'))).catch(() => [])) await check(join(w.WG_CONFIG_DIR, 'keys', name));
      if (deps.envFile) await check(deps.envFile);
      for (const name of await readdir(path(deps.config.dataDir)).catch(() => [])) if (name.endsWith('.json')) await check(join(deps.config.dataDir, name));
      return loose.length === 0
        ? result('permissions', 'ok', 'doctor.permissions.ok')
        : result('permissions', 'fail', 'doctor.permissions.loose', { files: loose.join(', ') }, 'doctor.fix.permissions', {
            files: loose.map((l) => l.replace(/ \(.*\)$/, '')).join(' '),
          });
    },
  ];

  return {
    async run() {
      const out: CheckResult[] = [];
      for (const c of checks) {
        const r = await c().catch((error: Error) => result('error', 'warn', 'doctor.checkFailed', { message: error.message }));
        if (r) out.push(r);
      }
      // The machine's health (disk, read-only root, clock, temperature): inside the bot its monitor adds them.
      if (!deps.insideBot && deps.root === '/') out.push(...(await machineHealth(deps)));
      return out;
    },
  };
}

function machineHealth(deps: DoctorDeps): Promise<CheckResult[]> {
  return healthCheckOnce({
    probes: systemProbes({ runner: deps.runner, interfaceUp: async () => undefined }), // the interface check is above
    diskPaths: [deps.config.dataDir, deps.config.wireguard.WG_CONFIG_DIR],
    interfaceName: deps.config.wireguard.WG_INTERFACE,
  }).catch(() => []);
}

function networkChecks(deps: DoctorDeps): (() => Promise<CheckResult | undefined>)[] {
  const net = deps.net;
  if (!net) return [];
  let publicIp: string | undefined;
  let wan: string | undefined;
  return [
    async () => {
      publicIp = await net.publicIPv4(deps.config);
      if (!publicIp) return result('public-ip', 'warn', 'doctor.publicIp.unknown', {}, 'doctor.fix.publicIp');
      wan = await net.wanIPv4(deps.lan?.gateway);
      const nat = wan ? classifyNat(wan, publicIp) : undefined;
      if (nat) return result('public-ip', nat === 'cgnat' ? 'fail' : 'warn', `doctor.publicIp.${nat}`, { publicIp, wan: wan ?? '' }, `doctor.fix.${nat}`);
      return result('public-ip', 'ok', 'doctor.publicIp.ok', { publicIp });
    },
    async () => {
      // IPv4 shared (CGNAT) but a global IPv6 here: say to use IPv6 (the AAAA record).
      const host = deps.config.ddns.DDNS_HOSTNAME ?? endpointHost(deps.config.wireguard.WG_ENDPOINT);
      const advice = ipv6Advice({
        wan,
        publicIPv4: publicIp,
        ipv6: globalIPv6(),
        ddnsIpv6: deps.config.ddns.DDNS_IPV6,
        ...(host && !/^[\d.]+$/.test(host) ? { hostname: host } : {}),
      });
      if (!advice) return undefined;
      const text = ipv6AdviceText(advice);
      return result('ipv6', 'warn', text.statusKey, text.params, text.adviceKey);
    },
    async () => {
      const host = deps.config.ddns.DDNS_HOSTNAME ?? endpointHost(deps.config.wireguard.WG_ENDPOINT);
      if (!host || /^[\d.]+$/.test(host)) return result('dns', 'skip', 'doctor.dns.none');
      const addresses = await net.resolve(host, deps.config);
      if (!addresses || addresses.length === 0) return result('dns', 'fail', 'doctor.dns.unresolved', { host }, 'doctor.fix.dns');
      if (publicIp && !addresses.includes(publicIp))
        return result('dns', 'fail', 'doctor.dns.mismatch', { host, resolved: addresses.join(', '), publicIp }, 'doctor.fix.dns');
      return result('dns', 'ok', 'doctor.dns.ok', { host, resolved: addresses.join(', ') });
    },
    async () => {
      const m = deps.state?.portMapping;
      if (!m || m.method !== 'upnp' || !deps.lan) return undefined;
      const ok = await net.portMapper(deps.lan.gateway).check(
        {
          method: 'upnp',
          externalPort: m.port,
          ...(m.controlUrl ? { controlUrl: m.controlUrl, serviceType: m.serviceType ?? 'urn:schemas-upnp-org:service:WANIPConnection:1' } : {}),
        },
        deps.lan.address,
      );
      if (ok === false) return result('upnp', 'fail', 'doctor.upnp.gone', { port: m.port, lan: deps.lan.address }, 'doctor.fix.upnp');
      return result('upnp', ok ? 'ok' : 'skip', ok ? 'doctor.upnp.ok' : 'doctor.upnp.unknown', { port: m.port, lan: deps.lan.address });
    },
  ];
}

/** "10.84.12.0/24" from the interface config's IPv4 Address. */
async function tunnelSubnetOf(file: string): Promise<string | undefined> {
  try {
    const subnet = tunnelSubnetFromAddresses(parseServerConfig(await readFile(file, 'utf8')).iface.addresses);
    return `${formatIPv4(subnet.v4.network)}/${subnet.v4.prefix}`;
  } catch {
    return undefined;
  }
}

const endpointHost = (endpoint: string | undefined) => endpoint?.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/:\d+$/, '');

const ICON: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

export function formatDoctorReport(results: CheckResult[], t: Translate): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${ICON[r.status]} ${t(r.key, r.params ?? {})}`);
    if (r.fixKey && (r.status === 'fail' || r.status === 'warn')) lines.push(`    → ${t(r.fixKey, r.fixParams ?? {})}`);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  lines.push('', t(failed === 0 ? 'doctor.summary.ok' : 'doctor.summary.failed', { count: failed }));
  return lines.join('\n');
}

/** The CLI's doctor: install's context supplies facts, state and the network probe. */
export function createDoctor(ctx: {
  root: string;
  runner: CommandRunner;
  answers: { config: Config; install: { INSTALL_ENV_FILE: string } };
  facts: { lan?: LanInfo };
  state: InstallState;
  net: WanProbe;
}): DoctorService {
  return createDoctorService({
    root: ctx.root,
    runner: ctx.runner,
    config: ctx.answers.config,
    net: ctx.net,
    state: ctx.state,
    envFile: ctx.answers.install.INSTALL_ENV_FILE,
    ...(ctx.facts.lan ? { lan: ctx.facts.lan } : {}),
  });
}
