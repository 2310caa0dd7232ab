/**
 * The reply model: what a command answers, independent of any chat platform.
 * Adapters render it with their own markup and escaping; nothing here is pre-escaped.
 */
export interface Span {
  text: string;
  bold?: boolean;
  code?: boolean;
}

export type Block = { type: 'paragraph'; spans: Span[] } | { type: 'list'; items: Span[][] } | { type: 'code'; text: string };

export interface Attachment {
  kind: 'image' | 'file';
  /** File name offered to the user, e.g. "laptop.conf" or "laptop.png". */
  name: string;
  data: Uint8Array;
  mimeType: string;
  /** Short plain caption (kept under every platform's caption limit by the command). */
  caption?: string;
  /** For a QR image: the text it encodes, so a text-only adapter (the console) can draw it as characters. */
  qrText?: string;
}

export interface Button {
  label: string;
  /** A command line run as the person who presses the button, e.g. "/approve k3x9". Never trusted by itself:
   * the command re-checks who pressed and looks everything up in the bot's own records. */
  action: string;
  style?: 'primary' | 'danger';
}

export interface Reply {
  blocks: Block[];
  attachments?: Attachment[];
  buttons?: Button[];
  /** Contains a private key, a config or a QR: deliver only to the requester's private chat, never a group. */
  secret?: boolean;
}

export const paragraph = (...spans: (Span | string)[]): Block => ({
  type: 'paragraph',
  spans: spans.map((s) => (typeof s === 'string' ? { text: s } : s)),
});
export const bold = (text: string): Span => ({ text, bold: true });
export const code = (text: string): Span => ({ text, code: true });
export const list = (items: (Span | string)[][]): Block => ({
  type: 'list',
  items: items.map((item) => item.map((s) => (typeof s === 'string' ? { text: s } : s))),
});
export const codeBlock = (text: string): Block => ({ type: 'code', text });

/** A reply made of one plain paragraph. */
export const textReply = (text: string): Reply => ({ blocks: [paragraph(text)] });

/** Plain-text rendering, for logs, the console and tests. */
export function replyToPlainText(reply: Reply): string {
  const out: string[] = [];
  for (const block of reply.blocks) {
    if (block.type === 'paragraph') out.push(block.spans.map((s) => s.text).join(''));
    else if (block.type === 'list') out.push(block.items.map((i) => `- ${i.map((s) => s.text).join('')}`).join('\n'));
    else out.push(block.text);
  }
  return out.join('\n\n');
}
