import { defineConfig } from 'vitest/config';

// These restart the Docker engine: they run after everything else, one file at a time.
const engineRestarting = [
  'runner/src/orchestrators/docker/docker-orchestrator.test.ts',
  'edge/src/routes/deployments/engine-restart.e2e.test.ts',
];

export const config = defineConfig({
  test: {
    pool: 'forks',
    // By default vitest runs one file at a time on two cores (cores - 1), and most files wait on
    // processes (the edge, runners, JVMs, Chromium), not on the CPU: two at a time.
    maxWorkers: 2,
    globalSetup: ['scripts/vitest-setup-console.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: [
            '{edge,runner,shared,bench,e2e,dashboard}/**/*.test.ts',
            'scripts/**/*.test.ts',
            'charts/**/*.test.ts',
            'compose/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', ...engineRestarting],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'docker-engine',
          include: engineRestarting,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

// vitest loads the config through its default export; the only one in the repo.
// biome-ignore lint/style/noDefaultExport: required by vitest
export default config;
