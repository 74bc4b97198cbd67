import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Docker-backed suites share one engine and a 2-core machine: keep file parallelism modest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
