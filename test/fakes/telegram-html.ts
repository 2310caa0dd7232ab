/**
 * A strict reading of Telegram's HTML parse mode, as the fake Bot API applies it: only Telegram's tags,
 * properly nested, no stray "<", ">" or "&", no entity inside code/pre. Returns the visible text.
 */
const allowed = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'code', 'pre', 'a', 'tg-spoiler', 'blockquote', 'span', 'tg-emoji']);
const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export type HtmlParse = { ok: true; text: string } | { ok: false; error: string };

export function parseTelegramHtml(html: string): HtmlParse {
  const stack: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return { ok: false, error: `Can't parse entities: unclosed start tag at byte offset ${i}` };
      const raw = html.slice(i + 1, end);
      const closing = raw.startsWith('/');
      const name = (closing ? raw.slice(1) : raw).split(/\s/)[0]!.toLowerCase();
      if (!allowed.has(name)) return { ok: false, error: `Can't parse entities: unsupported start tag "${name}" at byte offset ${i}` };
      if (closing) {
        const open = stack.pop();
        if (open !== name) return { ok: false, error: `Can't parse entities: unmatched end tag at byte offset ${i}, expected "</${open ?? ''}>"` };
      } else {
        if (stack.includes('code') || stack.includes('pre')) {
          if (!(name === 'code' && stack[stack.length - 1] === 'pre'))
            return { ok: false, error: `Can't parse entities: entity inside code at byte offset ${i}` };
        }
        stack.push(name);
      }
      i = end + 1;
    } else if (c === '&') {
      const m = /^&(#\d+|#x[0-9a-f]+|[a-z]+);/i.exec(html.slice(i, i + 12));
      if (!m) return { ok: false, error: `Can't parse entities: character "&" is reserved at byte offset ${i}` };
      const ent = m[1]!;
      if (ent.startsWith('#')) text += String.fromCodePoint(ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : Number(ent.slice(1)));
      else if (named[ent] !== undefined) text += named[ent];
      else return { ok: false, error: `Can't parse entities: unknown entity "&${ent};"` };
      i += m[0].length;
    } else if (c === '>') {
      return { ok: false, error: `Can't parse entities: character ">" is reserved at byte offset ${i}` };
    } else {
      text += c;
      i++;
    }
  }
  if (stack.length > 0) return { ok: false, error: `Can't parse entities: can't find end tag corresponding to start tag "${stack[stack.length - 1]}"` };
  return { ok: true, text };
}
