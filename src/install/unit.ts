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
  appDir: '/usr/lib/wg-chatops',
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
# glibc's malloc: two arenas, and fixed trim/mmap thresholds (no dynamic growth after a large free), so memory
# freed under sustained load goes back to the system (README, Benchmarks: a 20 MiB step that stayed otherwise).
Environment=MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072 MALLOC_MMAP_THRESHOLD_=131072
# node on the built entry point directly: an npm wrapper would cost as much memory as the bot. A 256 MiB old space (the
# live heap is ~21 MiB at 10,000 peers): with a larger limit V8 lets garbage grow the heap to 3x live. Compaction at
# every full collection: otherwise the heap grows for minutes under load while the live data stays flat (README, Benchmarks).
ExecStart=${o.nodePath} --max-semi-space-size=1 --max-old-space-size=256 --compact-on-every-full-gc ${o.appDir}/bin/wg-chatops.js
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
 * Drop-in for wg-quick@IFACE when only wireguard-go exists. Its control socket stays root's 0700 as
 * wireguard-go made it: changing its owner or mode makes wireguard-go shut the interface down (it takes an
 * attribute change for removal), so the bot reaches it through the proxy below instead.
 */
export function renderWireguardGoDropIn(): string {
  return `# Written by \`wg-chatops install\`: userspace WireGuard (no kernel module).
[Service]
Environment=WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go
Environment=WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1
`;
}

/** Where the bot reaches a wireguard-go interface's control socket (WG_UAPI_DIR). */
export const UAPI_PROXY_DIR = '/run/wg-chatops';

/**
 * A socket owned by root and the bot's group (0660) in UAPI_PROXY_DIR; systemd-socket-proxyd, run as root,
 * passes each connection on to wireguard-go's own socket. Debian's systemd ships the proxy, so nothing is
 * written by hand; the trust given is exactly control of that interface, as CAP_NET_ADMIN gives with the kernel module.
 */
export function renderUapiSocket(group: string): string {
  return `# Written by \`wg-chatops install\`: lets the bot's group reach wireguard-go's root-only control socket for %i.
[Unit]
Description=wg-chatops: control socket proxy for WireGuard interface %i
PartOf=wg-quick@%i.service

[Socket]
ListenStream=${UAPI_PROXY_DIR}/%i.sock
SocketUser=root
SocketGroup=${group}
SocketMode=0660
DirectoryMode=0755
RemoveOnStop=yes

[Install]
WantedBy=sockets.target
`;
}

export function renderUapiService(): string {
  return `# Written by \`wg-chatops install\`: passes the bot's control-socket connections on to wireguard-go.
[Unit]
Description=wg-chatops: control socket proxy for WireGuard interface %i
Requires=wg-chatops-uapi@%i.socket
After=wg-chatops-uapi@%i.socket wg-quick@%i.service

[Service]
ExecStart=/usr/lib/systemd/systemd-socket-proxyd --exit-idle-time=300 /run/wireguard/%i.sock
PrivateTmp=yes
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
CapabilityBoundingSet=CAP_DAC_OVERRIDE
RestrictAddressFamilies=AF_UNIX
`;
}
