/**
 * The options after a peer's name (/addpeer NAME [OPTION...]), in any order. Each kind of option claims
 * the words it recognises; a word no kind claims is an error. More kinds (e.g. a duration) add an entry.
 */
import { UserError } from '../../src/core/errors.js';
import { formatProfile, looksLikeProfile, parseProfile } from '../../src/core/profile.js';

export interface PeerOptions {
  profile?: string;
}

interface OptionKind {
  key: keyof PeerOptions;
  claims(word: string): boolean;
  parse(word: string): string;
}

const KINDS: OptionKind[] = [{ key: 'profile', claims: looksLikeProfile, parse: (w) => formatProfile(parseProfile(w)) }];

export function parsePeerOptions(rest: string | undefined): PeerOptions {
  const options: PeerOptions = {};
  for (const word of (rest ?? '').split(/\s+/).filter(Boolean)) {
    const kind = KINDS.find((k) => k.claims(word));
    if (!kind) throw new UserError('profile.unknown', { item: word.slice(0, 60) });
    if (options[kind.key] !== undefined) throw new UserError('peer.optionTwice', { item: word.slice(0, 60) });
    options[kind.key] = kind.parse(word);
  }
  return options;
}
