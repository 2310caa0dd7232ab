/**
 * Removes what install added, newest first: the bot's service and unit, drop-ins, sysctl file, port
 * mapping. The WireGuard config, keys and client configs go only when the user says so (or --purge).
 */
import { rm } from 'node:fs/promises';
import { probe } from './probe.js';
import type { Prompter } from './prompt.js';
import { saveState, STATE_PATH } from './state.js';
import { COMMAND_LINK, PIVPN_DROP_IN, UNIT_PATH } from './steps/system.js';
import { wg, wgGoDropInPath } from './steps/wireguard.js';
import type { InstallContext } from './types.js';
import { tableName as peersTableName } from '../firewall/nft.js';
import { chainBase, removeIptablesChains } from '../firewall/iptables.js';

export async function runUninstall(ctx: InstallContext, options: { purge: boolean; prompt: Prompter }, out: (line: string) => void): Promise<void> {
  const { iface, dir } = wg(ctx);
  const act = async (what: string, fn: () => Promise<unknown>) => {
    out(`  ${ctx.dryRun ? ctx.t('install.run.wouldDo') : '·'} ${what}`);
    if (!ctx.dryRun) await fn();
  };
  const run = (argv: string[]) => act(argv.join(' '), () => probe(ctx.runner, argv[0]!, argv.slice(1)));
  const remove = (path: string) => act(ctx.t('install.uninstall.remove', { path }), () => rm(ctx.path(path), { force: true }));

  // Asked before anything is removed: Ctrl-C at the question leaves everything as it was.
  const purge = options.purge || (await options.prompt.confirm(ctx.t('install.uninstall.askKeys', { dir }), false));
  await run(['systemctl', 'disable', '--now', 'wg-chatops']);
  // The bot's per-peer firewall (src/firewall/nft.ts), written at every start: gone with the bot.
  await run(['nft', 'delete', 'table', 'inet', peersTableName(iface)]);
  await act(`iptables: ${chainBase(iface)}*`, () => removeIptablesChains(ctx.runner, iface).catch(() => undefined)); // or its iptables chains
  await remove(UNIT_PATH);
  await remove(COMMAND_LINK);
  await remove(PIVPN_DROP_IN);
  await remove(wgGoDropInPath(iface));
  await run(['systemctl', 'daemon-reload']);
  const mapping = ctx.state.portMapping;
  if (mapping && mapping.method !== 'manual') {
    await act(ctx.t('install.uninstall.unmap', { port: mapping.port }), () =>
      ctx.net.portMapper(mapping.gateway).unmap({
        method: mapping.method as 'upnp' | 'natpmp',
        externalPort: mapping.port,
        ...(mapping.controlUrl ? { controlUrl: mapping.controlUrl, serviceType: mapping.serviceType ?? 'urn:schemas-upnp-org:service:WANIPConnection:1' } : {}),
        ...(mapping.gateway ? { gateway: mapping.gateway } : {}),
      }),
    );
  }
  for (const path of ctx.state.created) {
    if (path.startsWith(dir) || path === ctx.answers.install.INSTALL_ENV_FILE || path === UNIT_PATH) continue;
    await remove(path);
  }
  if (purge) {
    await run(['systemctl', 'disable', '--now', `wg-quick@${iface}`]);
    for (const path of ctx.state.created.filter((p) => p.startsWith(dir))) await remove(path);
    await remove(ctx.answers.install.INSTALL_ENV_FILE);
    await act(ctx.t('install.uninstall.remove', { path: ctx.answers.config.dataDir }), () =>
      rm(ctx.path(ctx.answers.config.dataDir), { recursive: true, force: true }),
    );
    await run(['userdel', ctx.answers.install.INSTALL_SERVICE_USER]);
  } else {
    out(`  ${ctx.t('install.uninstall.keptKeys', { dir, env: ctx.answers.install.INSTALL_ENV_FILE })}`);
  }
  if (!ctx.dryRun) {
    if (purge) await rm(ctx.path(STATE_PATH), { force: true });
    else
      await saveState(ctx.path(STATE_PATH), {
        ...ctx.state,
        created: ctx.state.created.filter((p) => p.startsWith(dir) || p === ctx.answers.install.INSTALL_ENV_FILE),
      });
  }
  out(ctx.t('install.uninstall.done'));
}
