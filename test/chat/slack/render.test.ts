import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bold, code, codeBlock, list, paragraph, textReply } from '../../../src/core/reply.js';
import { LIMITS, escapeMrkdwn, renderReply, renderSpan, splitText, unescapeMrkdwn } from '../../../src/chat/slack/render.js';
import { commandLine } from '../../../src/chat/slack/events.js';

/** Only entity starts may follow a raw & in escaped text; no raw < or > at all. */
const safe = (s: string) => !/[<>]/.test(s) && !/&(?!(amp|lt|gt);)/.test(s);

describe('Slack rendering', () => {
  it('escapes &, < and > and nothing else; unescaping gives the text back', () => {
    expect(escapeMrkdwn('a & b <!channel> <@U1> >x')).toBe('a &amp; b &lt;!channel&gt; &lt;@U1&gt; &gt;x');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const e = escapeMrkdwn(s);
        expect(safe(e)).toBe(true);
        expect(unescapeMrkdwn(e)).toBe(s);
      }),
    );
  });

  it('no span, list or code block can produce a live mention or link', () => {
    const span = fc.record({ text: fc.string(), bold: fc.boolean(), code: fc.boolean() });
    fc.assert(
      fc.property(fc.array(span), fc.array(fc.array(span), { maxLength: 3 }), fc.string(), (spans, items, raw) => {
        const message = renderReply({
          blocks: [paragraph(...spans), list(items), codeBlock(raw)],
          buttons: [{ label: raw, action: '/x' }],
        });
        for (const b of message.blocks) if (b.type === 'section') expect(safe(b.text.text)).toBe(true);
        expect(safe(message.text)).toBe(true);
      }),
    );
  });

  it('bold and code wrap only text that cannot break out of the markers', () => {
    expect(renderSpan(bold('laptop'))).toBe('*laptop*');
    expect(renderSpan(bold(' padded '))).toBe(' *padded* ');
    expect(renderSpan(bold('a*b'))).toBe('a*b');
    expect(renderSpan(code('10.6.0.2/32'))).toBe('`10.6.0.2/32`');
    expect(renderSpan(code('a`b'))).toBe('a`b');
    expect(renderSpan(code('<&>'))).toBe('`&lt;&amp;&gt;`');
    expect(renderSpan(bold(''))).toBe('');
  });

  it('renders paragraphs, lists and code blocks as mrkdwn sections, buttons as one actions block', () => {
    const message = renderReply({
      blocks: [paragraph('Peers: ', bold('2')), list([['laptop ', code('10.6.0.2')], ['phone']]), codeBlock('[Interface]\nAddress = 10.6.0.2/32')],
      buttons: [
        { label: 'Approve', action: '/approve k3x9Ab', style: 'primary' },
        { label: 'Deny', action: '/deny k3x9Ab', style: 'danger' },
      ],
    });
    expect(message.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Peers: *2*' } },
      { type: 'section', text: { type: 'mrkdwn', text: '• laptop `10.6.0.2`\n• phone' } },
      { type: 'section', text: { type: 'mrkdwn', text: '```\n[Interface]\nAddress = 10.6.0.2/32\n```' } },
      {
        type: 'actions',
        block_id: 'wg_actions',
        elements: [
          {
            type: 'button',
            action_id: 'wg_button_0',
            text: { type: 'plain_text', text: 'Approve', emoji: true },
            value: '/approve k3x9Ab',
            style: 'primary',
          },
          {
            type: 'button',
            action_id: 'wg_button_1',
            text: { type: 'plain_text', text: 'Deny', emoji: true },
            value: '/deny k3x9Ab',
            style: 'danger',
          },
        ],
      },
    ]);
    expect(message.text).toContain('Peers: *2*');
  });

  it('keeps within Slack limits: long text is split into sections, code stays fenced, fallback text is bounded', () => {
    const long = Array.from({ length: 400 }, (_, i) => `peer-${i} 10.6.${i >> 8}.${i & 255} & more`).join('\n');
    const message = renderReply({ blocks: [paragraph(long), codeBlock(long)] });
    const sections = message.blocks.filter((b) => b.type === 'section').map((b) => (b.type === 'section' ? b.text.text : ''));
    expect(sections.length).toBeGreaterThan(2);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(LIMITS.sectionText);
    for (const s of sections.filter((s) => s.startsWith('```'))) expect(s.endsWith('\n```')).toBe(true);
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  });

  it('splitText never cuts an entity and loses no characters but the line breaks it cut at', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 8, max: 60 }), (s, max) => {
        const pieces = splitText(escapeMrkdwn(s), max);
        for (const p of pieces) {
          expect(p.length).toBeLessThanOrEqual(max);
          expect(safe(p)).toBe(true);
        }
        expect(pieces.join('').replace(/\n/g, '')).toBe(escapeMrkdwn(s).replace(/\n/g, ''));
      }),
    );
  });

  it('an empty reply still has fallback text; buttons without room are dropped, not truncated', () => {
    expect(renderReply(textReply('')).text).toBe(' ');
    const message = renderReply({ blocks: [], buttons: [{ label: 'x', action: `/approve ${'a'.repeat(LIMITS.buttonValue + 1)}` }] });
    expect(message.blocks).toEqual([]);
  });
});

describe('Slack slash commands → command lines', () => {
  it.each([
    ['/addpeer', 'laptop', '/addpeer laptop'],
    ['/peers', '', '/peers'],
    ['/wg', 'addpeer laptop', '/addpeer laptop'],
    ['/wg', '  status ', '/status'],
    ['/wg', '/qr phone', '/qr phone'],
    ['/wg', '', '/help'],
    ['/WG', 'Peers 2', '/Peers 2'],
    ['/addpeer', 'a&amp;b &lt;x&gt;', '/addpeer a&b <x>'],
  ])('%s %j → %j', (command, text, line) => {
    expect(commandLine(command, text)).toBe(line);
  });
});
