import { defineCommand } from '../src/core/command.js';
import { bold, code, list, paragraph, textReply, type Block, type Span } from '../src/core/reply.js';
import { formatTime } from '../src/core/format.js';
import { ipv6Advice, ipv6AdviceText } from '../src/core/ipv6-advice.js';

/** /ip: the public addresses (checked afresh), since when, which sources agreed, and what the DNS name resolves to. */
export const ipCommand = defineCommand({
  name: 'ip',
  summaryKey: 'ip.summary',
  access: 'user',
  args: [],
  async run(ctx) {
    const ipWatch = ctx.services.ipWatch;
    if (!ipWatch) return textReply(ctx.t('ip.off'));
    const s = await ipWatch.ipStatus({ refresh: true });
    const lines: (Span | string)[][] = [];
    for (const [key, known] of [
      ['ip.ipv4', s.ipv4],
      ['ip.ipv6', s.ipv6],
    ] as const) {
      if (known) lines.push([ctx.t(key, { address: known.address, since: formatTime(known.since) })]);
    }
    if (!s.ipv4) lines.push([ctx.t('ip.unknown4')]);
    const agreed = [...new Set([...(s.ipv4?.sources ?? []), ...(s.ipv6?.sources ?? [])])];
    if (agreed.length > 0) lines.push([ctx.t('ip.sources', { sources: agreed.join(', ') })]);
    if (s.problem) lines.push([ctx.t('ip.problem', { detail: s.problem })]);

    const blocks: Block[] = [paragraph(bold(ctx.t('ip.title'))), list(lines)];
    if (!s.hostname) blocks.push(paragraph(ctx.t('ip.noHostname')));
    else if (!s.resolved || s.resolved.length === 0) blocks.push(paragraph(ctx.t('ip.hostnameNone', { hostname: s.hostname })));
    else {
      const resolved = s.resolved.join(', ');
      const agrees = s.ipv4 !== undefined && s.resolved.includes(s.ipv4.address);
      blocks.push(
        paragraph(agrees ? ctx.t('ip.hostname', { hostname: s.hostname, resolved }) : ctx.t('ip.hostnameMismatch', { hostname: s.hostname, resolved })),
      );
    }
    if (s.nat) {
      blocks.push(paragraph(ctx.t(`alert.nat.${s.nat.kind}`, { wan: s.nat.wan, address: s.ipv4?.address ?? '?' })));
      blocks.push(paragraph(ctx.t('alert.nat.options')));
      // An IPv6 known to the watch means DDNS_IPV6 is not off: the AAAA record follows it.
      const advice = ipv6Advice({
        wan: s.nat.wan,
        publicIPv4: s.ipv4?.address,
        ipv6: s.ipv6?.address,
        ddnsIpv6: 'on',
        ...(s.hostname ? { hostname: s.hostname } : {}),
      });
      if (advice) {
        const text = ipv6AdviceText(advice);
        blocks.push(paragraph(ctx.t(text.statusKey, text.params), ' ', ctx.t(text.adviceKey, text.params)));
      }
    }
    if (s.checkedAt) blocks.push(paragraph(code(ctx.t('ip.checkedAt', { time: formatTime(s.checkedAt) }))));
    return { blocks };
  },
});
