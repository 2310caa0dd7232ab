/** Everything a command handler may use. Built once, in src/app.ts (buildApp), before the first command runs. */
import type { ApprovalService } from './approval-service.js';
import type { BackupCommandService } from './backup.js';
import type { CommandDef } from './command.js';
import type { DoctorService } from './doctor.js';
import type { IpWatchService } from './ip-watch.js';
import type { PeerService } from './peer-service.js';
import type { UserService } from './user-service.js';

export interface CommandSettings {
  maxPeersPerUser: number;
  /**
   * After how many seconds a secret sent to this person (user key) is deleted; 0 when it is kept
   * (SECRET_TTL_SECONDS=0, or their platform cannot delete messages, like the console).
   */
  secretTtlFor(userKey: string): number;
  undoSeconds: number;
  keepClientKeys: boolean;
}

export interface CommandServices {
  peers: PeerService;
  users: UserService;
  approvals: ApprovalService;
  settings: CommandSettings;
  /** The command table, for /help. */
  commands: () => readonly CommandDef[];
  /** Which chat platforms are running (for /status). */
  platforms: () => readonly string[];
  /** The public-IP watch and DDNS; undefined when PUBLIC_IP_SOURCES=none. */
  ipWatch?: IpWatchService;
  doctor?: DoctorService;
  /** /backup; undefined when backups are not set up in this process. */
  backup?: BackupCommandService;
  renderQr: (text: string) => Promise<Uint8Array>;
}
