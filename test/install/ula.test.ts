import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tunnelSubnetFromCidr } from '../../src/core/allocate.js';
import { chooseUla64 } from '../../src/install/tunnel.js';

describe('chooseUla64', () => {
  it('property: always a usable fd00::/8 /64 for the tunnel', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.9999999, noNaN: true }), { minLength: 4, maxLength: 4 }), (values) => {
        let i = 0;
        const ula = chooseUla64(() => values[i++ % 4]!);
        expect(ula).toMatch(/^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
        expect(tunnelSubnetFromCidr('10.6.0.0/24', ula).v6?.prefix).toBe(64);
      }),
    );
  });
});
