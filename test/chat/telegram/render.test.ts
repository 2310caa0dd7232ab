import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAPTION_LIMIT, escapeHtml, inlineKeyboard, MESSAGE_LIMIT, renderChunks, truncatePlain } from '../../../src/chat/telegram/render.js';
import { bold, code, codeBlock, list, paragraph, type Block, type Span } from '../../../src/core/reply.js';
import { textAsCaption } from '../../../src/chat/telegram/sender.js';
import { parseTelegramHtml } from '../../fakes/telegram-html.js';

const visible = (html: string): string => {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`${parsed.error}\n${html.slice(0, 300)}`);
  return parsed.text;
};
const squash = (s: string) => s.replace(/\s+/g, '');

// Text rich in what HTML escaping and splitting get wrong: markup characters, entities, emoji (surrogate pairs), newlines.
const nasty = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', '<', '>', '&', '&amp;', '"', '\n', '日', '🔑', '/', '</b>', '–'),
  maxLength: 400,
});
const span: fc.Arbitrary<Span> = fc.record({ text: nasty, bold: fc.boolean(), code: fc.boolean() });
const block: fc.Arbitrary<Block> = fc.oneof(
  fc.array(span, { maxLength: 6 }).map((spans) => ({ type: 'paragraph' as const, spans })),
  fc.array(fc.array(span, { maxLength: 4 }), { maxLength: 30 }).map((items) => ({ type: 'list' as const, items })),
  nasty.map((text) => ({ type: 'code' as const, text })),
);

describe('renderChunks', () => {
  it('escapes markup characters and renders spans as Telegram tags', () => {
    const [html] = renderChunks([paragraph('a <b> & c ', bold('x>y'), ' ', code('wg0 & <1>')), list([['one'], [bold('two')]]), codeBlock('k = <v>')]);
    expect(html).toBe('a &lt;b&gt; &amp; c <b>x&gt;y</b> <code>wg0 &amp; &lt;1&gt;</code>\n\n• one\n• <b>two</b>\n\n<pre>k = &lt;v&gt;</pre>');
    expect(visible(html!)).toBe('a <b> & c x>y wg0 & <1>\n\n• one\n• two\n\nk = <v>');
  });

  it('never breaks a tag or entity, always stays under the limit, and loses no text', () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 12 }), fc.integer({ min: 40, max: 600 }), (blocks, limit) => {
        const chunks = renderChunks(blocks, limit);
        const whole = renderChunks(blocks, Number.MAX_SAFE_INTEGER).join('');
        for (const chunk of chunks) {
          expect(chunk.length).toBeLessThanOrEqual(limit);
          expect(chunk.trim()).not.toBe('');
          visible(chunk); // throws on a broken tag or entity
          expect(chunk).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        }
        expect(squash(chunks.map(visible).join(''))).toBe(squash(whole === '' ? '' : visible(whole)));
      }),
      { numRuns: 400 },
    );
  });

  it('splits a 1,000-line list into messages under 4,096 characters at line boundaries', () => {
    const items = Array.from({ length: 1000 }, (_, i) => [bold(`peer-${i}`), ' ', code(`10.66.${i >> 8}.${i & 255}`), ' — offline <never>']);
    const chunks = renderChunks([paragraph(bold('Peers: 1000')), list(items)]);
    expect(chunks.length).toBeGreaterThan(1);
    const lines = chunks.flatMap((c) => visible(c).split('\n')).filter((l) => l.startsWith('•'));
    expect(lines).toHaveLength(1000);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });
});

describe('captions and buttons', () => {
  it('cuts captions under 1,024 without splitting an emoji', () => {
    const cut = truncatePlain('🔑'.repeat(700));
    expect(cut.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(cut.endsWith('…')).toBe(true);
    expect(truncatePlain('short')).toBe('short');
  });

  it('puts a short text under the last attachment (its own caption after it), within the caption limit, else not at all', () => {
    const file = { kind: 'file' as const, name: 'a.conf', data: new Uint8Array(1), mimeType: 'text/plain' };
    const reply = (text: string) => ({ blocks: [paragraph(bold(text))], attachments: [file] });
    const merged = textAsCaption(reply('ready <1>'), 'Import & go')!;
    expect(merged).toBe('<b>ready &lt;1&gt;</b>\n\nImport &amp; go');
    const parsed = parseTelegramHtml(merged);
    expect(parsed.ok && parsed.text).toBe('ready <1>\n\nImport & go');
    expect(textAsCaption(reply('x'.repeat(CAPTION_LIMIT)), undefined)).toBeUndefined(); // needs a message of its own
    expect(textAsCaption(reply('x'.repeat(CAPTION_LIMIT - 20)), 'y'.repeat(30))).toBeUndefined();
    expect(textAsCaption({ blocks: [paragraph('no files')] }, undefined)).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 1500 }), fc.option(fc.string({ maxLength: 1100 }), { nil: undefined }), (text, own) => {
        const caption = textAsCaption(reply(text), own);
        if (caption === undefined) return;
        const visible = parseTelegramHtml(caption);
        expect(visible.ok).toBe(true);
        if (visible.ok) expect(visible.text.length).toBeLessThanOrEqual(CAPTION_LIMIT);
      }),
    );
  });

  it('keeps callback data within 64 bytes by leaving out buttons that do not fit', () => {
    const dropped: string[] = [];
    const kb = inlineKeyboard(
      [
        { label: 'Approve', action: '/approve k3x9Ab' },
        { label: 'Too long', action: `/approve ${'日'.repeat(20)}` },
      ],
      (a) => dropped.push(a),
    );
    expect(kb).toEqual({ inline_keyboard: [[{ text: 'Approve', callback_data: '/approve k3x9Ab' }]] });
    expect(dropped).toHaveLength(1);
    expect(inlineKeyboard([])).toBeUndefined();
  });

  it('escapes only what Telegram reserves', () => {
    expect(escapeHtml(`<a href="x">&'</a>`)).toBe(`&lt;a href="x"&gt;&amp;'&lt;/a&gt;`);
  });
});
