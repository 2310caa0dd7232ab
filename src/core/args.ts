/**
 * Typed command arguments: each argument declares its kind, and the binder turns the words of a command
 * line into typed, validated values before any handler runs. Usage errors and bad values therefore come
 * from one place, as UserErrors the dispatcher translates into the asker's language.
 */
import { UserError } from './errors.js';
import { validatePeerName } from './names.js';
import { formatProfile, looksLikeProfile, parseProfile } from './profile.js';
import { parseSize, parseSizeValue } from './size.js';

/** One kind of value: how a word (or the rest of the line) becomes a value, or a UserError saying why not. */
export interface ArgKind<T> {
  /** Shown in usage lines: `/expire <name> <duration>`. */
  readonly label: string;
  /** For options (`option: true`): does this word belong to this kind? Options are matched by kind, in any order. */
  claims?(word: string): boolean;
  parse(raw: string): T;
}

export interface ArgSpec<N extends string = string, T = unknown, R extends boolean = boolean> {
  readonly name: N;
  readonly kind: ArgKind<T>;
  readonly required: R;
  /** Takes the rest of the line (only the last positional argument). */
  readonly rest?: boolean;
  /** Not positional: a word after the positional arguments that this kind claims, in any order. */
  readonly option?: boolean;
}

type ValueOf<S> = S extends ArgSpec<string, infer T, infer R> ? (R extends true ? T : T | undefined) : never;

/** The typed values a handler receives for a list of argument specs. */
export type ArgValues<S extends readonly ArgSpec[]> = { [P in S[number] as P['name']]: ValueOf<P> };

export const required = <N extends string, T>(name: N, kind: ArgKind<T>): ArgSpec<N, T, true> => ({ name, kind, required: true });
export const optional = <N extends string, T>(name: N, kind: ArgKind<T>): ArgSpec<N, T, false> => ({ name, kind, required: false });
/** The rest of the line as one value (free text, a profile with spaces). */
export const rest = <N extends string, T, R extends boolean>(name: N, kind: ArgKind<T>, isRequired: R): ArgSpec<N, T, R> => ({
  name,
  kind,
  required: isRequired,
  rest: true,
});
/** An optional word after the positional arguments, recognised by its kind, in any order with other options. */
export const option = <N extends string, T>(name: N, kind: ArgKind<T>): ArgSpec<N, T, false> => ({
  name,
  kind,
  required: false,
  option: true,
});

/** Raised when the words do not fit the command's arguments at all; the dispatcher answers with the usage line. */
export class UsageError extends UserError {
  constructor() {
    super('dispatch.usage');
  }
}

const MAX_WORD = 64;

function excerpt(word: string): string {
  return word.replace(/[^\p{L}\p{N}\p{P}\p{S} ]/gu, '?').slice(0, 40);
}

/** Bind the words after the command name to the specs: positional first, then options by kind. Throws UserError. */
export function bindArgs<S extends readonly ArgSpec[]>(specs: S, words: readonly string[]): ArgValues<S> {
  const out: Record<string, unknown> = {};
  const positional = specs.filter((s) => !s.option);
  const options = specs.filter((s) => s.option);
  let i = 0;
  for (const spec of positional) {
    if (spec.rest) {
      const text = words.slice(i).join(' ');
      i = words.length;
      if (text === '') {
        if (spec.required) throw new UsageError();
        out[spec.name] = undefined;
      } else out[spec.name] = spec.kind.parse(text);
      continue;
    }
    const word = words[i];
    if (word === undefined) {
      if (spec.required) throw new UsageError();
      out[spec.name] = undefined;
      continue;
    }
    i++;
    out[spec.name] = spec.kind.parse(word);
  }
  for (const spec of options) out[spec.name] = undefined;
  for (const word of words.slice(i)) {
    if (options.length === 0) throw new UsageError();
    const spec = options.find((s) => s.kind.claims?.(word));
    if (!spec) throw new UserError('args.unknownOption', { item: excerpt(word) });
    if (out[spec.name] !== undefined) throw new UserError('peer.optionTwice', { item: excerpt(word) });
    out[spec.name] = spec.kind.parse(word);
  }
  return out as ArgValues<S>;
}

/** `/route <name> <profile>`, `/peers [page]`: what the usage answer shows. */
export function usageLine(command: string, specs: readonly ArgSpec[]): string {
  const parts = specs.map((s) => (s.required ? `<${s.kind.label}>` : `[${s.kind.label}]`));
  return [`/${command}`, ...parts].join(' ');
}

// ---- The kinds every command uses. More kinds (a duration, a size) live beside their parsers. ----

/** A word: any short token without control characters (an id, a user key). */
export function word(label: string, maxLength = MAX_WORD): ArgKind<string> {
  return {
    label,
    parse(raw) {
      const w = raw.trim();
      if (w.length === 0 || w.length > maxLength || /\p{Cc}/u.test(w)) throw new UserError('args.badWord', { label, item: excerpt(w) });
      return w;
    },
  };
}

/** One of a few fixed words, case-insensitive: `on|off`, `revoke|keep`. */
export function choice<const C extends string>(label: string, choices: readonly C[]): ArgKind<C> {
  return {
    label,
    claims: (w) => choices.includes(w.toLowerCase() as C),
    parse(raw) {
      const w = raw.trim().toLowerCase();
      if (!choices.includes(w as C)) throw new UserError('args.badChoice', { item: excerpt(raw), choices: choices.join(' | ') });
      return w as C;
    },
  };
}

/** The name of a peer that exists (PiVPN's names included): trimmed; whether it is there is the handler's question. */
export const peerName: ArgKind<string> = {
  label: 'name',
  parse(raw) {
    const w = raw.trim();
    if (w.length === 0 || w.length > MAX_WORD || /\p{Cc}/u.test(w)) throw new UserError('peer.notFound', { name: excerpt(w).slice(0, 20) });
    return w;
  },
};

/** A name for a new peer: the rules PiVPN's own scripts accept (see names.ts). */
export const newPeerName: ArgKind<string> = { label: 'name', parse: validatePeerName };

/** A page number: 1, 2, 3… */
export const pageNumber: ArgKind<number> = {
  label: 'page',
  parse(raw) {
    const n = Number(raw);
    if (!/^\d{1,6}$/.test(raw) || !Number.isInteger(n) || n < 1) throw new UserError('peers.badPage');
    return n;
  },
};

/** What a peer may reach (full | lan | addresses with ports), in its canonical spelling. */
export const profile: ArgKind<string> = {
  label: 'profile',
  claims: looksLikeProfile,
  parse: (raw) => formatProfile(parseProfile(raw.replace(/\s+/g, ''))),
};

/** The id of an approval request (from its buttons or its message). */
export const requestId: ArgKind<string> = word('id');

/** The token of an Undo button. */
export const undoToken: ArgKind<string> = word('token');

/** A user's key as /users shows it (telegram:123, slack:T1/U2). */
export const userRef: ArgKind<string> = word('user', 80);

/** A data size: 50GB, 500MB, 1GiB (parser and units in size.ts). */
export const size: ArgKind<number> = {
  label: 'size',
  claims: (w) => parseSizeValue(w) !== undefined,
  parse: parseSize,
};
