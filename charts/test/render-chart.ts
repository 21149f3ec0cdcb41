/**
 * Renders a chart with the Go renderer in charts/test/render (text/template + sprig + Helm's own
 * functions), built once per source change with Debian's Go in GOPATH mode, offline.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const rendererSources = join(import.meta.dirname, 'render');

/** The Debian packages' sources: sprig, yaml.v2/v3 and their dependencies (scripts/go.sh installs them). */
export const goEnv = {
  ...process.env,
  GO111MODULE: 'off',
  GOPATH: '/usr/share/gocode',
  GOFLAGS: '',
  GOCACHE: join(tmpdir(), 'cameleer-go-cache'),
};

export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
};

export type RenderedChart = {
  /** Every non-empty document, in Helm's order of template files. */
  objects: KubernetesObject[];
  /** Rendered text by template path (`cameleer-runner/templates/x.yaml`). */
  manifests: Map<string, string>;
  notes: string;
  values: Record<string, unknown>;
};

export class RenderError extends Error {}

/** Builds the renderer when its sources changed since the last build, and returns its path. */
export async function buildRenderer(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of readdirSync(rendererSources).sort()) {
    hash.update(file).update(readFileSync(join(rendererSources, file)));
  }
  const binary = join(tmpdir(), `cameleer-chart-render-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(binary)) {
    // Test files build in parallel: each builds its own copy and renames it into place whole.
    const building = `${binary}.${process.pid}.tmp`;
    try {
      await run('go', ['build', '-o', building, '.'], { cwd: rendererSources, env: goEnv });
    } catch (err) {
      throw new RenderError(
        `cannot build the chart renderer (Debian's golang-go and golang-github-masterminds-sprig-dev: ` +
          `\`source scripts/go.sh && ensure_go\`): ${(err as { stderr?: string }).stderr ?? err}`,
      );
    }
    renameSync(building, binary);
  }
  return binary;
}

export async function renderChart(
  renderer: string,
  opts: { chartDir: string; valueFiles?: string[]; release?: string; namespace?: string },
): Promise<RenderedChart> {
  const args = [
    '--chart',
    opts.chartDir,
    '--name',
    opts.release ?? 'cameleer',
    '--namespace',
    opts.namespace ?? 'cameleer',
  ];
  for (const file of opts.valueFiles ?? []) args.push('-f', file);
  let stdout: string;
  try {
    ({ stdout } = await run(renderer, args, { maxBuffer: 16 * 1024 * 1024 }));
  } catch (err) {
    throw new RenderError(String((err as { stderr?: string }).stderr ?? err).trim());
  }
  const out = JSON.parse(stdout) as {
    manifests: { source: string; content: string }[];
    notes: string;
    values: Record<string, unknown>;
  };
  const objects: KubernetesObject[] = [];
  for (const { source, content } of out.manifests) {
    for (const doc of parseAllDocuments(content)) {
      if (doc.errors.length > 0) throw new RenderError(`${source}: ${doc.errors[0]?.message}`);
      const object = doc.toJS() as KubernetesObject | null;
      if (object) objects.push(object);
    }
  }
  return {
    objects,
    manifests: new Map(out.manifests.map((m) => [m.source, m.content])),
    notes: out.notes,
    values: out.values,
  };
}
