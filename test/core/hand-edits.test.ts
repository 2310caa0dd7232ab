import { describe, expect, it } from 'vitest';
import { findHandEdits } from '../../src/core/hand-edits.js';
import type { PeerEntry } from '../../src/core/peer.js';
import { emptyBotData } from '../../src/store/bot-db.js';

const NOW = new Date('2026-06-10T00:00:00Z');
const entry = (name: string, enabled: boolean): PeerEntry => ({ name, publicKey: `${name}-key`, allowedIps: ['10.6.0.2/32'], enabled });

describe('findHandEdits', () => {
  it('a peer its end switched off, enabled by hand (pivpn -on): kept enabled, its passed end cleared so it is not cut again', () => {
    const data = emptyBotData();
    data.peers.guest = {
      name: 'guest',
      publicKey: 'guest-key',
      owner: 'test:bob',
      createdAt: '2026-06-01T00:00:00.000Z',
      expiresAt: '2026-06-02T00:00:00.000Z',
      expirySetAt: '2026-06-01T00:00:00.000Z',
      disabled: true,
      disabledReason: 'expired',
    };
    data.peers.laptop = {
      name: 'laptop',
      publicKey: 'laptop-key',
      owner: 'test:bob',
      createdAt: '2026-06-01T00:00:00.000Z',
      expiresAt: '2026-07-01T00:00:00.000Z',
    };
    const found = findHandEdits(
      data,
      new Map([
        ['guest', entry('guest', true)],
        ['laptop', entry('laptop', false)],
      ]),
      'wg0.conf',
      NOW,
    );
    expect(found.findings).toEqual([
      'peer "guest" was enabled by hand in wg0.conf: kept (its end had passed: the end is cleared)',
      'peer "laptop" was disabled by hand in wg0.conf: kept',
    ]);
    found.edit!(data);
    expect(data.peers.guest).toEqual({ name: 'guest', publicKey: 'guest-key', owner: 'test:bob', createdAt: '2026-06-01T00:00:00.000Z' });
    // Disabled by hand: no reason (not "expired"), the future end stays.
    expect(data.peers.laptop).toEqual({
      name: 'laptop',
      publicKey: 'laptop-key',
      owner: 'test:bob',
      createdAt: '2026-06-01T00:00:00.000Z',
      expiresAt: '2026-07-01T00:00:00.000Z',
      disabled: true,
    });
    expect(
      findHandEdits(
        data,
        new Map([
          ['guest', entry('guest', true)],
          ['laptop', entry('laptop', false)],
        ]),
        'wg0.conf',
        NOW,
      ),
    ).toEqual({ findings: [], revokedKeys: [] });
  });
});
