import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real-tunnel tests share /var/run/wireguard and namespaces; files run in parallel, each with unique names.
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
