/** The install steps, in the order they run. */
import type { Step } from '../types.js';
import { ddns, portForward } from './reachability.js';
import { lanAddress } from './static-ip.js';
import { preflight } from './preflight.js';
import { appFiles } from './app-files.js';
import { botEnv, botService, commandLink, serviceUser, unattendedUpgrades } from './system.js';
import { verify } from './verify.js';
import { restoreStep } from '../restore.js';
import { ipForwarding, packages, serverConfig, wgQuickService } from './wireguard.js';

export const installSteps: readonly Step[] = [
  preflight,
  packages,
  serviceUser,
  appFiles,
  restoreStep,
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
  verify,
];
