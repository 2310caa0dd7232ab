/**
 * The line grammar shared by wg(8) and wg-quick(8) files: the server's interface file
 * (server-config-parse.ts) and client configs (client-config.ts).
 */

export type ConfLine =
  { kind: 'blank' } | { kind: 'comment' } | { kind: 'section'; name: string } | { kind: 'entry'; key: string; value: string } | { kind: 'invalid' };

/** Classifies one line (without terminator). Like wg, "#" starts a comment and names are case-insensitive (returned lowercased). */
export function classifyLine(line: string): ConfLine {
  return canonicalLine(line) ?? anyLine(line);
}

/** The lines PiVPN and the bot write, spelled as they write them: [key prefix, key]. */
const CANONICAL: readonly (readonly [string, string])[] = [
  ['PublicKey = ', 'publickey'],
  ['AllowedIPs = ', 'allowedips'],
  ['PresharedKey = ', 'presharedkey'],
];

/**
 * The same answer as anyLine for the few spellings that make up almost all of a 10,000-peer file, found with
 * one prefix comparison instead of a cut, trims and a pattern (anyLine cost 20 ms of every start there).
 */
function canonicalLine(line: string): ConfLine | undefined {
  if (line === '[Peer]') return PEER_SECTION;
  for (const [prefix, key] of CANONICAL) {
    if (!line.startsWith(prefix)) continue;
    const value = line.slice(prefix.length);
    return value.includes('#') || value.trim() !== value ? undefined : { kind: 'entry', key, value };
  }
  return undefined;
}

function anyLine(line: string): ConfLine {
  const hash = line.indexOf('#');
  // Base64 keys, addresses and host names never contain "#", so cutting there is safe.
  const content = (hash === -1 ? line : line.slice(0, hash)).trim();
  if (content === '') return hash === -1 ? BLANK : COMMENT;
  if (content.startsWith('[')) {
    const section = /^\[\s*([A-Za-z]+)\s*\]$/.exec(content);
    if (section) return { kind: 'section', name: (section[1] ?? '').toLowerCase() };
  }
  const eq = content.indexOf('=');
  if (eq <= 0) return INVALID;
  // wg ignores all whitespace in a key ("Allowed IPs" works), so we do too. (trimEnd: the usual "Key = value".)
  let key = content.slice(0, eq).trimEnd();
  if (/\s/.test(key)) key = key.replace(/\s+/g, '');
  if (!KEY_NAME.test(key)) return INVALID;
  return { kind: 'entry', key: key.toLowerCase(), value: content.slice(eq + 1).trim() };
}

// Shared answers (classifyLine runs for every line of a 10,000-peer file at start); never changed by callers.
const BLANK: ConfLine = Object.freeze({ kind: 'blank' });
const COMMENT: ConfLine = Object.freeze({ kind: 'comment' });
const INVALID: ConfLine = Object.freeze({ kind: 'invalid' });
const PEER_SECTION: ConfLine = Object.freeze({ kind: 'section', name: 'peer' });
const KEY_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** "a, b,c" → ["a", "b", "c"]; empty items dropped. */
export function splitList(value: string): string[] {
  const items: string[] = [];
  for (let start = 0; ;) {
    const comma = value.indexOf(',', start);
    const item = (comma === -1 ? value.slice(start) : value.slice(start, comma)).trim();
    if (item !== '') items.push(item);
    if (comma === -1) return items;
    start = comma + 1;
  }
}

/** Lines with their terminators ("\n" or "\r\n"); the last line may have none. */
export function splitLinesKeepEol(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function stripEol(line: string): string {
  if (line.endsWith('\r\n')) return line.slice(0, -2);
  if (line.endsWith('\n')) return line.slice(0, -1);
  return line;
}

export function parseDecimal(value: string, min: number, max: number, what: string): number {
  if (!/^[0-9]{1,10}$/.test(value)) throw new Error(`${what} is not a number: ${JSON.stringify(value)}`);
  const n = Number(value);
  if (n < min || n > max) throw new Error(`${what} is out of range ${min}–${max}: ${n}`);
  return n;
}
