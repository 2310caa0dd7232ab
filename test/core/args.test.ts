import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bindArgs,
  choice,
  newPeerName,
  option,
  optional,
  pageNumber,
  peerName,
  profile,
  required,
  rest,
  usageLine,
  UsageError,
  word,
} from '../../src/core/args.js';
import { UserError } from '../../src/core/errors.js';

const onOff = choice('on|off', ['on', 'off']);

describe('bindArgs', () => {
  it('gives typed values: a page is a number, a choice is lower-cased', () => {
    const specs = [required('name', peerName), optional('state', onOff), optional('page', pageNumber)] as const;
    const args = bindArgs(specs, ['laptop', 'ON', '3']);
    expect(args).toEqual({ name: 'laptop', state: 'on', page: 3 });
    // The type system knows: page is number | undefined, name is string.
    const n: number | undefined = args.page;
    expect(n).toBe(3);
  });

  it('refuses missing required words and extra words with a usage error', () => {
    const specs = [required('name', peerName)] as const;
    expect(() => bindArgs(specs, [])).toThrow(UsageError);
    expect(() => bindArgs(specs, ['a', 'b'])).toThrow(UsageError);
    expect(() => bindArgs([], ['x'])).toThrow(UsageError);
  });

  it('matches options by kind in any order, once each', () => {
    const specs = [required('name', newPeerName), option('profile', profile), option('state', onOff)] as const;
    expect(bindArgs(specs, ['laptop', 'off', 'lan'])).toEqual({ name: 'laptop', profile: 'lan', state: 'off' });
    expect(bindArgs(specs, ['laptop', 'lan', 'off'])).toEqual({ name: 'laptop', profile: 'lan', state: 'off' });
    expect(bindArgs(specs, ['laptop'])).toEqual({ name: 'laptop', profile: undefined, state: undefined });
    expect(() => bindArgs(specs, ['laptop', 'lan', 'full'])).toThrow(expect.objectContaining({ key: 'peer.optionTwice' }));
    expect(() => bindArgs(specs, ['laptop', 'zebra'])).toThrow(expect.objectContaining({ key: 'args.unknownOption' }));
  });

  it('validates a new peer name with the PiVPN rules before any handler runs', () => {
    const specs = [required('name', newPeerName)] as const;
    expect(() => bindArgs(specs, ['1234'])).toThrow(expect.objectContaining({ key: 'peer.name.digits' }));
    expect(() => bindArgs(specs, ['-x'])).toThrow(expect.objectContaining({ key: 'peer.name.start' }));
  });

  it('takes the rest of the line for a rest argument', () => {
    const specs = [required('name', peerName), rest('profile', profile, true)] as const;
    expect(bindArgs(specs, ['nas', '192.168.1.0/24,', '192.168.1.10:445/tcp']).profile).toBe(
      bindArgs(specs, ['nas', '192.168.1.0/24,192.168.1.10:445/tcp']).profile,
    );
    expect(() => bindArgs(specs, ['nas'])).toThrow(UsageError);
    expect(() => bindArgs(specs, ['nas', 'nonsense'])).toThrow(expect.objectContaining({ key: 'profile.unknown' }));
  });

  it('refuses bad pages and control characters in words', () => {
    expect(() => bindArgs([optional('page', pageNumber)] as const, ['0'])).toThrow(expect.objectContaining({ key: 'peers.badPage' }));
    expect(() => bindArgs([optional('page', pageNumber)] as const, ['1e3'])).toThrow(expect.objectContaining({ key: 'peers.badPage' }));
    expect(() => bindArgs([required('id', word('id'))] as const, ['a\u0007b'])).toThrow(expect.objectContaining({ key: 'args.badWord' }));
  });

  it('whatever the words, binding either succeeds or throws a UserError (never anything else)', () => {
    const specs = [required('name', newPeerName), option('profile', profile), option('state', onOff)] as const;
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 6 }), (words) => {
        try {
          const out = bindArgs(specs, words);
          expect(typeof out.name).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('usageLine', () => {
  it('shows required and optional arguments by their kind', () => {
    expect(usageLine('route', [required('name', peerName), rest('profile', profile, true)])).toBe('/route <name> <profile>');
    expect(usageLine('peers', [optional('page', pageNumber)])).toBe('/peers [page]');
  });
});
