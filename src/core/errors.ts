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

export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options);
    this.hint = options?.hint;
  }
  /** A known failure's likely fix, for the operator's log (e.g. "is the interface up?"). */
  readonly hint: string | undefined;
}
