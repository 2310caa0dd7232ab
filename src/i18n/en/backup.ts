/** Backups and restore (src/backup, /backup, wg-chatops backup|backup-key|restore). */
export const backup = {
  backup: {
    summary: 'an encrypted backup to your private chat; /backup auto on|off for the scheduled one',
    sent: 'Encrypted backup ({{peers}} peers). Save the file somewhere safe; this message is deleted in {{minutes}} min. Restore on a new SD card: wg-chatops restore FILE, with your recovery code.',
    sentKept: 'Encrypted backup ({{peers}} peers). Save the file somewhere safe. Restore on a new SD card: wg-chatops restore FILE, with your recovery code.',
    caption: 'wg-chatops backup (encrypted)',
    unavailable: 'Backups are not available in this process.',
    autoOn: 'Automatic backups on: you get one {{schedule}} in this chat.',
    autoOff: 'Automatic backups off for you.',
    autoIsOn: 'Automatic backups are on for you ({{schedule}}).',
    autoIsOff: 'Automatic backups are off for you (schedule: {{schedule}}). /backup auto on turns them on.',
    autoOnButOff: 'Noted, but BACKUP_SCHEDULE=off: nothing is sent until it is weekly or daily.',
    noKey: 'No backup key on this machine yet. Run `sudo wg-chatops backup-key` on the Pi and keep the recovery code it shows.',
    keyExists: 'A backup key exists already ({{path}}). wg-chatops backup-key --replace makes a new one; backups made before then still need the old code.',
    noInterfaceConfig: 'Nothing to back up: {{path}} does not exist.',
    badCode: 'That is not a recovery code (it starts with AGE-SECRET-KEY-1). Nothing was changed.',
    wrongCode: 'The recovery code does not open this backup (a different code, or the file was altered). Nothing was changed.',
    damaged: 'The backup file is damaged or truncated ({{detail}}). Nothing was changed.',
    notBackup: 'This is not a wg-chatops backup file. Nothing was changed.',
    newer:
      'This backup comes from a newer wg-chatops ({{version}}, database schema {{schema}}; this one understands {{ours}}). Upgrade wg-chatops first. Nothing was changed.',
    restoreFailed: 'Restoring failed ({{detail}}); the files written so far were put back. Nothing was changed.',
    cli: {
      keyShown:
        'Your recovery code (shown only this once, not stored on this machine):\n\n  {{code}}\n\nKeep it in a password manager or on paper. Without it, no backup can be restored.\nThe Pi keeps only the public part, in {{path}}.',
      written: 'Backup written to {{path}} ({{peers}} peers, encrypted).',
      exists: '{{path}} exists already; choose another name.',
      askCode: 'Recovery code: ',
      restored: 'Restored {{count}} files from the backup of {{host}} made {{date}} (wg-chatops {{version}}).',
      missingSecrets: 'Set these again in {{file}} (they are never in a backup): {{names}}',
      next: "Now restart the VPN and the bot: systemctl restart wg-quick@{{iface}} wg-chatops. Client configs keep working; the DDNS name is updated to this Pi's address at the bot's first check.",
      usageRestore: 'Usage: wg-chatops restore FILE (the recovery code is read from standard input)',
    },
  },
};
