/** What /backup needs (implemented by src/backup/service.ts). */
export interface BackupCommandService {
  readonly schedule: 'weekly' | 'daily' | 'off';
  /** The encrypted backup file; throws UserError('backup.noKey') when no key was made yet. */
  make(): Promise<{ name: string; data: Uint8Array; peers: number }>;
  setAuto(userKey: string, on: boolean): Promise<void>;
  isAuto(userKey: string): Promise<boolean>;
}
