/**
 * After a profile change, connections the peer opened before it that the new profile forbids must stop:
 * the firewall lets established connections through, so their conntrack entries are deleted (`conntrack -D`,
 * Debian package conntrack). Only forbidden ones: a connection the new profile still allows keeps running
 * (deleting its entry would also lose its NAT mapping). Without conntrack this says so and does nothing.
 */
import type { CommandRunner } from '../exec/runner.js';
import type { Logger } from '../log/logger.js';
import { verdictFor, type Flow, type PolicyRule } from './rules.js';

export interface ConntrackFlow extends Flow {
  source: string;
  sport?: number;
}

/** Original-direction flows of `conntrack -L` output (one per line: "tcp 6 431999 ESTABLISHED src=… dst=… sport=… dport=… src=…"). Pure. */
export function parseConntrack(text: string, family: 4 | 6): ConntrackFlow[] {
  const flows: ConntrackFlow[] = [];
  for (const line of text.split('\n')) {
    const protocol = /^\s*([a-z0-9-]+)\s+\d+\s/.exec(line)?.[1];
    if (!protocol) continue;
    const first = (key: string) => new RegExp(`\\b${key}=(\\S+)`).exec(line)?.[1];
    const source = first('src');
    const destination = first('dst');
    if (!source || !destination) continue;
    const sport = first('sport');
    const dport = first('dport');
    flows.push({
      family,
      protocol,
      source,
      destination,
      ...(sport ? { sport: Number(sport) } : {}),
      ...(dport ? { dport: Number(dport) } : {}),
    });
  }
  return flows;
}

/** The flows a peer's new rules forbid (what must be cut). Pure. */
export const forbiddenFlows = (flows: readonly ConntrackFlow[], rules: readonly PolicyRule[]): ConntrackFlow[] =>
  flows.filter((f) => verdictFor(rules, f) === 'drop');

/** The `conntrack -D` arguments that delete exactly one flow (all of one protocol between two hosts when it has no ports). */
export function deleteArgs(f: ConntrackFlow): string[] {
  const ports = f.sport !== undefined && f.dport !== undefined ? ['--sport', String(f.sport), '--dport', String(f.dport)] : [];
  return ['-D', '-f', f.family === 4 ? 'ipv4' : 'ipv6', '-s', f.source, '-d', f.destination, '-p', f.protocol, ...ports];
}

export interface ConntrackOptions {
  runner: CommandRunner;
  /** argv that runs conntrack (tests: ["ip", "netns", "exec", NS, "conntrack"]). */
  argv?: string[];
  logger?: Logger;
}

export class Conntrack {
  private readonly argv: string[];
  /** Whether conntrack is installed; undefined until first asked. */
  available: boolean | undefined;
  constructor(private readonly o: ConntrackOptions) {
    this.argv = o.argv ?? ['conntrack'];
  }

  private run(args: string[]) {
    const [file, ...pre] = this.argv;
    return this.o.runner.run(file!, [...pre, ...args], { reject: false });
  }

  /** Whether conntrack can be used (asked once; a missing one is logged once). */
  async check(): Promise<boolean> {
    if (this.available !== undefined) return this.available;
    this.available = await this.run(['--version']).then(
      (r) => r.exitCode === 0,
      () => false,
    );
    if (!this.available)
      this.o.logger?.warn(
        'conntrack not found: after /route, connections opened before the change keep running until they end (install the conntrack package)',
      );
    return this.available;
  }

  /** Delete the conntrack entries of flows from `hosts` that `rules` forbid. Returns how many were cut. */
  async cutForbidden(hosts: readonly { host: string; family: 4 | 6 }[], rules: readonly PolicyRule[]): Promise<number> {
    if (!(await this.check())) return 0;
    let cut = 0;
    for (const { host, family } of hosts) {
      const listed = await this.run(['-L', '-f', family === 4 ? 'ipv4' : 'ipv6', '-s', host]);
      for (const flow of forbiddenFlows(parseConntrack(listed.stdout, family), rules)) {
        // Exit 1 when the entry is already gone (it ended meanwhile): nothing to cut then.
        if ((await this.run(deleteArgs(flow))).exitCode === 0) cut++;
      }
    }
    return cut;
  }
}
