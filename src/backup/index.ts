/**
 * Backups for other parts of the program (install --restore, the install's key step):
 * - createRecoveryCode(dataDir): makes the key, keeps the public half in DATA_DIR, returns the code to show once
 *   (wording: the catalogue's backup.cli.keyShown with { code, path });
 * - restoreBackup(fileBytes, code, roots): checks everything, then writes; a UserError (backup.*) changes nothing;
 * - rootsFor(config, env, cwd): where the areas live on this machine.
 */
export { createRecoveryCode, makeBackupFile, readRecipient, RECIPIENT_FILE } from './service.js';
export { openBackup, restoreBackup, restoreFiles, writeRestoreFiles, type RestoreFile, type RestoreResult } from './restore.js';
export { readRecoveryCode } from './cli.js';
export { rootsFor } from './service.js';
export type { BackupRoots } from './archive.js';
