/**
 * esbuild pieces shared by the builds that turn Cameleer's TypeScript into JavaScript for Node:
 * the single-file runner (build-runner-binary.ts) and the built entry points of the bins and
 * `npm start` (build-entries.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin, PluginBuild } from 'esbuild';

/** ESM bundles of CommonJS packages still call require() and read __dirname: the banner of each. */
export const commonJsShim = [
  "import { createRequire as __cameleerRequire } from 'node:module';",
  "import { fileURLToPath as __cameleerPath } from 'node:url';",
  'const require = __cameleerRequire(import.meta.url);',
  'const __filename = __cameleerPath(import.meta.url);',
  "const __dirname = __cameleerPath(new URL('.', import.meta.url));",
].join('\n');

/**
 * Optional add-ons (ssh2's native cpu-features and crypto binding, ws's bufferutil and
 * utf-8-validate, node-fetch's encoding): their packages require them in try/catch and fall back to
 * JavaScript, so in a bundle they are modules that throw at once, instead of a require that fails.
 */
export const leaveOutOptionalNative: Plugin = {
  name: 'leave-out-optional-native',
  setup(b: PluginBuild) {
    b.onResolve({ filter: /^(cpu-features|bufferutil|utf-8-validate|encoding)$|\.node$/ }, (args) => ({
      path: args.path,
      namespace: 'left-out',
    }));
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is left out of the bundle`)});`,
      loader: 'js',
    }));
  },
};

/**
 * Keeps `import.meta.url` and `import.meta.dirname` of each of our sources pointing at that source:
 * files found next to the code (migrations, the console, the OTLP schema) are then found from a
 * bundle that lives elsewhere, as from the sources.
 */
export const sourceRelativePaths: Plugin = {
  name: 'source-relative-paths',
  setup(b: PluginBuild) {
    b.onLoad({ filter: /\/(edge|runner|shared|scripts)\/src\/.*\.ts$|\/scripts\/[^/]+\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.')) return undefined;
      return {
        contents: source
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path)),
        loader: 'ts',
      };
    });
  },
};

/** Leaves installed packages to Node (native add-ons, WebAssembly beside their code); bundles the workspaces. */
export const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b: PluginBuild) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@cameleer/') ? undefined : { path: args.path, external: true },
    );
  },
};
