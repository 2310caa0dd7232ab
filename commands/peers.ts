import { defineCommand } from '../src/core/command.js';
import { optional, pageNumber } from '../src/core/args.js';
import type { PeerWithLive } from '../src/core/peer-service.js';
import { bold, code, list, paragraph, type Button, type Reply, type Span } from '../src/core/reply.js';
import type { Translate } from '../src/core/translate.js';
import { ADMINS_OWNER } from '../src/core/peer.js';
import { endNote } from './support/ends.js';
import { formatAge, formatBytes, ONLINE_WINDOW_SECONDS } from './support/format.js';
import { quotaText } from './support/quota-use.js';

/** Small enough for one Telegram message (4,096 characters) and a phone screen. */
export const PEERS_PER_PAGE = 20;

export const peersCommand = defineCommand({
  name: 'peers',
  summaryKey: 'commands.peers',
  access: 'user',
  args: [optional('page', pageNumber)],
  async run(ctx, args) {
    const page = args.page ?? 1;
    const { peers: all, iface } = await ctx.services.peers.listWithLive();
    const peers = ctx.actor.role === 'admin' ? all : all.filter((p) => p.meta?.owner === ctx.actor.key);
    if (peers.length === 0) return { blocks: [paragraph(ctx.t('peers.none'))] };

    const pages = Math.ceil(peers.length / PEERS_PER_PAGE);
    const current = Math.min(page, pages);
    const slice = peers.slice((current - 1) * PEERS_PER_PAGE, current * PEERS_PER_PAGE);
    const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
    const online = peers.filter((p) => isOnline(p, nowSeconds)).length;

    const reply: Reply = {
      blocks: [
        paragraph(bold(ctx.t('peers.title', { count: peers.length, online })), pages > 1 ? ` ${ctx.t('peers.page', { page: current, pages })}` : ''),
        list(
          slice.map((p) => [
            ...peerLine(ctx.t, p, nowSeconds, ctx.services.users.displayName.bind(ctx.services.users), ctx.services.peers.timeZone),
            { text: quotaText(ctx.t, ctx.services.traffic, p.entry.publicKey, ctx.now()) },
          ]),
        ),
      ],
    };
    if (!iface && !ctx.services.peers.offline) reply.blocks.push(paragraph(ctx.t('status.interfaceDown', { name: ctx.services.peers.interfaceName ?? '' })));
    const buttons: Button[] = [];
    if (current > 1) buttons.push({ label: ctx.t('buttons.previous'), action: `/peers ${current - 1}` });
    if (current < pages) buttons.push({ label: ctx.t('buttons.next'), action: `/peers ${current + 1}` });
    if (buttons.length > 0) reply.buttons = buttons;
    return reply;
  },
});

function isOnline(p: PeerWithLive, nowSeconds: number): boolean {
  return !!p.live && p.live.latestHandshake > 0 && nowSeconds - p.live.latestHandshake <= ONLINE_WINDOW_SECONDS;
}

function peerLine(t: Translate, p: PeerWithLive, nowSeconds: number, nameOf: (key: string) => string, timeZone: string): Span[] {
  const address = p.entry.allowedIps[0]?.replace(/\/32$/, '') ?? '';
  const spans: Span[] = [bold(p.entry.name), { text: ' ' }, code(address)];
  const end = endNote(t, p, timeZone);
  if (!p.entry.enabled) {
    spans.push({ text: ` — ${end ?? t('peers.disabled')}` });
    return spans;
  }
  spans.push({ text: ` — ${isOnline(p, nowSeconds) ? t('peers.online') : t('peers.offline')}` });
  const hs = p.live?.latestHandshake ?? 0;
  spans.push({ text: `, ${hs > 0 ? t('peers.handshake', { age: formatAge(nowSeconds - hs) }) : t('peers.never')}` });
  if (p.live && (p.live.rxBytes > 0 || p.live.txBytes > 0)) spans.push({ text: `, ↓${formatBytes(p.live.txBytes)} ↑${formatBytes(p.live.rxBytes)}` });
  const owner = !p.meta || p.meta.owner === ADMINS_OWNER ? t('peers.ownerAdmins') : nameOf(p.meta.owner);
  spans.push({ text: `, ${t('peers.owner', { owner })}` });
  if (end) spans.push({ text: `, ${end}` });
  return spans;
}
