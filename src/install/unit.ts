/**
 * The bot's systemd unit. deploy/wg-chatops.service is this text with the defaults (a test keeps them
 * identical and runs systemd-analyze verify on it).
 */
export interface UnitOptions {
  user: string;
  nodePath: string;
  appDir: string;
  envFile: string;
  configDir: string;
  dataDir: string;
  /** WG_INTERFACE: the bot starts after its wg-quick service. */
  iface: string;
}

export const DEFAULT_UNIT_OPTIONS: UnitOptions = {
  user: 'wg-chatops',
  nodePath: '/usr/bin/node',
  appDir: '/opt/wg-chatops',
  envFile: '/etc/wg-chatops/.env',
  configDir: '/etc/wireguard',
  dataDir: '/var/lib/wg-chatops',
  iface: 'wg0',
};

export function renderUnit(o: UnitOptions): string {
  return `# wg-chatops: the chat bot that runs this WireGuard server. Written by \`wg-chatops install\`.
# Runs as its own user with CAP_NET_ADMIN only (enough for \`wg set\`); writes only WG_CONFIG_DIR and DATA_DIR.
[Unit]
Description=wg-chatops (WireGuard from Telegram/Slack)
Documentation=file://${o.appDir}/deploy/README.md
After=network-online.target wg-quick@${o.iface}.service
Wants=network-online.target

[Service]
Type=simple
User=${o.user}
Group=${o.user}
EnvironmentFile=${o.envFile}
Environment=NODE_ENV=production
# node on the built entry point directly: an npm wrapper would cost as much memory as the bot.
ExecStart=${o.nodePath} ${o.appDir}/bin/wg-chatops.js
WorkingDirectory=${o.dataDir}
Restart=on-failure
RestartSec=5s
StandardOutput=journal
StandardError=journal
SyslogIdentifier=wg-chatops

AmbientCapabilities=CAP_NET_ADMIN
CapabilityBoundingSet=CAP_NET_ADMIN
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
SystemCallArchitectures=native
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
UMask=0077
ReadWritePaths=${o.configDir} ${o.dataDir}

[Install]
WantedBy=multi-user.target
`;
}

/**
 * Drop-in when PiVPN's copies in $install_home/configs are kept in step: the home directory stays
 * hidden except that one directory, reachable through the install user's group (no CAP_CHOWN needed).
 */
export function renderPivpnDropIn(installUser: string, installHome: string): string {
  return `# Written by \`wg-chatops install\`: PiVPN adopted; keep ${installHome}/configs in step.
[Service]
SupplementaryGroups=${installUser}
ProtectHome=tmpfs
BindPaths=${installHome}/configs
`;
}

/**
 * Drop-in for wg-quick@IFACE when only wireguard-go exists: its control socket is root's, so after
 * start it is handed to the bot's group (the bot itself stays unprivileged).
 */
export function renderWireguardGoDropIn(group: string): string {
  return `# Written by \`wg-chatops install\`: userspace WireGuard; let the bot's group use the control socket.
[Service]
Environment=WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go
Environment=WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1
ExecStartPost=/bin/chgrp ${group} /run/wireguard/%i.sock
ExecStartPost=/bin/chmod 0660 /run/wireguard/%i.sock
`;
}
