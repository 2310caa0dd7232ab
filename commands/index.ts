/** The command table: every chat command, in the order /help lists them. */
import type { CommandDef } from '../src/core/command.js';
import { addpeerCommand } from './addpeer.js';
import { approveCommand } from './approve.js';
import { backupCommand } from './backup.js';
import { confCommand } from './conf.js';
import { ddnsCommand } from './ddns.js';
import { denyCommand } from './deny.js';
import { disableCommand } from './disable.js';
import { enableCommand } from './enable.js';
import { expireCommand } from './expire.js';
import { helpCommand } from './help.js';
import { ipCommand } from './ip.js';
import { peersCommand } from './peers.js';
import { qrCommand } from './qr.js';
import { removeuserCommand } from './removeuser.js';
import { revokeCommand } from './revoke.js';
import { routeCommand } from './route.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { undoCommand } from './undo.js';
import { usersCommand } from './users.js';
import { notifyCommand } from './notify.js';
import { quotaCommand } from './quota.js';
import { trafficCommand } from './traffic.js';

export const commands: readonly CommandDef[] = [
  helpCommand,
  startCommand,
  addpeerCommand,
  peersCommand,
  qrCommand,
  confCommand,
  revokeCommand,
  routeCommand,
  disableCommand,
  enableCommand,
  expireCommand,
  statusCommand,
  trafficCommand,
  quotaCommand,
  notifyCommand,
  ipCommand,
  ddnsCommand,
  backupCommand,
  approveCommand,
  denyCommand,
  usersCommand,
  removeuserCommand,
  undoCommand,
];
