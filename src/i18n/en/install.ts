/** English: `wg-chatops install`, `uninstall`, `doctor` (also /status's health lines) and PiVPN adoption. */
export const install = {
  install: {
    help: {
      install: `wg-chatops install — set up this Raspberry Pi (or Debian machine) as a WireGuard server run by the bot.

Usage: sudo wg-chatops install [options]
  --answers FILE  unattended: KEY=VALUE lines with the names of .env plus INSTALL_* keys (see .env.example)
  --restore FILE  bring back an encrypted backup (/backup, wg-chatops backup) before the WireGuard step: same
                  server key, port, peers and data, so old client configs keep working. The recovery code is
                  read from standard input; a wrong code or a damaged file stops install with nothing changed
  --dry-run       print every step, the files it would write and the commands it would run; change nothing
  --yes, -y       accept the defaults instead of asking
  --root DIR      treat DIR as the root directory (every path is resolved under it; for tests and images)
  --help, -h      this text

Every step is safe to repeat: a second run changes nothing and says so.
An existing PiVPN install is adopted: its peers, keys and settings are kept and \`pivpn\` keeps working.`,
      uninstall: `wg-chatops uninstall — remove what install added (service, unit, drop-ins, sysctl file, port mapping).

Usage: sudo wg-chatops uninstall [--dry-run] [--yes] [--purge] [--root DIR]
  --purge  also remove the WireGuard config, keys and client configs install created, the .env and the data
           (without it you are asked; --yes alone keeps them)`,
      doctor: `wg-chatops doctor — check the VPN setup and explain how to fix each problem.

Usage: wg-chatops doctor [--root DIR]
Exit code 1 when a check fails.`,
    },
    step: {
      serviceUser: "The bot's system user",
      appFiles: 'The program the service runs',
      verify: 'Checking that everything runs',
      preflight: 'Checking this machine',
      packages: 'WireGuard packages',
      serverConfig: 'Server keys and interface config',
      ipForwarding: 'IP forwarding',
      wgQuick: 'WireGuard service (wg-quick)',
      lanAddress: 'Fixed LAN address',
      portForward: 'Port forwarding on the router',
      ddns: 'Dynamic DNS and reachability',
      unattendedUpgrades: 'Automatic security updates',
      botEnv: 'Bot settings (.env)',
      botService: 'Bot service (systemd)',
      commandLink: 'The wg-chatops command on PATH',
      restore: 'Restoring the backup',
    },
    run: {
      planning: 'Looking at this system…',
      planTitle: 'The plan: what install would change',
      planSecrets: 'Tokens, passwords and keys are written but not shown.',
      applyQuestion: 'Apply this plan?',
      notApplied: 'Not applied: nothing was written or changed.',
      cancelled: 'Cancelled: nothing was written or changed.',
      interrupted: 'Interrupted while applying. Finished steps stay done; run install again to resume.',
      header: 'Setting up WireGuard and wg-chatops on {{os}} ({{arch}}).',
      dryRunHeader: 'Dry run on {{os}} ({{arch}}): nothing will be changed.',
      nothingToDo: 'nothing to do',
      wouldDo: 'would do:',
      done: 'done',
      file: 'write {{path}} (mode {{mode}})',
      command: 'run: {{command}}',
      secretContent: '(content not shown: it holds keys or tokens)',
      summary: 'Finished: {{changed}} of {{total}} steps made changes.',
      allDone: 'Everything was already in place: nothing changed.',
      dryRunSummary: 'Dry run finished: {{changed}} of {{total}} steps would make changes. Nothing was changed.',
      error: 'Stopped:',
      badInput: 'Invalid input in {{where}}: {{problem}}',
      nothingWritten: 'Nothing was written or changed.',
      failed: 'Install failed: {{message}}',
    },
    preflight: {
      notRoot: 'install must run as root: try "sudo wg-chatops install".',
      os: 'This is {{os}}; install supports Raspberry Pi OS and Debian ({{supported}}) only.',
      arch: 'The architecture {{arch}} is not supported ({{supported}}).',
      node: 'Node.js {{version}} is too old: wg-chatops needs {{min}} or newer. Debian bookworm (and Raspberry Pi OS bookworm) ships Node 18. Either install Node 20 from NodeSource: "curl -fsSL https://deb.nodesource.com/setup_20.x -o nodesource_setup.sh && sudo bash nodesource_setup.sh && sudo apt-get install -y nodejs" (check with "node --version"), or move to Raspberry Pi OS / Debian trixie, whose own nodejs package is Node 20. Then run install again. Nothing was changed.',
      port: 'UDP port {{port}} is already in use ({{user}}). Stop that program or choose another WG_PORT.',
    },
    wg: {
      subnetConflict: 'WG_SUBNET {{subnet}} overlaps {{network}}, a network this machine is on: choose another, or leave WG_SUBNET empty to pick a free one.',
    },
    lan: {
      noConnection: 'NetworkManager has no active connection on {{iface}}; set the address in NetworkManager yourself or reserve it on the router.',
    },
    ddns: {
      failed: 'The DDNS check with {{provider}} failed: {{answer}}. Fix the DDNS_ settings and run install again.',
    },
    note: {
      appFiles: 'copy the built program from {{from}} to {{to}} (the service never runs code from a home directory or a checkout)',
      appFilesDone: 'copied {{count}} entries to {{to}}',
      kernelModule: 'the kernel has WireGuard built in',
      wireguardGo: 'no WireGuard kernel module: using wireguard-go (userspace)',
      subnet: 'tunnel subnet {{subnet}} (free on this network), NAT out of {{lan}} with {{firewall}}',
      serverKey: 'server public key: {{publicKey}}',
      noLan: 'could not find the LAN interface (no default route)',
      reserveOnRouter: 'keep {{address}} ({{iface}}) fixed: reserve it for this Pi in the router’s DHCP settings',
      madeStatic: 'the address {{address}} becomes static ({{via}}); it takes effect at the next reconnect or reboot. Keep it out of the router’s DHCP pool.',
      tryUpnp: 'ask the router (UPnP or NAT-PMP) to forward UDP {{port}} to {{lan}}:{{port}}',
      mapped: 'the router now forwards UDP {{port}} to {{lan}} ({{method}})',
      noUpnp: 'the router did not accept an automatic port forward (UPnP and NAT-PMP off or missing)',
      routerSetting: 'on the router, forward protocol UDP, external port {{port}}, to {{lan}} port {{port}}',
      natCheck: 'compare the router’s WAN address with the public IP (carrier-grade NAT, double NAT)',
      ddnsCheck: 'one real update of {{hostname}} with {{provider}} to check the credentials',
      ddnsOk: '{{hostname}} updated to {{ip}}',
      nat: {
        cgnat:
          'the router’s WAN address {{wan}} is carrier-grade NAT (public IP {{publicIp}}): connections from outside cannot reach this Pi. Ask the provider for a public IPv4 address, or use IPv6.',
        'double-nat':
          'the router’s WAN address {{wan}} is private: there is a second router in front. Forward the port on both, or put the first in bridge mode.',
        'upstream-nat':
          'the router’s WAN address {{wan}} differs from the public IP {{publicIp}}: the provider NATs your connection; incoming connections may not work.',
      },
    },
    env: {
      newline: '{{name}} contains a line break, which a settings file cannot hold: nothing was written. Enter it again on one line.',
      nul: '{{name}} contains a NUL character: nothing was written.',
      quotes:
        '{{name}} contains both kinds of quote together with one of \\ ` $ or ", which systemd and the bot would read differently: nothing was written. Choose a value without one of them.',
    },
    restore: {
      from: 'the backup of {{host}} made {{date}} (wg-chatops {{version}}): {{count}} files',
    },
    verify: {
      wouldCheck: 'would check that the services run, the interface is up and the bot reached its chat platforms',
      unitDown: '{{unit}} is not active',
      interfaceDown: 'the WireGuard interface {{iface}} is not up on UDP port {{port}}',
      notReady: 'the bot has not said it is ready yet',
      platformMissing: 'the bot did not connect to {{platform}}',
      journalLine: 'journal: {{line}}',
      badTelegramToken: 'Telegram refused the token: check TELEGRAM_BOT_TOKEN (from @BotFather) and run install again.',
      badSlackToken: 'Slack refused the token: check SLACK_BOT_TOKEN and SLACK_APP_TOKEN and run install again.',
      howToFix:
        'Fix what the lines above say, then run `sudo wg-chatops install` again: finished steps are skipped. More: `journalctl -u wg-chatops -u wg-quick@{{iface}}`.',
      failed: 'what was installed does not run yet (see above). Nothing else is wrong with the steps done so far; run install again after the fix.',
    },
    ask: {
      yes: 'yes',
      no: 'no',
      staticIp: 'The Pi got {{address}} on {{iface}} from DHCP. Make it static now? (Otherwise reserve it on the router.)',
      TELEGRAM_BOT_TOKEN: 'Telegram bot token from @BotFather (empty: no Telegram):',
      TELEGRAM_ADMIN_IDS: 'Telegram user ids of the admins, comma-separated:',
      SLACK_BOT_TOKEN: 'Slack bot token xoxb-… (empty: no Slack):',
      SLACK_APP_TOKEN: 'Slack app-level token xapp-… (Socket Mode):',
      SLACK_ADMIN_IDS: 'Slack user ids of the admins (U…), comma-separated:',
      WG_ENDPOINT: 'The host name or public IP clients connect to (your DDNS name):',
      WG_PORT: 'UDP port for WireGuard:',
    },
    uninstall: {
      remove: 'remove {{path}}',
      unmap: 'remove the router’s forward of UDP {{port}}',
      askKeys: 'Also remove the WireGuard config, keys and client configs in {{dir}}, the .env and the bot’s data? This cannot be undone.',
      keptKeys: 'kept: {{dir}} (keys and configs) and {{env}}; "wg-chatops uninstall --purge" removes them',
      done: 'Uninstall finished.',
    },
  },
  doctor: {
    interface: {
      ok: 'WireGuard interface {{iface}} is up, listening on UDP {{port}}',
      down: 'WireGuard interface {{iface}} is not up',
      port: '{{iface}} listens on {{port}}, but WG_PORT is {{expected}}',
    },
    forwarding: { ok: 'IP forwarding is on', off: 'IP forwarding is off: clients reach the Pi but nothing beyond it' },
    drift: {
      ok: 'the config file, the database and the live interface agree',
      found: '{{count}} differences between the config file, the database and the interface: {{list}}',
    },
    nat: {
      ok: 'a NAT (masquerade) rule is in place',
      missing: 'no NAT (masquerade) rule found for {{iface}}: clients cannot reach the LAN or the Internet',
    },
    lan: {
      unknown: 'LAN address: unknown (no default route)',
      static: 'LAN address {{address}} is static',
      reserved: 'LAN address {{address}} comes from DHCP, reserved on the router (as you said during install)',
      dynamic: 'LAN address {{address}} comes from DHCP and may change: the router’s port forward would then point nowhere',
    },
    publicIp: {
      ok: 'public IP {{publicIp}}, reachable through the router',
      unknown: 'the public IP could not be found out',
      cgnat: 'carrier-grade NAT: the router’s WAN address {{wan}} is not your public IP {{publicIp}}',
      'double-nat': 'double NAT: the router’s WAN address {{wan}} is private',
      'upstream-nat': 'the router’s WAN address {{wan}} differs from the public IP {{publicIp}}',
    },
    dns: {
      none: 'no DNS name configured (clients use the IP address)',
      ok: '{{host}} resolves to {{resolved}}',
      unresolved: '{{host}} does not resolve',
      mismatch: '{{host}} resolves to {{resolved}}, not to the public IP {{publicIp}}',
    },
    upnp: {
      ok: 'the router forwards UDP {{port}} to {{lan}} (UPnP)',
      gone: 'the router no longer forwards UDP {{port}} to {{lan}}',
      unknown: 'could not ask the router about the UPnP forward of UDP {{port}}',
    },
    kernelAccess: {
      ok: 'kernel WireGuard: the bot (PID {{pid}}) holds CAP_NET_ADMIN and may change {{iface}}',
      missing:
        'kernel WireGuard: the bot (PID {{pid}}) lacks CAP_NET_ADMIN, so it cannot change {{iface}} (adding a peer fails with "Operation not permitted")',
      notRunning: 'kernel WireGuard: the bot is not running, so its capabilities could not be checked',
    },
    service: { ok: 'the wg-chatops service is running', down: 'the wg-chatops service is not running' },
    tokens: {
      ok: 'chat tokens set, {{admins}} admin(s)',
      none: 'no Telegram or Slack token: only the console chat works',
      noAdmins: 'no admins configured: nobody can approve or manage peers',
    },
    permissions: { ok: 'keys, configs and the database are private (0600)', loose: 'readable by others: {{files}}' },
    pivpn: {
      ok: 'PiVPN’s files are in step ({{count}} client(s))',
      problems: 'PiVPN’s files disagree: {{problems}}',
    },
    checkFailed: 'a check could not run: {{message}}',
    summary: { ok: 'No problems found.', failed: '{{count}} problem(s) found: see the fixes above.' },
    fix: {
      kernelAccess:
        'the unit must grant it: "systemctl show -p AmbientCapabilities wg-chatops" should say cap_net_admin; run "sudo wg-chatops install" to restore the unit, then "sudo systemctl restart wg-chatops"',
      drift:
        'the bot adopts hand edits (a block removed = revoked, #[disabled] = disabled, a block added = adopted) at its next command or start: restart it with sudo systemctl restart wg-chatops if this stays',
      interface: 'start it: sudo systemctl enable --now wg-quick@{{iface}}; if it fails, see: journalctl -u wg-quick@{{iface}}',
      interfacePort: 'make WG_PORT and ListenPort in the interface config the same, then restart the bot',
      forwarding: 'sudo sysctl -w net.ipv4.ip_forward=1, and keep it in /etc/sysctl.d (wg-chatops install does this)',
      nat: 'add PostUp/PostDown masquerade rules to the interface config (wg-chatops install writes them) and restart wg-quick@{{iface}}',
      lan: 'reserve {{address}} for this Pi in the router’s DHCP settings, or run wg-chatops install to make it static',
      publicIp: 'check the Pi’s Internet connection; PUBLIC_IP_SOURCES lists where the address is asked',
      cgnat: 'incoming connections cannot reach you: ask your provider for a public IPv4 address, or use IPv6',
      'double-nat': 'forward the port on both routers, or put the provider’s router in bridge mode',
      'upstream-nat': 'ask your provider whether incoming connections are possible on your line',
      dns: 'check the DDNS settings (/ddns in chat) and wait a few minutes for DNS caches',
      upnp: 'run wg-chatops install again to map the port, or forward UDP {{port}} to {{lan}} on the router by hand',
      service: 'sudo systemctl enable --now wg-chatops; logs: journalctl -u wg-chatops',
      tokens: 'set TELEGRAM_BOT_TOKEN or SLACK_BOT_TOKEN in the .env and restart the bot',
      admins: 'set TELEGRAM_ADMIN_IDS or SLACK_ADMIN_IDS in the .env and restart the bot',
      permissions: 'sudo chmod 600 {{files}}',
      pivpn:
        'compare /etc/wireguard/configs/clients.txt with the ### begin NAME ### blocks of the interface config and correct the odd one out (the bot trusts the interface config)',
    },
  },
  pivpn: {
    found: 'Found an existing PiVPN install with {{count}} client(s) in {{dir}}: adopting it (pivpn keeps working).',
  },
};
