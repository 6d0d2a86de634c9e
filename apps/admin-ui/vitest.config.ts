import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The journeys start the proxy from its sources, which import workspace packages' src.
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'] } },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'journeys',
          include: ['e2e/**/*.test.ts'],
          // Each journey starts its own proxy and browser: the proxy's modules can be shared.
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // The dashboard polls every 2 s (history every 5 s): wait on what it shows, never sleep.
          expect: { poll: { timeout: 10_000, interval: 100 } },
        },
      },
    ],
  },
});
