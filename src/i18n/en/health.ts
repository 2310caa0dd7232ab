/** Health alerts about the machine itself (src/health). */
export const health = {
  health: {
    alert: '⚠️ {{message}}',
    stillAlert: '⚠️ Still: {{message}}',
    resolved: '✅ Resolved: {{message}}',
    disk: 'The disk holding {{path}} is almost full: {{freeMb}} MB ({{percent}} %) free.',
    readOnly: 'The file system at {{mount}} is read-only (often a failing SD card): changes cannot be saved. Make a backup (/backup) and replace the card.',
    clock: 'The clock is not synchronised (no NTP). WireGuard handshakes need a correct clock; check the network and systemd-timesyncd.',
    temperature: 'The CPU is at {{celsius}} °C (over {{limit}} °C). Improve the cooling.',
    underVoltage: 'Under-voltage: the power supply is too weak. Use the official power supply.',
    throttled: 'The CPU is being throttled ({{flags}}).',
    softTempLimit: 'The CPU is at its soft temperature limit.',
    interfaceDown: 'The WireGuard interface {{iface}} is down: nobody can connect.',
    crashRestart: 'The bot restarted after a crash (see journalctl -u wg-chatops).',
  },
};
