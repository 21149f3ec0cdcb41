/** Renders charts/cameleer-runner for tests: the renderer is built once per file, overrides go to temp files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { buildRenderer, type KubernetesObject, type RenderedChart, renderChart } from './render-chart.ts';

export const chartDir = join(import.meta.dirname, '..', 'cameleer-runner');
/** An example of ci/ by name, or any values file by absolute path. */
export const exampleFile = (name: string) => resolve(chartDir, 'ci', name);
export const examples = ['default-values.yaml', 'custom-values.yaml', 'namespaced-values.yaml'];

export type ChartRenderer = {
  /** Renders with example files and then inline overrides, merged in that order as `-f` does. */
  render(opts?: { files?: string[]; values?: Record<string, unknown>[] }): Promise<RenderedChart>;
  close(): void;
};

export async function chartRenderer(): Promise<ChartRenderer> {
  const binary = await buildRenderer();
  const dir = mkdtempSync(join(tmpdir(), 'cameleer-chart-'));
  let written = 0;
  return {
    render: ({ files = [], values = [] } = {}) => {
      const overrides = values.map((v) => {
        written += 1;
        const path = join(dir, `override-${written}.yaml`);
        writeFileSync(path, stringify(v));
        return path;
      });
      return renderChart(binary, { chartDir, valueFiles: [...files.map(exampleFile), ...overrides] });
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function objectOf(chart: RenderedChart, kind: string, name?: string): KubernetesObject {
  const found = chart.objects.find(
    (o) => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} rendered`);
  return found;
}

export type PodSpec = {
  securityContext: Record<string, unknown>;
  initContainers: Container[];
  containers: Container[];
  volumes: Record<string, unknown>[];
  imagePullSecrets?: { name: string }[];
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: unknown;
  [field: string]: unknown;
};
export type Container = {
  name: string;
  image: string;
  securityContext: Record<string, unknown>;
  env?: { name: string; value?: string; valueFrom?: Record<string, Record<string, string>> }[];
  envFrom?: { configMapRef?: { name: string } }[];
  [field: string]: unknown;
};

export function podTemplate(chart: RenderedChart): {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: PodSpec;
} {
  const spec = objectOf(chart, 'Deployment').spec as { template: ReturnType<typeof podTemplate> };
  return spec.template;
}
