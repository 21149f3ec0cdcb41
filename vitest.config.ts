import { defineConfig } from 'vitest/config';

export const config = defineConfig({
  test: {
    include: ['{edge,runner,shared,bench}/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

// vitest loads the config through its default export; the only one in the repo.
// biome-ignore lint/style/noDefaultExport: required by vitest
export default config;
