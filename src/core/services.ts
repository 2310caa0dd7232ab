/** Everything a command handler may use. Built once, in src/app.ts (buildApp), before the first command runs. */
import type { ApprovalService } from './approval-service.js';
import type { BackupCommandService } from './backup.js';
import type { CommandDef } from './command.js';
import type { DoctorService } from './doctor.js';
import type { IpWatchService } from './ip-watch.js';
import type { PeerService } from './peer-service.js';
import type { TrafficService } from './traffic-service.js';
import type { PeerPolicy } from './ports.js';
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
  /** The Pi's per-peer firewall (what /route reports about cut connections); undefined: none. */
  firewall?: Pick<PeerPolicy, 'cutsConnections'>;
  renderQr: (text: string) => Promise<Uint8Array>;
  /** /traffic, /quota, /notify; undefined when TRAFFIC_SAMPLE_SECONDS=0. */
  traffic?: TrafficCommands;
}

export interface TrafficCommands {
  service: TrafficService;
  /** The font family list charts name. */
  font: string;
  /** A Vega-Lite spec as PNG; undefined when no font is installed (the answer is then text only). */
  drawChart(spec: Record<string, unknown>): Promise<Uint8Array | undefined>;
}
