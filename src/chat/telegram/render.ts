/**
 * Reply model → Telegram HTML (parse_mode "HTML"). Pure: no grammY values, only its types.
 * Long replies are split into self-contained chunks under Telegram's 4,096-character limit, at block
 * or line boundaries where possible, and never inside a tag or an entity.
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Block, Button, Span } from '../../core/reply.js';

export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;
/** Telegram's callback_data limit, in UTF-8 bytes. */
export const CALLBACK_DATA_LIMIT = 64;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** One span as HTML. `code` wins over `bold`: Telegram lets no entity live inside code. */
export function renderSpan(span: Span): string {
  const text = escapeHtml(span.text);
  if (span.code) return `<code>${text}</code>`;
  if (span.bold) return `<b>${text}</b>`;
  return text;
}

interface Line {
  /** Lines of a code block share one <pre> per chunk. */
  pre: boolean;
  spans: Span[];
  /** What joins this line to the previous one in the same chunk. */
  sep: string;
}

const PRE_OVERHEAD = '<pre></pre>'.length;

function toLines(blocks: Block[]): Line[] {
  const lines: Line[] = [];
  blocks.forEach((block, b) => {
    const first = b === 0 ? '' : '\n\n';
    const spanLines: Span[][] =
      block.type === 'paragraph'
        ? splitSpansAtNewlines(block.spans)
        : block.type === 'list'
          ? block.items.flatMap((item) => splitSpansAtNewlines([{ text: '• ' }, ...item]))
          : block.text.split('\n').map((text) => [{ text }]);
    spanLines.forEach((spans, i) => lines.push({ pre: block.type === 'code', spans, sep: i === 0 ? first : '\n' }));
  });
  return lines;
}

function splitSpansAtNewlines(spans: Span[]): Span[][] {
  const out: Span[][] = [[]];
  for (const span of spans) {
    span.text.split('\n').forEach((part, i) => {
      if (i > 0) out.push([]);
      if (part !== '') out[out.length - 1]!.push({ ...span, text: part });
    });
  }
  return out;
}

const renderLine = (line: Line): string => line.spans.map(renderSpan).join('');

function renderChunk(lines: { line: Line; html: string }[]): string {
  let out = '';
  let inPre = false;
  lines.forEach(({ line, html }, i) => {
    if (inPre && !line.pre) out += '</pre>';
    out += i === 0 ? '' : line.sep;
    if (!inPre && line.pre) out += '<pre>';
    inPre = line.pre;
    out += html;
  });
  return inPre ? `${out}</pre>` : out;
}

/**
 * Render blocks as one or more HTML messages, each at most `limit` characters (UTF-16 units, which
 * bounds what Telegram counts after parsing the tags).
 */
export function renderChunks(blocks: Block[], limit: number = MESSAGE_LIMIT): string[] {
  const chunks: string[] = [];
  let current: { line: Line; html: string }[] = [];
  let length = 0;
  const flush = () => {
    const html = renderChunk(current);
    if (html.trim() !== '') chunks.push(html);
    current = [];
    length = 0;
  };
  for (const whole of toLines(blocks)) {
    // A line too long for any message is cut into pieces, each with its own tags.
    const budget = limit - (whole.pre ? PRE_OVERHEAD : 0);
    const pieces = splitLongLine(whole, budget);
    for (const line of pieces) {
      const html = renderLine(line);
      const prev = current[current.length - 1];
      const cost = html.length + (current.length === 0 ? 0 : line.sep.length) + (line.pre && !prev?.line.pre ? PRE_OVERHEAD : 0);
      if (current.length > 0 && length + cost > limit) flush();
      const fresh = html.length + (line.pre ? PRE_OVERHEAD : 0);
      current.push({ line, html });
      length += current.length === 1 ? fresh : cost;
    }
  }
  if (current.length > 0) flush();
  return chunks;
}

/** Cut a line whose HTML exceeds `budget` into lines that fit, splitting between code points. */
function splitLongLine(line: Line, budget: number): Line[] {
  if (renderLine(line).length <= budget) return [line];
  const out: Line[] = [];
  let spans: Span[] = [];
  let used = 0;
  const push = () => {
    out.push({ pre: line.pre, spans, sep: out.length === 0 ? line.sep : '\n' });
    spans = [];
    used = 0;
  };
  for (const span of line.spans) {
    const overhead = renderSpan({ ...span, text: '' }).length;
    let text = '';
    for (const ch of span.text) {
      const cost = escapeHtml(ch).length + (text === '' ? overhead : 0);
      if (used + cost > budget && (text !== '' || spans.length > 0)) {
        if (text !== '') spans.push({ ...span, text });
        text = '';
        push();
        used = overhead;
      } else if (text === '') used += overhead;
      text += ch;
      used += escapeHtml(ch).length;
    }
    if (text !== '') spans.push({ ...span, text });
  }
  if (spans.length > 0) push();
  return out;
}

/** Plain text cut to `limit` UTF-16 units without splitting a surrogate pair (captions are sent without parse_mode). */
export function truncatePlain(text: string, limit: number = CAPTION_LIMIT): string {
  if (text.length <= limit) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > limit - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export function callbackDataFits(action: string): boolean {
  return Buffer.byteLength(action, 'utf8') <= CALLBACK_DATA_LIMIT;
}

/**
 * Buttons as an inline keyboard, three to a row. A button whose action does not fit in callback data
 * is left out (reported through `dropped`) rather than sent truncated: truncated data would run another command.
 */
export function inlineKeyboard(buttons: readonly Button[] | undefined, dropped?: (action: string) => void): InlineKeyboardMarkup | undefined {
  const fitting: InlineKeyboardButton[] = [];
  for (const b of buttons ?? []) {
    if (callbackDataFits(b.action)) fitting.push({ text: truncatePlain(b.label, 64), callback_data: b.action });
    else dropped?.(b.action);
  }
  if (fitting.length === 0) return undefined;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < fitting.length; i += 3) rows.push(fitting.slice(i, i + 3));
  return { inline_keyboard: rows };
}
