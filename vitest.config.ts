import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Refuses root in CI (test/helpers/ordinary-user.ts).
    globalSetup: ['test/helpers/ordinary-user.ts'],
    pool: 'forks',
    // vitest's default on 2 cores is one worker; most tests wait on real processes, so two files
    // at once halve CI's time while each wait stays bounded and event-driven.
    maxWorkers: 2,
    minWorkers: 1,
    // Real processes on a loaded 2-core machine: every wait is bounded, but generously.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
