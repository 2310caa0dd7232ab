import type { Attachment, Reply } from '../../src/core/reply.js';
import { bold, code, paragraph } from '../../src/core/reply.js';
import type { Translate } from '../../src/core/translate.js';

const encoder = new TextEncoder();

/**
 * The WireGuard apps take the tunnel name from the file name: at most 15 of [a-zA-Z0-9_=+.-].
 * Names imported from PiVPN may be longer or contain "@"; their files get a safe variant.
 */
export function tunnelFileBase(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9_=+.-]/g, '_').slice(0, 15);
  return safe === '' ? 'wg-chatops' : safe;
}

/**
 * The secret delivery of a client config: the QR (for a phone camera) and NAME.conf (the WireGuard
 * apps take the tunnel name from the file name). Always marked secret: private chat only.
 */
export function configDelivery(
  t: Translate,
  peer: { name: string; address: string },
  clientConfig: string,
  png: Uint8Array,
  opts: { secretTtlSeconds: number; keptForQr: boolean; liveWarning?: boolean },
): Reply {
  const minutes = Math.ceil(opts.secretTtlSeconds / 60);
  const expiry = opts.secretTtlSeconds > 0 ? t('delivery.deletedIn', { minutes }) : '';
  const attachments: Attachment[] = [
    {
      kind: 'image',
      name: `${tunnelFileBase(peer.name)}.png`,
      data: png,
      mimeType: 'image/png',
      qrText: clientConfig,
      caption: [t('delivery.qrCaption', { name: peer.name }), expiry].filter(Boolean).join(' '),
    },
    {
      kind: 'file',
      name: `${tunnelFileBase(peer.name)}.conf`,
      data: encoder.encode(clientConfig),
      mimeType: 'text/plain',
      caption: [t('delivery.fileCaption'), expiry].filter(Boolean).join(' '),
    },
  ];
  const blocks = [paragraph(t('delivery.ready', { name: peer.name }), ' ', code(peer.address))];
  if (!opts.keptForQr) blocks.push(paragraph(bold(t('delivery.shownOnce'))));
  if (opts.liveWarning) blocks.push(paragraph(t('peer.notLive')));
  return { blocks, attachments, secret: true };
}
