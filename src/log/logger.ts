/**
 * A small leveled logger that never prints a secret: every registered secret (tokens, passwords,
 * private keys) is masked in every line, whatever part of the program wrote it.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Add a value that must never appear in output (e.g. a client private key created at run time). */
  addSecret(secret: string | undefined): void;
}

export interface LoggerOptions {
  level: LogLevel;
  write?: (line: string) => void;
  secrets?: (string | undefined)[];
}

export const MASK = '***';
/** A WireGuard key: 32 bytes in base64, 44 characters (it may start with + or /). */
const KEY = '[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=';
// Anywhere, also inside a longer run of base64 (masking a little too much of such a run is harmless in a log).
const KEY_SHAPED = new RegExp(KEY, 'g');
const WG_KEY = new RegExp(`^${KEY}$`);

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Longest first, so a short secret inside a longer one never leaves the rest of the longer one visible.
  const secrets: string[] = [];
  const known = new Set<string>();
  const addSecret = (s: string | undefined) => {
    // Every length counts: a short password is still a password (masking a few ordinary words is the price).
    // A WireGuard key is not listed: every key-shaped string is masked anyway (below). Each /addpeer registers two,
    // and a list that grows with every peer ever added would make every log line slower for as long as the bot runs.
    if (!s || known.has(s) || WG_KEY.test(s)) return;
    known.add(s);
    const at = secrets.findIndex((x) => x.length < s.length);
    secrets.splice(at < 0 ? secrets.length : at, 0, s);
  };
  options.secrets?.forEach(addSecret);

  const mask = (text: string): string => {
    let out = text;
    // Repeat: text around a masked secret could spell it again (e.g. a secret made of '*').
    for (let pass = 0; pass < 3; pass++) for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
    const leaks = (text: string) => secrets.some((s) => text.includes(s));
    if (leaks(out)) {
      // The notice itself must not spell a (tiny) secret: then the line is left empty.
      const notice = `${MASK} (line withheld: it contained a secret)`;
      return leaks(notice) ? '' : notice;
    }
    // Every WireGuard key, registered or not (keys are never listed: see addSecret).
    return out.replace(KEY_SHAPED, MASK);
  };

  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (order[level] < order[options.level]) return;
    let line = `${level.toUpperCase()} ${message}`;
    if (fields && Object.keys(fields).length > 0) line += ` ${JSON.stringify(fields, errorReplacer)}`;
    write(mask(line));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    addSecret,
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    // A known failure's fix (ToolError.hint) is what the operator needs most: keep it next to the message.
    const hint = (value as { hint?: unknown }).hint;
    return {
      name: value.name,
      message: value.message,
      ...(hint ? { hint } : {}),
      cause: value.cause,
      stack: value.stack?.split('\n').slice(0, 6).join('\n'),
    };
  }
  return value;
}

/** A logger that keeps lines in memory, for tests. */
export function createMemoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, write: (l) => lines.push(l) });
  return Object.assign(logger, { lines });
}
