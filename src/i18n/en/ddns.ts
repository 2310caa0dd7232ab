/** English: public IP watch, dynamic DNS and their alerts (/ip, /ddns). */
export const ddns = {
  ip: {
    summary: 'the server’s public IP address and DNS name',
    off: 'The public IP watch is off. To turn it on, remove PUBLIC_IP_SOURCES=none from the configuration (or list your own sources) and restart the bot.',
    title: 'Public address',
    ipv4: 'IPv4: {{address}} (since {{since}})',
    ipv6: 'IPv6: {{address}} (since {{since}})',
    unknown4: 'IPv4: not known yet',
    sources: 'Sources that agreed: {{sources}}',
    problem: 'The last check could not settle on an address: {{detail}}',
    checkedAt: 'Checked {{time}}.',
    hostname: '{{hostname}} resolves to {{resolved}}',
    hostnameMismatch: '{{hostname}} resolves to {{resolved}}, not to the public IPv4 address.',
    hostnameNone: '{{hostname}} does not resolve right now.',
    noHostname: 'No DNS name is set (DDNS_HOSTNAME or WG_ENDPOINT): client configs contain the IP address itself, so they break when it changes.',
    statusLine: 'Public IP: {{address}}',
    statusUnknown: 'Public IP: not known yet',
  },
  ddns: {
    summary: 'dynamic DNS status (admins: /ddns update forces an update)',
    off: 'The public IP watch is off, so dynamic DNS is off too. Remove PUBLIC_IP_SOURCES=none and restart the bot.',
    noProvider:
      'No dynamic DNS provider is set. Set DDNS_PROVIDER (noip, duckdns, cloudflare or dyndns2), DDNS_HOSTNAME and its credentials, then restart the bot.',
    title: 'Dynamic DNS',
    provider: 'Provider: {{provider}}, host name: {{hostname}}',
    lastUpdate: 'Last update: {{time}}, answer: {{answer}}',
    never: 'No update sent yet.',
    blocked:
      'Updates are stopped until the configuration is fixed (the provider answered “{{answer}}”). After fixing it, restart the bot, or run /ddns update.',
    retryAt: 'Waiting before the next try: not before {{time}}.',
    nextCheck: 'Next check: {{time}}',
    confirmBy: 'Free No-IP host name: confirm it at noip.com by {{date}}. After confirming, send /ddns confirmed.',
    statusBlocked: 'Dynamic DNS is stopped: the provider answered “{{answer}}”. See /ddns.',
    forced: {
      good: 'Updated. The provider answered: {{answer}}',
      nochg: 'The record already had this address. The provider answered: {{answer}}',
      fatal: 'The update failed: {{answer}}. Updates stay stopped until the configuration is fixed.',
      retry: 'The update failed for now: {{answer}}. I will try again after {{time}}.',
      wait: 'The provider asked to wait: the next update is allowed after {{time}}.',
      'no-address': 'I do not know the public address yet. Try /ip first.',
      'no-provider': 'No dynamic DNS provider is set (DDNS_PROVIDER).',
    },
    confirmed: 'Noted. I will remind you again before the next 30 days are over.',
    notNoip: 'Only free No-IP host names need confirming.',
  },
  ipv6Advice: {
    status: {
      cgnat:
        'IPv4 cannot be reached from the Internet here: your provider shares one IPv4 address among many customers (carrier-grade NAT). But this Pi has a global IPv6 address ({{ipv6}}).',
      upstream:
        'IPv4 cannot be reached from the Internet here: the router’s WAN address is not your public IPv4 address. But this Pi has a global IPv6 address ({{ipv6}}).',
    },
    useHostname:
      'Use IPv6: phones and laptops on IPv6 networks (most mobile networks, many home connections) connect through {{endpoint}} as they are, with the same port. The AAAA record of that name is kept current (DDNS_IPV6).',
    turnOnAaaa:
      'Use IPv6: set DDNS_IPV6=on so the AAAA record of {{endpoint}} is kept current; then phones and laptops on IPv6 networks connect through that name as they are, with the same port.',
    noHostname:
      'Use IPv6: clients on IPv6 networks can connect to {{endpoint}} with the same port. That address changes when your provider changes the prefix, so set up DDNS (DDNS_PROVIDER, DDNS_HOSTNAME) and keep DDNS_IPV6 on: the AAAA record then follows it.',
  },
  alert: {
    ipChanged: 'The public IPv{{family}} address changed: {{old}} → {{new}}.',
    oldEndpoint:
      'Client configs that use {{old}} as their endpoint can no longer connect. Set up dynamic DNS (DDNS_PROVIDER and DDNS_HOSTNAME) so configs use a name that follows the address, or send people new configs.',
    ddnsGood: 'Dynamic DNS updated: {{hostname}} → {{address}} ({{provider}} answered “{{answer}}”).',
    ddnsFatal:
      'Dynamic DNS update for {{hostname}} failed: {{provider}} answered “{{answer}}”. {{fix}} I send no more updates until the configuration changes (or an admin sends /ddns update).',
    ddnsRetry: 'Dynamic DNS update for {{hostname}} failed for now: {{provider}} answered “{{answer}}”. I will try again after {{time}}.',
    fix: {
      badauth:
        'The user name or password was refused: check DDNS_USERNAME and DDNS_PASSWORD (for No-IP: your account email or DDNS key user, and its password).',
      nohost: 'The host name does not exist in this account: check DDNS_HOSTNAME, and that a free No-IP host name has not expired.',
      badagent: 'The provider refused this client. Please report it to the wg-chatops maintainers.',
      '!donator': 'The update asked for a feature this account does not have.',
      abuse: 'The provider blocked this host name for abuse. Contact the provider’s support.',
      notfqdn: 'DDNS_HOSTNAME must be a full host name, such as myhome.example.net.',
      numhost: 'Too many host names in one update: set a single DDNS_HOSTNAME.',
      dnserr: 'The provider’s DNS failed; contact the provider if this persists.',
      ko: 'DuckDNS refused the update: check DDNS_TOKEN and DDNS_HOSTNAME (your sub-domain on duckdns.org).',
      'cf-auth': 'Cloudflare refused the token: DDNS_TOKEN needs Zone:DNS:Edit permission for the zone.',
      'cf-no-zone': 'Cloudflare has no zone for this host name: check DDNS_HOSTNAME, or set DDNS_ZONE.',
      'cf-request': 'Cloudflare refused the request: check DDNS_HOSTNAME, DDNS_ZONE and DDNS_RECORD_ID.',
      other: 'Check the dynamic DNS settings (DDNS_…).',
    },
    dnsPending: '{{hostname}} does not resolve to {{address}} yet (DNS answers {{resolved}}). DNS caches can take a few minutes; I will tell you when it does.',
    dnsResolved: '{{hostname}} now resolves to {{address}}.',
    dnsChanged:
      'The DNS answer for {{hostname}} changed to {{resolved}}, while the public IP is still {{address}}. Someone else updated the record (another updater, or a manual edit).',
    dnsMismatch: '{{hostname}} resolves to {{resolved}}, but the public IP is {{address}}: clients using that name cannot reach this server.',
    nat: {
      cgnat:
        'Your router’s WAN address is {{wan}}, a carrier-grade NAT address (100.64.0.0/10): your provider shares one public IPv4 address ({{address}}) among many customers, so port forwarding cannot work.',
      'double-nat':
        'Your router’s WAN address is {{wan}}, a private address: there is another router in front of it (double NAT), so forwarding a port on this router alone cannot work.',
      'upstream-nat':
        'Your router’s WAN address is {{wan}}, but the Internet sees {{address}}: there is NAT upstream, so port forwarding on your router cannot work.',
      options:
        'Options: ask your provider for a public IPv4 address (sometimes a small fee), connect over IPv6 if your provider offers it, put the other router in bridge mode or forward the port there too (double NAT), or use a relay such as a small cloud server.',
      ipv6Endpoint:
        'IPv6 does reach this Pi ({{ipv6}}): clients on IPv6 networks (most mobile networks, many home connections) can connect through {{endpoint}} as they are; the AAAA record is kept current.',
    },
    noipConfirm:
      'The free No-IP host name {{hostname}} must be confirmed by {{date}}, or No-IP deletes it (updates do not count). Log in at noip.com and confirm it, then send /ddns confirmed.',
  },
};
