/**
 * Three error classes, one per cause (as grammY does):
 * - UserError: the person in the chat did something we refuse; its message key is translated and shown to them.
 * - ConfigError: the operator's configuration is wrong; names the variable, stops the program at start.
 * - ToolError: an external program or service failed; logged in full, the user gets a short generic reply.
 */
export type MessageParams = Record<string, string | number>;

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    /** Key in the message catalogue (src/i18n). */
    readonly key: string,
    readonly params: MessageParams = {},
    options?: { cause?: unknown },
  ) {
    super(`${key} ${JSON.stringify(params)}`, options);
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The variable (or file) at fault, e.g. WG_PORT. */
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${variable}: ${message}`, options);
  }
}

/**
 * What kind of failure a ToolError is, for callers to branch on (as Bolt's CodedError): never a regex over
 * the message, which is for people and may change. The code is set once, where the tool's answer is read.
 */
export type ToolErrorCode =
  /** The program is not installed (ENOENT). */
  | 'not-installed'
  | 'timed-out'
  /** The WireGuard interface is not there (not up, or gone). */
  | 'no-interface'
  /** The answer could not be read (a socket that does not speak the protocol, a malformed reply). */
  | 'bad-answer'
  /** The service refused for good: trying again cannot help (e.g. Telegram: "message can't be deleted"). */
  | 'refused'
  /** This user may not read or change it (no CAP_NET_ADMIN, no access to the control socket). */
  | 'permission-denied'
  /** The person cannot be reached there (never opened a chat with the bot, blocked it, unknown id). */
  | 'unreachable'
  /** Anything else: a non-zero exit, an error answer. */
  | 'failed';

export class ToolError extends Error {
  override readonly name = 'ToolError';
  readonly code: ToolErrorCode;
  constructor(message: string, options?: { cause?: unknown; hint?: string; code?: ToolErrorCode }) {
    super(message, options);
    this.hint = options?.hint;
    this.code = options?.code ?? 'failed';
  }
  /** A known failure's likely fix, for the operator's log (e.g. "is the interface up?"). */
  readonly hint: string | undefined;
}

/** Storage faults that make a change impossible (a full SD card, a dying one, a read-only remount). */
export type DiskFault = 'full' | 'readOnly' | 'io';

const DISK_FAULTS: Record<string, DiskFault> = { ENOSPC: 'full', EDQUOT: 'full', EROFS: 'readOnly', EIO: 'io' };

/** The storage fault behind an error (following `cause`), if that is what it is. */
export function diskFaultOf(error: unknown): DiskFault | undefined {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in DISK_FAULTS) return DISK_FAULTS[code];
  }
  return undefined;
}
