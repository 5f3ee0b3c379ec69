import { defineConfig } from 'vitest/config';

// CI runs on 2 cores; whole-pipeline tests on real stacks take seconds, more under load.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 120_000 },
});
