/**
 * The repository's boundaries, checked in `npm test` (scripts/test.sh runs `npm run boundaries`).
 * Import cycles are Biome's `noImportCycles` (biome.json): it tells type-only imports apart, which
 * dependency-cruiser's swc parser cannot (TypeScript 7 has no compiler API for it to use).
 * Workspace packages (`@cameleer/*`) resolve to their folders, so a rule on a path also catches an
 * import by package name.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const tests = '(^[^/]+/test/|\\.test\\.ts$)';
const nodeEntryPointsAndAdapters = '^edge/src/(node\\.ts|worker\\.ts|node/|worker/)';

module.exports = {
  forbidden: [
    {
      name: 'shared-knows-neither-side',
      comment: 'shared/ is the contract between the edge and the runner: it imports neither.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(edge|runner|dashboard)/' },
    },
    {
      name: 'shared-is-runtime-neutral',
      comment: 'shared/ runs on Workers and in the browser as well: no Node built-ins.',
      severity: 'error',
      from: { path: '^shared/src/', pathNot: tests },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'edge-core-knows-no-runtime',
      comment:
        'Outside its Node and Workers entry points and adapters the edge runs on both runtimes: ' +
        'no Node built-in and no runtime-specific package.',
      severity: 'error',
      from: { path: '^edge/src/', pathNot: [nodeEntryPointsAndAdapters, tests] },
      to: {
        path: [
          'node_modules/(pg|@electric-sql/pglite|@hono/node-server|ws|dockerode|chdb|@clickhouse/client|@neondatabase/serverless|esbuild|tsx)/',
          'node_modules/drizzle-orm/(node-postgres|pglite|neon-serverless)/',
        ],
      },
    },
    {
      name: 'edge-core-uses-no-node-builtin',
      severity: 'error',
      from: { path: '^edge/src/', pathNot: [nodeEntryPointsAndAdapters, tests] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'edge-meets-runner-only-through-shared',
      comment:
        "The edge knows the runner only through shared/. The one exception is the embedded default's " +
        'composition root, which starts a local runner beside the Node edge (`npm start`).',
      severity: 'error',
      from: { path: '^edge/', pathNot: ['^edge/src/node/local-runner\\.ts$', tests] },
      to: { path: '^runner/' },
    },
    {
      name: 'runner-meets-edge-only-through-shared',
      comment: 'The runner talks to the edge over the tunnel and the public API, never by import.',
      severity: 'error',
      from: { path: '^runner/', pathNot: tests },
      to: { path: '^edge/' },
    },
    {
      name: 'tests-reach-the-other-side-through-its-fixtures',
      comment:
        'Integration tests run both sides; they reach the other package through its entry point or its test/ fixtures, not its internals.',
      severity: 'error',
      from: { path: '^(edge|runner)/(test/|.+\\.test\\.ts$)' },
      to: {
        path: '^(edge|runner)/',
        pathNot: ['^$1/', '^(edge|runner)/test/', '^runner/src/index\\.ts$'],
      },
    },
    {
      name: 'dashboard-uses-the-public-api',
      comment: 'The console talks to the edge over HTTP like any client: it imports neither side.',
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^(edge|runner)/' },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    // swc as dependency-cruiser runs it cannot parse TSX: the console's .tsx files are checked by
    // scripts/console-imports.test.ts (esbuild's module graph) instead.
    exclude: { path: '(^|/)node_modules/|^\\.cameleer/|/dist/|\\.tsx$' },
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
