import { replyToPlainText, type Reply } from '../../core/reply.js';

/**
 * Console rendering: plain text; a QR image as terminal characters; a file as a line with its name
 * (a `#` comment, harmless if copied along) followed by its content verbatim and unindented,
 * then a closing `# end of file` comment line.
 */
export async function renderForConsole(reply: Reply, drawQr: (text: string) => Promise<string>): Promise<string> {
  const parts: string[] = [];
  const text = replyToPlainText(reply);
  if (text) parts.push(text);
  for (const a of reply.attachments ?? []) {
    if (a.kind === 'image') {
      if (a.qrText) parts.push(await drawQr(a.qrText));
      else parts.push(`# image: ${a.name} (${a.data.length} bytes of ${a.mimeType}; a terminal cannot show it)`);
      if (a.caption) parts.push(a.caption);
    } else {
      const content = Buffer.from(a.data).toString('utf8');
      parts.push(`# file: ${a.name}\n${content.endsWith('\n') ? content : `${content}\n`}# end of file: ${a.name}`);
      if (a.caption) parts.push(a.caption);
    }
  }
  for (const b of reply.buttons ?? []) parts.push(`[${b.label}] ${b.action}`);
  return `${parts.join('\n\n')}\n`;
}
