/** English: peer lifecycle (when a peer's access ends, reminders, expiry notices). */
export const lifecycle = {
  duration: {
    unknown: '{{item}} is not an end I understand. Use a duration such as 30s, 10m, 12h, 7d or 2w, a date such as 2026-12-31, or never. Nothing was changed.',
    noUnit: '{{item}} needs a unit: s (seconds), m (minutes), h (hours), d (days) or w (weeks), e.g. 7d. Nothing was changed.',
    unit: '{{item}}: "{{unit}}" is not a unit I know. Use s, m, h, d or w (e.g. 12h, 7d, 2w). Nothing was changed.',
    whole: '{{item}}: use a whole number, e.g. 90m instead of 1.5h. Nothing was changed.',
    notPositive: '{{item}}: the time must be more than zero. Nothing was changed.',
    tooLong: '{{item}} is too far away: at most {{max}} days. For no end at all, say never. Nothing was changed.',
    past: '{{item}} is already over. Give a date from today on, or a duration such as 7d. Nothing was changed.',
    badDate: '{{item}} is not a date in the calendar (year-month-day, e.g. 2026-12-31). Nothing was changed.',
  },
  expiry: {
    set: 'Peer {{name}} now ends on {{end}}.',
    setEnabled: 'Peer {{name}} is switched on again and now ends on {{end}}.',
    cleared: 'Peer {{name}} no longer has an end.',
    clearedEnabled: 'Peer {{name}} is switched on again and no longer has an end.',
    endsOn: 'Ends on {{end}}.',
    adminOnly: 'Only admins give a peer an end. Send /addpeer NAME; an admin can set one with /expire after approving. Nothing was sent.',
    enableExpired: 'Peer {{name}} ended on {{end}}. Give it a new end first, e.g. /expire {{name}} 7d (or never): that also switches it back on.',
    expiredOwner: 'Your VPN peer {{name}} reached its end ({{end}}) and is switched off. It is not deleted: ask an admin if you need it longer.',
    expiredAdmins: 'Peer {{name}} (owner {{owner}}) reached its end ({{end}}) and is switched off. /expire {{name}} 7d brings it back.',
    reminder: 'Your VPN peer {{name}} ends on {{end}} (in {{left}}). Ask an admin if you need it longer.',
  },
};
