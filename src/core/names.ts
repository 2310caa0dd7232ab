/**
 * Peer names. New names follow a rule that is safe everywhere a name ends up: PiVPN's own checks,
 * file names (NAME.conf, keys/NAME_priv), the WireGuard apps' tunnel names (≤ 15 of [a-zA-Z0-9_=+.-]),
 * and chat commands. Names PiVPN accepted earlier (e.g. "bob@phone") stay addressable.
 */
import { UserError } from './errors.js';

export const MAX_PEER_NAME_LENGTH = 15;
/** Older PiVPN releases had no length limit; bound it anyway so a name stays a sane file name. */
export const MAX_IMPORTED_NAME_LENGTH = 64;
/** How much of a refused name we echo back to the chat. */
const MAX_ECHO_LENGTH = 20;

// The intersection of PiVPN's set [a-zA-Z0-9.@_-] and the WireGuard apps' set [a-zA-Z0-9_=+.-].
const NEW_NAME_CHARS = /^[A-Za-z0-9_.-]+$/;
const NEW_NAME_START = /^[A-Za-z0-9]/;
const ALL_DIGITS = /^[0-9]+$/;
const PIVPN_NAME = /^[A-Za-z0-9@_][A-Za-z0-9.@_-]*$/;
const RESERVED = 'server';

/** Validates a name for a new peer and returns it (surrounding whitespace removed); throws UserError otherwise. */
export function validatePeerName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0) throw new UserError('peer.name.empty');
  if (name.length > MAX_PEER_NAME_LENGTH) throw new UserError('peer.name.tooLong', { max: MAX_PEER_NAME_LENGTH });
  if (!NEW_NAME_CHARS.test(name)) throw new UserError('peer.name.chars', { name: printableExcerpt(name) });
  if (!NEW_NAME_START.test(name)) throw new UserError('peer.name.start');
  // PiVPN refuses integers: its commands take a list index in place of a name.
  if (ALL_DIGITS.test(name)) throw new UserError('peer.name.digits');
  if (name.toLowerCase() === RESERVED) throw new UserError('peer.name.reserved');
  return name;
}

/** True for names PiVPN may already hold ([a-zA-Z0-9.@_-], not starting with - or .), so imported peers stay usable. */
export function isAddressableName(raw: string): boolean {
  return raw.length <= MAX_IMPORTED_NAME_LENGTH && PIVPN_NAME.test(raw);
}

/**
 * A short rendering of untrusted input that is safe to show: control, format (bidi overrides, zero-width)
 * and line/paragraph separator characters become "?", and the result is cut to 20 code points.
 */
export function printableExcerpt(input: string, max = MAX_ECHO_LENGTH): string {
  const chars = Array.from(input.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, '?'));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
