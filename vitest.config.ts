import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node. The renderer's end-to-end tests run separately
// (`npm run test:e2e`) against the real web-mode server in Debian's Chromium.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
