/**
 * Reply model → Slack message (mrkdwn text + Block Kit). Pure: no I/O, unit-tested.
 * Slack's mrkdwn has no escape character; only &, < and > must be entity-escaped (they start links
 * and mentions such as <!channel>). Formatting markers are added only where the text cannot break them.
 */
import type { Block, Button, Reply, Span } from '../../core/reply.js';

/** Loose Block Kit shapes: what we send, no more (the Web API takes plain JSON). */
export interface SlackText {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface SlackButton {
  type: 'button';
  action_id: string;
  text: SlackText;
  value: string;
  style?: 'primary' | 'danger';
}
export type SlackBlock = { type: 'section'; text: SlackText } | { type: 'actions'; block_id: string; elements: SlackButton[] };

export interface SlackMessage {
  /** Notification / fallback text (mrkdwn). */
  text: string;
  blocks: SlackBlock[];
}

/** Slack's limits (api docs): section text 3000, button text 75, button value 2000, 25 buttons, 50 blocks. */
export const LIMITS = { sectionText: 3000, buttonText: 75, buttonValue: 2000, buttons: 25, blocks: 50, fallbackText: 3000 } as const;
export const BUTTON_ACTION_PREFIX = 'wg_button_';

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Wrap in a marker only if the inner text cannot end the marker early; surrounding spaces stay outside. */
function wrap(text: string, marker: '*' | '`'): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  const [, lead = '', core = '', trail = ''] = match;
  if (core === '' || core.includes(marker) || /[\r\n]/.test(core)) return escapeMrkdwn(text);
  return `${lead}${marker}${escapeMrkdwn(core)}${marker}${trail}`;
}

export function renderSpan(span: Span): string {
  if (span.code) return wrap(span.text, '`');
  if (span.bold) return wrap(span.text, '*');
  return escapeMrkdwn(span.text);
}

const spans = (items: Span[]): string => items.map(renderSpan).join('');

export function renderBlockText(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return spans(block.spans);
    case 'list':
      return block.items.map((item) => `• ${spans(item)}`).join('\n');
    case 'code':
      return fence(codeInner(block.text));
  }
}

// A code block ends at the next ```; break any inside with a zero-width space.
const codeInner = (text: string): string => escapeMrkdwn(text.replace(/```/g, '`\u200b``'));
const fence = (inner: string): string => '```\n' + inner + '\n```';

/** A block as section texts within Slack's limit; long code blocks stay fenced piece by piece. */
export function renderBlockSections(block: Block): string[] {
  if (block.type === 'code') return splitText(codeInner(block.text), LIMITS.sectionText - 8).map(fence);
  const text = renderBlockText(block);
  return text.trim() === '' ? [] : splitText(text, LIMITS.sectionText);
}

/** Split text into pieces of at most `max` characters, preferring line breaks, never inside an entity. */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut <= 0) {
      cut = max;
      const amp = rest.lastIndexOf('&', cut - 1);
      if (amp >= 0 && cut - amp < 5 && rest.indexOf(';', amp) >= cut) cut = amp;
      if (cut <= 0) cut = max;
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest !== '' || out.length === 0) out.push(rest);
  return out;
}

export function renderButtons(buttons: Button[]): SlackBlock[] {
  const usable = buttons.filter((b) => b.action.length <= LIMITS.buttonValue).slice(0, LIMITS.buttons);
  if (usable.length === 0) return [];
  return [
    {
      type: 'actions',
      block_id: 'wg_actions',
      elements: usable.map((b, i) => ({
        type: 'button',
        action_id: `${BUTTON_ACTION_PREFIX}${i}`,
        text: { type: 'plain_text', text: truncate(b.label, LIMITS.buttonText), emoji: true },
        // The command line the presser runs; the command re-checks everything, the value is only a request.
        value: b.action,
        ...(b.style ? { style: b.style } : {}),
      })),
    },
  ];
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The whole message: one or more sections per block, then the buttons. */
export function renderReply(reply: Reply): SlackMessage {
  const texts = reply.blocks.map(renderBlockText).filter((t) => t.trim() !== '');
  const sections: SlackBlock[] = reply.blocks.flatMap(renderBlockSections).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  const actions = renderButtons(reply.buttons ?? []);
  const blocks = [...sections.slice(0, LIMITS.blocks - actions.length), ...actions];
  const full = texts.join('\n\n');
  const text = full.length > LIMITS.fallbackText ? splitText(full, LIMITS.fallbackText - 1)[0]! + '…' : full;
  return { text: text === '' ? ' ' : text, blocks };
}

/** A short plain caption for an uploaded file (shown as the file's message). */
export function renderCaption(caption: string | undefined): string | undefined {
  return caption && caption.trim() !== '' ? escapeMrkdwn(caption) : undefined;
}
