/** The install steps, in the order they run. */
import type { Step } from '../types.js';
import { ddns, lanAddress, portForward } from './network.js';
import { preflight } from './preflight.js';
import { botEnv, botService, commandLink, unattendedUpgrades } from './system.js';
import { ipForwarding, packages, serverConfig, wgQuickService } from './wireguard.js';

export const installSteps: readonly Step[] = [
  preflight,
  packages,
  serverConfig,
  ipForwarding,
  wgQuickService,
  lanAddress,
  portForward,
  ddns,
  unattendedUpgrades,
  botEnv,
  botService,
  commandLink,
];
